"""``openstack scope show``."""

from osc_lib.command import command

from oscope_scope import keystone


class ShowScope(command.Lister):
    _description = 'Show the scope sent with every request (--os-scope)'

    # Nothing to ask any service: works without credentials.
    auth_required = False

    def take_action(self, parsed_args):
        scope = keystone.effective_scope(self.app.cloud) or {}
        return ('Service Type', 'Cloud'), sorted(scope.items())
