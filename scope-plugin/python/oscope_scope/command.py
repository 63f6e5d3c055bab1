"""``openstack scope show``."""

from osc_lib.command import command

from oscope_scope import keystone


class ShowScope(command.Lister):
    _description = ('Show the scope sent with every request (--os-scope):'
                    ' the cloud, or cloud expression, of each service type')

    # Nothing to ask any service: works without credentials.
    auth_required = False

    def take_action(self, parsed_args):
        scope = keystone.effective_scope(self.app.cloud) or {}
        # Expressions are in their canonical text already ("A | B").
        return ('Service Type', 'Cloud'), sorted(scope.items())
