package io.oscope.proxy;

import io.oscope.routes.ConfigException;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import java.nio.charset.StandardCharsets;

/** Route tables of one cloud, Solo, with one service: what most tests of the proxy put in front of a backend. */
final class SoloRoutes {
  private SoloRoutes() {}

  /** Service {@code type} published at {@code 127.0.0.1:<port>/<prefix>}, served by the backend on {@code backendPort}. */
  static RouteTable table(String type, String prefix, int port, int backendPort) throws ConfigException {
    String routes = """
        {"services": [{"Service Type": "%1$s", "Interface": "public", "URL": "127.0.0.1:%2$d/%3$s", "Region": "Solo",
          "Frontend": "127.0.0.1:%2$d", "Backend": "127.0.0.1:%4$d"}]}""".formatted(type, port, prefix, backendPort);
    return RouteTable.compile(type, RouteFile.parse(type, routes.getBytes(StandardCharsets.UTF_8)), "Solo");
  }
}
