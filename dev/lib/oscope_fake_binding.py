"""An ML2 mechanism driver for dev/clouds that binds every port, with no agent behind it.

Every driver Neutron ships (openvswitch, linuxbridge, macvtap, sriov) binds a port only for a
live agent on the port's host, and the mini-clouds run none: Nova's fake virt driver starts no
VM, so there is nothing to plug. Without a binding, Nova's boot fails ("binding failed"). This
driver says "bound, OVS, active" for the first segment offered, which is all Nova's fake driver
needs, but only for the hosts named in OSCOPE_BIND_HOSTS (comma-separated: the cloud's own
compute host), as an agent-based driver binds only where its agent runs. A port asked for by
another cloud's Nova (the OpenStackoid "ill collaboration": compute in one cloud, network in
another) therefore fails to bind, as it would with real agents. It is development scaffolding:
nothing of it concerns oscope, which only routes the calls.

ML2 finds mechanism drivers by entry point name only (group neutron.ml2.mechanism_drivers);
oscope_dev_ml2-0.dist-info/entry_points.txt, beside this module on PYTHONPATH, registers it as
"oscope_bind" without installing a package.
"""
import os

from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class BindOwnHosts(api.MechanismDriver):
    def initialize(self):
        self.hosts = {h.strip() for h in os.environ.get("OSCOPE_BIND_HOSTS", "").split(",")
                      if h.strip()}

    def bind_port(self, context):
        if context.host not in self.hosts:
            return  # not bound: Neutron marks the port binding_failed
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], "ovs",
                                {"port_filter": True, "ovs_hybrid_plug": False},
                                status=constants.PORT_STATUS_ACTIVE)
            return
