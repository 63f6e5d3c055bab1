package io.oscope.demo;

import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.ConfigException;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default that {@code oscope demo} runs: two clouds on loopback, each with a proxy
 * in front of stand-in identity and image services. The clouds publish their services under
 * different paths (CloudOne {@code /identity/v3} and {@code /image}, CloudTwo {@code /keystone/v3}
 * and {@code /glance}), so routing to the other cloud also shows path translation.
 */
public final class DemoClouds implements AutoCloseable {
  private final List<StandInService> services = new ArrayList<>();
  private final String routeFile;
  private final ScopeProxy one;
  private final ScopeProxy two;

  private DemoClouds(HostPort oneFrontend, HostPort twoFrontend) throws ConfigException {
    StringBuilder rows = new StringBuilder();
    addCloud(rows, "CloudOne", oneFrontend, "/identity/v3", "/image");
    rows.append(",\n");
    addCloud(rows, "CloudTwo", twoFrontend, "/keystone/v3", "/glance");
    routeFile = "{\"services\": [\n" + rows + "\n]}\n";
    one = ScopeProxy.start(table("CloudOne"), ProxySettings.of("CloudOne", oneFrontend));
    try {
      two = ScopeProxy.start(table("CloudTwo"), ProxySettings.of("CloudTwo", twoFrontend));
    } catch (RuntimeException e) {
      one.close();
      services.forEach(StandInService::close);
      throw e;
    }
  }

  /** Starts the demo with the two proxies on the given loopback ports. */
  public static DemoClouds start(int onePort, int twoPort) throws ConfigException {
    return new DemoClouds(new HostPort("127.0.0.1", onePort), new HostPort("127.0.0.1", twoPort));
  }

  private void addCloud(StringBuilder rows, String cloud, HostPort frontend, String identityPath, String imagePath) {
    StandInService identity = StandInService.start(cloud, "identity", new HostPort("127.0.0.1", 0));
    StandInService image = StandInService.start(cloud, "image", new HostPort("127.0.0.1", 0));
    services.add(identity);
    services.add(image);
    List<String> entries = new ArrayList<>();
    for (String iface : List.of("public", "internal", "admin")) {
      entries.add(row("identity", iface, "http://" + frontend + identityPath, cloud, frontend, identity.address()));
    }
    entries.add(row("image", "public", "http://" + frontend + imagePath, cloud, frontend, image.address()));
    rows.append(String.join(",\n", entries));
  }

  private static String row(String type, String iface, String url, String cloud, HostPort frontend, HostPort backend) {
    return String.format("  {\"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"%s\", \"Region\": \"%s\","
        + " \"Frontend\": \"%s\", \"Backend\": \"%s\"}", type, iface, url, cloud, frontend, backend);
  }

  private RouteTable table(String cloud) throws ConfigException {
    return RouteTable.compile("demo routes", RouteFile.parse("demo routes", routeFile.getBytes(StandardCharsets.UTF_8)), cloud);
  }

  /** The route file both proxies run on, in the OpenStackoïd prototype's format. */
  public String routeFile() {
    return routeFile;
  }

  public ScopeProxy cloudOne() {
    return one;
  }

  public ScopeProxy cloudTwo() {
    return two;
  }

  @Override
  public void close() {
    one.close();
    two.close();
    services.forEach(StandInService::close);
  }
}
