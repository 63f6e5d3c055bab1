"""uWSGI entry point for dev/clouds' Neutron: Debian's API application, also under /network.

Only the API runs (no RPC workers, no agents): the configuration comes from
OS_NEUTRON_CONFIG_DIR and OS_NEUTRON_CONFIG_FILES, which dev/clouds sets in the uWSGI ini.
"""
from neutron.cmd.eventlet.server import main_api_eventlet

from oscope_mount import Mount

application = Mount(main_api_eventlet(), "/network")
