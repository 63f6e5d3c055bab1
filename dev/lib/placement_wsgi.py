"""uWSGI entry point for dev/clouds' Placement: Debian's application, also under /placement."""
from placement.wsgi import init_application

from oscope_mount import Mount

application = Mount(init_application(), "/placement")
