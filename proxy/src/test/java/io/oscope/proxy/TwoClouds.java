package io.oscope.proxy;

import io.netty.util.concurrent.Ticker;
import io.oscope.demo.StandInService;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
import io.oscope.testing.FreePorts;
import io.oscope.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Two clouds on loopback, each with its proxy and stand-in services that echo what they receive.
 * The layouts differ on purpose, as the issue asks: CloudOne publishes its services behind its
 * proxy under path prefixes (the seed's {@code :8888/image}); CloudTwo's catalogue points at the
 * services themselves (ports, root paths), its proxy being used as an HTTP proxy.
 */
final class TwoClouds implements AutoCloseable {
  final StandInService oneIdentity = StandInService.start("CloudOne", "identity", loopback(0));
  final StandInService oneImage = StandInService.start("CloudOne", "image", loopback(0));
  final StandInService oneCompute = StandInService.start("CloudOne", "compute", loopback(0));
  final StandInService oneComputeLegacy = StandInService.start("CloudOne", "compute_legacy", loopback(0));
  final StandInService twoIdentity = StandInService.start("CloudTwo", "identity", loopback(0));
  final StandInService twoImage = StandInService.start("CloudTwo", "image", loopback(0));
  final HostPort oneFrontend = loopback(FreePorts.next());
  final HostPort twoFrontend = loopback(FreePorts.next());
  final String routeFile;
  final ScopeProxy one;
  final ScopeProxy two;

  TwoClouds() throws Exception {
    this(settings -> settings);
  }

  TwoClouds(UnaryOperator<ProxySettings> tune) throws Exception {
    this(tune, cloud -> null);
  }

  /** With the spans of each cloud's proxy made by what {@code tracing} gives for its name (null: none). */
  TwoClouds(UnaryOperator<ProxySettings> tune, Function<String, Tracing> tracing) throws Exception {
    String p1 = oneFrontend.toString();
    List<String> rows = new ArrayList<>();
    for (String iface : List.of("public", "admin")) {
      rows.add(row("identity", iface, p1 + "/identity/v3", "CloudOne", p1, oneIdentity.address()));
    }
    rows.add(row("image", "public", p1 + "/image", "CloudOne", p1, oneImage.address()));
    rows.add(row("compute", "public", "http://" + p1 + "/compute/v2.1", "CloudOne", p1, oneCompute.address()));
    rows.add(row("compute_legacy", "public", "http://" + p1 + "/compute/v2/$(project_id)s", "CloudOne", p1,
        oneComputeLegacy.address()));
    for (String iface : List.of("public", "admin")) {
      rows.add(row("identity", iface, "http://" + twoIdentity.address() + "/v3", "CloudTwo", twoFrontend.toString(),
          twoIdentity.address()));
    }
    rows.add(row("image", "public", "http://" + twoImage.address(), "CloudTwo", twoFrontend.toString(),
        twoImage.address()));
    routeFile = "{\"services\": [\n" + String.join(",\n", rows) + "\n]}";
    one = ScopeProxy.start(table("CloudOne"), tune.apply(ProxySettings.of("CloudOne", oneFrontend)), Ticker.systemTicker(), null,
        tracing.apply("CloudOne"));
    two = ScopeProxy.start(table("CloudTwo"), tune.apply(ProxySettings.of("CloudTwo", twoFrontend)), Ticker.systemTicker(), null,
        tracing.apply("CloudTwo"));
  }

  RouteTable table(String cloud) throws Exception {
    List<ServiceEntry> entries = RouteFile.parse("two-clouds", routeFile.getBytes(StandardCharsets.UTF_8));
    return RouteTable.compile("two-clouds", entries, cloud);
  }

  String oneUrl(String pathAndQuery) {
    return "http://" + oneFrontend + pathAndQuery;
  }

  private static String row(String type, String iface, String url, String region, String frontend, HostPort backend) {
    return String.format(
        "{\"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"%s\", \"Region\": \"%s\", \"Frontend\": \"%s\", \"Backend\": \"%s\"}",
        type, iface, url, region, frontend, backend);
  }

  static HostPort loopback(int port) {
    return new HostPort("127.0.0.1", port);
  }


  @Override
  public void close() {
    one.close();
    two.close();
    for (StandInService service : List.of(oneIdentity, oneImage, oneCompute, oneComputeLegacy, twoIdentity, twoImage)) {
      service.close();
    }
  }
}
