package io.oscope.bench;

import io.oscope.routes.Destination;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceMatch;
import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request hot path through the public API of keystone-token and config: decode the scope,
 * find the service, pick the destination, complete the scope for {@code X-Scope}.
 *
 * <pre>{@code java -jar benchmarks/target/benchmarks.jar HotPath -prof gc}</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class HotPathBenchmark {
  private RouteTable table;
  private ServiceMatch image;
  private String pluginScope;
  private String scopedToken;
  private Scope shortScope;

  @Setup
  public void setUp() {
    table = Requests.table("CloudOne");
    image = table.match("127.0.0.1:18001", "/image/v2/images");
    pluginScope = Requests.pluginScope("CloudTwo");
    scopedToken = Requests.TOKEN + ScopedToken.SEPARATOR + pluginScope;
    shortScope = Scope.parse(Requests.SHORT_SCOPE);
    if (image == null || matchPort() == null || matchUnnormalisedHost() == null || matchPathPrefix() == null) {
      throw new IllegalStateException("services.json does not route the benchmark's requests");
    }
  }

  /** The 16-entry scope the CLI plugin sends. */
  @Benchmark
  public Scope parsePluginScope() {
    return Scope.parse(pluginScope);
  }

  /** A two-entry scope written by hand, with spaces. */
  @Benchmark
  public Scope parseShortScope() {
    return Scope.parse(Requests.SHORT_SCOPE);
  }

  /** {@code <token>!SCOPE!<json>} into its two parts. */
  @Benchmark
  public ScopedToken splitToken() {
    return ScopedToken.split(scopedToken);
  }

  /** CloudOne's layout: one address, a path prefix per service. */
  @Benchmark
  public ServiceMatch matchPathPrefix() {
    return table.match("127.0.0.1:18001", "/compute/v2.1/servers/detail?all_tenants=1");
  }

  /** CloudTwo's layout: a port per service (an absolute-form request from a peer proxy). */
  @Benchmark
  public ServiceMatch matchPort() {
    return table.match("127.0.0.1:29292", "/v2/images?limit=20");
  }

  /** A Host header written differently from the route file: the normalising slow path. */
  @Benchmark
  public ServiceMatch matchUnnormalisedHost() {
    return table.match("Glance.Cloud3.example:443", "/v2/images");
  }

  /** No service there: the request is a candidate for pass-through. */
  @Benchmark
  public ServiceMatch matchMiss() {
    return table.match("127.0.0.1:18001", "/unknown/path");
  }

  @Benchmark
  public Destination destinationIn() {
    return image.destinationIn("CloudTwo");
  }

  /** The complete scope sent upstream in {@code X-Scope}: a new scope and its JSON, per request. */
  @Benchmark
  public String completeScopeJson() {
    return shortScope.withDefault(table.serviceTypes(), table.localCloud()).toJson();
  }

  /** What a request presents: where it goes, and the scope it carries. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Request {
    /** none: a plain token; short: a hand-written scope; plugin: the CLI plugin's 16-entry scope. */
    @Param({"none", "short", "plugin"})
    String scope;

    String authority = "127.0.0.1:18001";
    String path = "/image/v2/images?limit=20";
    String authToken;

    @Setup
    public void setUp() {
      authToken = switch (scope) {
        case "none" -> Requests.TOKEN;
        case "short" -> Requests.TOKEN + ScopedToken.SEPARATOR + Requests.SHORT_SCOPE;
        case "plugin" -> Requests.TOKEN + ScopedToken.SEPARATOR + Requests.pluginScope("CloudTwo");
        default -> throw new IllegalArgumentException(scope);
      };
    }
  }

  /**
   * Decode and resolve, as the proxy does per request: the scope from the token's suffix, the
   * service, every named cloud checked, the destination, and the complete scope's JSON.
   */
  @Benchmark
  public void decodeAndResolve(Request request, Blackhole out) {
    ServiceMatch match = table.match(request.authority, request.path);
    String token = request.authToken;
    int at = token.indexOf(ScopedToken.SEPARATOR);
    Scope scope = at < 0 ? Scope.empty() : Scope.parse(token.substring(at + ScopedToken.SEPARATOR.length()));
    String cloud = scope.cloudOf(match.serviceType(), table.localCloud());
    for (Map.Entry<String, String> entry : scope.asMap().entrySet()) {
      if (!table.hasCloud(entry.getValue())) throw new IllegalStateException("unknown cloud " + entry.getValue());
    }
    Scope complete = scope.withDefault(table.serviceTypes(), table.localCloud());
    out.consume(match.destinationIn(cloud));
    out.consume(complete.toJson());
  }
}
