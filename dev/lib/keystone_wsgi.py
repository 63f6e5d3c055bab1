"""uWSGI entry point for dev/clouds' Keystone: Debian's public application, also under /identity."""
from keystone.server.wsgi import initialize_public_application

from oscope_mount import Mount

application = Mount(initialize_public_application(), "/identity")
