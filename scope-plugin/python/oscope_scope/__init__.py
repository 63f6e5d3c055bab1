"""``--os-scope`` for the ``openstack`` CLI (python-openstackclient).

Every request the CLI sends carries the scope (which cloud serves which
service type) in an ``X-Scope`` header and as a suffix of its token, for the
oscope proxy to route it.  See README.md next to this package.
"""

__version__ = '0.1.0'
