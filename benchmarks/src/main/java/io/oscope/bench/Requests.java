package io.oscope.bench;

import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What a realistic request carries, and the route table it meets: {@code services.json} of the load
 * test (3 clouds x 8 services; CloudOne publishes path prefixes behind its proxy, CloudTwo a port
 * per service, CloudThree a host name per service).
 */
public final class Requests {
  /** A Fernet token of the usual length (Keystone issues 180 to 250 characters). */
  public static final String TOKEN = "gAAAAABnQ2k8xJf3kq0Zb9bUq7c1rW9yQ8hYt3vLm0n2Pq4Rs6Tu8Vw0Xy2Za4Bc6De8Fg0Hi2Jk4Lm6No8Pq0Rs"
      + "2Tu4Vw6Xy8Za0Bc2De4Fg6Hi8Jk0Lm2No4Pq6Rs8Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8No0Pq2Rs4Tu6Vw8Xy0Za2"
      + "Bc4De6Fg8Hi0Jk2Lm4No6Pq8";

  /**
   * The scope the openstack CLI plugin sends: every well-known service type, compact, keys sorted
   * ({@code scope-plugin/python/oscope_scope/scope.py}); image goes to {@code imageCloud}.
   */
  public static String pluginScope(String imageCloud) {
    String[] types = {"alarming", "baremetal", "compute", "dns", "identity", "image", "key-manager",
        "load-balancer", "metric", "network", "object-store", "orchestration", "placement", "share",
        "volume", "volumev3"};
    StringBuilder out = new StringBuilder("{");
    for (String type : types) {
      if (out.length() > 1) out.append(',');
      out.append('"').append(type).append("\":\"").append(type.equals("image") ? imageCloud : "CloudOne").append('"');
    }
    return out.append('}').toString();
  }

  /** A scope as a person writes it with {@code --os-scope}. */
  public static final String SHORT_SCOPE = "{\"compute\": \"CloudOne\", \"image\": \"CloudTwo\"}";

  private Requests() {}

  /** The load test's route table, compiled for {@code cloud}. */
  public static RouteTable table(String cloud) {
    try (InputStream in = Requests.class.getResourceAsStream("/services.json")) {
      if (in == null) throw new IllegalStateException("services.json is not on the class path");
      return RouteTable.compile("services.json", RouteFile.parse("services.json", in.readAllBytes()), cloud);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot compile services.json: " + e.getMessage(), e);
    }
  }
}
