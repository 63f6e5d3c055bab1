"""The python-openstackclient plugin module (``openstack.cli.extension``).

It adds the global ``--os-scope`` option and the ``scope show`` command.
"""

import argparse
import os

from oscope_scope import errors
from oscope_scope import keystone
from oscope_scope import scope as scope_mod

# The plugin interface of python-openstackclient.  The "API" only serves to
# register the command group ``openstack.oscope.v1`` (``scope show``); no
# option is registered for its version, so the default always applies.
API_NAME = 'oscope'
API_VERSION_OPTION = 'os_oscope_api_version'
API_VERSIONS = {'1': 'oscope_scope.plugin'}
DEFAULT_API_VERSION = '1'


def make_client(instance):
    """``client_manager.oscope``: the effective scope (a dict) or None."""
    return keystone.effective_scope(instance._cli_options)


class _EnvText(str):
    """The ``--os-scope`` default, remembering which variable it came from."""

    source = scope_mod.SCOPE_ENV


def parse_scope_option(text, environ=None):
    """argparse ``type`` of ``--os-scope``: the scope the user gave.

    Merges the JSON of the option (or of ``OS_SCOPE``) with the
    ``OS_SCOPE_<TYPE>`` variables, explicit entries winning.  The result is
    a tuple of ``(service type, cloud)`` pairs rather than a string or a
    dict: openstacksdk's config loader would run ``str.format`` on a string
    holding JSON, and rewrite the keys of a dict ('object-store' ->
    'object_store').
    """
    if environ is None:
        environ = os.environ
    source = getattr(text, 'source', '--os-scope')
    try:
        explicit = scope_mod.parse_scope_json(text, source)
        given = scope_mod.merge(explicit, scope_mod.scope_from_env(environ))
    except scope_mod.ScopeError as exc:
        errors.fail(exc)
    return tuple(sorted(given.items()))


class _StoreScope(argparse.Action):
    """Store the scope and name the hook that will apply it."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        setattr(namespace, 'vendor_hook', keystone.VENDOR_HOOK)


def build_option_parser(parser, environ=None):
    """Add ``--os-scope`` to the global options of the CLI."""
    if environ is None:
        environ = os.environ
    default = None
    if scope_mod.scope_requested(environ):
        default = _EnvText(environ.get(scope_mod.SCOPE_ENV) or '{}')
        parser.set_defaults(vendor_hook=keystone.VENDOR_HOOK)
    parser.add_argument(
        '--os-scope',
        metavar='<scope>',
        dest=keystone.OPTION_DEST,
        default=default,
        type=lambda text: parse_scope_option(text, environ),
        action=_StoreScope,
        help=('JSON object mapping service types to the clouds that must'
              ' serve them, e.g. \'{"compute": "CloudOne", "image":'
              ' "CloudTwo"}\'. Service types it leaves out default to'
              ' OS_SCOPE_<TYPE> (e.g. OS_SCOPE_IMAGE), then to the region'
              ' name (your own cloud). Sent with every request in X-Scope'
              ' and after the token (Env: OS_SCOPE)'),
    )
    return parser
