"""Putting the scope on the requests of a keystoneauth1 Session.

Two documented keystoneauth1 extension points are used, nothing is patched:

* ``Session.additional_headers`` gets ``X-Scope``: the session adds it to
  every request it sends, the authentication request included;
* ``Session.auth`` is wrapped in :class:`ScopedAuth`, which appends the
  scope to the token each time the session asks for the headers of a
  request.  The auth plugin keeps (and caches) the token exactly as Keystone
  returned it in ``X-Subject-Token``.

The client manager of the ``openstack`` CLI builds its Session and, right
after, an openstacksdk ``Connection`` on the same Session; the Connection
runs the function named by the ``vendor_hook`` configuration key, which the
plugin points at :func:`vendor_hook` while a scope is requested.
"""

from oscope_scope import errors
from oscope_scope import scope as scope_mod

#: Key, in the argparse namespace and so in the cloud configuration, of the
#: scope the user gave (after merging the OS_SCOPE_<TYPE> defaults).
OPTION_DEST = 'oscope_scope'

#: Value for openstacksdk's ``vendor_hook`` configuration key.
VENDOR_HOOK = 'oscope_scope.keystone:vendor_hook'


class ScopedAuth(object):
    """A keystoneauth1 auth plugin whose request headers carry the scope.

    It delegates every attribute, read or written, to the wrapped plugin
    except :meth:`get_headers` (the one method ``Session.request`` uses to
    authenticate a request) and :attr:`encoded_scope`.  Tokens fetched and
    cached by the wrapped plugin stay unsuffixed; the suffix is added once,
    when a request is about to be sent.
    """

    def __init__(self, auth, encoded_scope):
        object.__setattr__(self, 'wrapped_auth', auth)
        object.__setattr__(self, 'encoded_scope', encoded_scope)

    def get_headers(self, session, **kwargs):
        headers = self.wrapped_auth.get_headers(session, **kwargs)
        return scope_mod.scoped_auth_headers(headers, self.encoded_scope)

    def __getattr__(self, name):
        # Only called for attributes not found on the wrapper itself.
        return getattr(object.__getattribute__(self, 'wrapped_auth'), name)

    def __setattr__(self, name, value):
        if name in ('wrapped_auth', 'encoded_scope'):
            object.__setattr__(self, name, value)
        else:
            setattr(self.wrapped_auth, name, value)

    def __delattr__(self, name):
        delattr(self.wrapped_auth, name)

    def __repr__(self):
        return '<ScopedAuth %r scope=%s>' % (self.wrapped_auth,
                                             self.encoded_scope)


def apply_scope(session, scope):
    """Make every request of a keystoneauth1 ``session`` carry ``scope``.

    Idempotent: applying a scope again replaces the previous one.
    """
    encoded = scope_mod.encode(scope)
    session.additional_headers[scope_mod.SCOPE_HEADER] = encoded
    auth = session.auth
    if isinstance(auth, ScopedAuth):
        auth.encoded_scope = encoded
    elif auth is not None:
        session.auth = ScopedAuth(auth, encoded)
    return encoded


def effective_scope(cloud_region):
    """The complete scope for an openstacksdk ``CloudRegion``.

    :returns: a dict, or None when the user requested no scope.
    """
    given = cloud_region.config.get(OPTION_DEST)
    if given is None:
        return None
    try:
        return scope_mod.complete(dict(given), cloud_region.region_name)
    except scope_mod.ScopeError as exc:
        errors.fail(exc)


def vendor_hook(connection):
    """openstacksdk vendor hook: scope the session of ``connection``."""
    scope = effective_scope(connection.config)
    if scope is not None:
        apply_scope(connection.session, scope)
