"""WSGI middleware for dev/clouds: serve an application both at / and under a path prefix.

In the "frontend" topology the catalogue publishes Keystone at http://PROXY/identity/v3 and
Glance at http://PROXY/image; oscope forwards paths unchanged, so the services must answer under
those prefixes.  A request whose path starts with the prefix has it moved from PATH_INFO to
SCRIPT_NAME (the links the service builds then keep it); any other request passes untouched, so
the direct addresses (http://127.0.0.1:K/v3, http://127.0.0.1:G/v2) keep working.

Glance:   [filter:mount] paste.filter_factory = oscope_mount:filter_factory  prefix = /image
Nova:     the same, prefix = /compute, in front of Nova's osapi_compute (dev/clouds)
Keystone: see keystone_wsgi.py; Placement: placement_wsgi.py
"""


class Mount:
    def __init__(self, app, prefix):
        self.app = app
        self.prefix = "/" + prefix.strip("/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
        return self.app(environ, start_response)


def filter_factory(global_conf, prefix, **_):
    return lambda app: Mount(app, prefix)
