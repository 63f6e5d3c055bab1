package io.oscope.fanout;

import static io.oscope.fanout.SortKey.asc;
import static io.oscope.fanout.SortKey.desc;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The list calls a fan-out merges, one table for every service: anything else a fan-out serves
 * as a single resource (first 2xx wins). The defaults are the services' own: Glance's
 * {@code limit_param_default} 25 and {@code api_limit_max} 1000, Nova's and Cinder's
 * {@code max_limit}/{@code osapi_max_limit} 1000; Neutron pages only when asked, so it gets 1000.
 *
 * <pre>{@code
 * ListCall call = ListCalls.find("image", "/image/v2/images");   // null: not a list call
 * }</pre>
 */
public final class ListCalls {
  private static final List<SortKey> NEWEST_FIRST = List.of(desc("created_at"), desc("id"));
  private static final List<SortKey> BY_ID = List.of(asc("id"));

  /** The table: the README's "Compound scopes" section lists the same rows. */
  public static final List<ListCall> ALL = List.of(
      new ListCall("image", "/v2/images", "images", "", "id", Paging.GLANCE, NEWEST_FIRST, 25, 1000),
      nova("/servers", "servers", NEWEST_FIRST),
      nova("/servers/detail", "servers", NEWEST_FIRST),
      nova("/flavors", "flavors", BY_ID),
      nova("/flavors/detail", "flavors", BY_ID),
      new ListCall("compute", "/os-keypairs", "keypairs", "/keypair", "name", Paging.NOVA, List.of(asc("name")), 1000, 1000),
      neutron("/v2.0/networks", "networks"),
      neutron("/v2.0/subnets", "subnets"),
      neutron("/v2.0/ports", "ports"),
      neutron("/v2.0/security-groups", "security_groups"),
      neutron("/v2.0/security-group-rules", "security_group_rules"),
      neutron("/v2.0/routers", "routers"),
      neutron("/v2.0/floatingips", "floatingips"),
      cinder("/volumes", "volumes"),
      cinder("/volumes/detail", "volumes"),
      cinder("/snapshots", "snapshots"),
      cinder("/snapshots/detail", "snapshots"),
      cinder("/backups", "backups"),
      cinder("/backups/detail", "backups"),
      keystone("projects"),
      keystone("users"),
      keystone("groups"),
      keystone("domains"),
      keystone("roles"),
      keystone("regions"),
      keystone("services"),
      keystone("endpoints"));

  private static final Map<String, List<ListCall>> BY_TYPE =
      ALL.stream().collect(Collectors.groupingBy(ListCall::serviceType));

  private ListCalls() {}

  /** The list call of {@code serviceType} at {@code path} (without query), or null if it is none. */
  public static ListCall find(String serviceType, String path) {
    List<ListCall> calls = BY_TYPE.get(serviceType);
    if (calls == null) return null;
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (ListCall call : calls) {
      if (trimmed.endsWith(call.suffix())) return call;
    }
    return null;
  }

  private static ListCall nova(String suffix, String collection, List<SortKey> order) {
    return new ListCall("compute", suffix, collection, "", "id", Paging.NOVA, order, 1000, 1000);
  }

  private static ListCall neutron(String suffix, String collection) {
    return new ListCall("network", suffix, collection, "", "id", Paging.NEUTRON, BY_ID, 1000, 1000);
  }

  private static ListCall cinder(String suffix, String collection) {
    return new ListCall("volume", suffix, collection, "", "id", Paging.NOVA, NEWEST_FIRST, 1000, 1000);
  }

  private static ListCall keystone(String collection) {
    return new ListCall("identity", "/v3/" + collection, collection, "", "id", Paging.NONE, List.of(), 1000, 1000);
  }
}
