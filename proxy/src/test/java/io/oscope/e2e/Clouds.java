package io.oscope.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The two mini-clouds of {@code dev/clouds up}, as its state directory describes them
 * ({@code OSCOPE_CLOUDS_DIR}, default {@code /tmp/oscope-clouds}): ports, openrc files, the ID of
 * each cloud's {@code cirros}, logs. {@link #require()} fails, never skips, when they are not up.
 */
final class Clouds {
  static final String ONE = "CloudOne";
  static final String TWO = "CloudTwo";

  /** One cloud: its directory, ports, image and credentials (the openrc files' variables). */
  record Cloud(String name, Path dir, int keystonePort, int glancePort, int proxyPort, String imageId,
      Map<String, String> demo, Map<String, String> admin) {
    Path file(String name) {
      return dir.resolve(name);
    }

    Path proxyLog() {
      return dir.resolve("oscope.log");
    }

    /** A port of the cloud's ports file ({@code KEYSTONE}, {@code NOVA}…), or -1 if it has none. */
    int port(String what) throws IOException {
      String value = readVariables(file("ports")).get(what);
      return value == null || value.isBlank() ? -1 : Integer.parseInt(value.strip());
    }

    /** The ID of the cloud's network {@code private} ({@code network-id}; written by {@code up --with-compute}). */
    String networkId() throws IOException {
      return Files.readString(file("network-id")).strip();
    }

    /** The catalogue's public URL of a service type (endpoint-list.json). */
    String publicUrl(String serviceType) throws IOException {
      for (JsonNode e : new ObjectMapper().readTree(file("endpoint-list.json").toFile())) {
        if (e.get("Service Type").asText().equals(serviceType) && e.get("Interface").asText().equals("public")) {
          return e.get("URL").asText();
        }
      }
      throw new AssertionError(name + " has no public " + serviceType + " endpoint in " + file("endpoint-list.json"));
    }

    /**
     * {@code GET url} with one extra header, sent as the CLI sends it with this cloud's openrc:
     * through this cloud's proxy as HTTP proxy (transparent topology), or straight to the URL.
     */
    HttpResponse<String> get(String url, String header, String value) throws IOException, InterruptedException {
      return send(HttpRequest.newBuilder(URI.create(url)).header(header, value).GET());
    }

    /** Sends {@code request} as {@link #get} does, within 30 s. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
      HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
      if (demo.containsKey("http_proxy") || demo.containsKey("HTTP_PROXY")) {
        client.proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)));
      }
      return client.build().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  final Path dir;
  final Path checkout;
  final String topology;
  private final Map<String, Cloud> clouds;

  private static Clouds instance;
  private static String problem;

  private Clouds(Path dir, Path checkout, String topology, Map<String, Cloud> clouds) {
    this.dir = dir;
    this.checkout = checkout;
    this.topology = topology;
    this.clouds = clouds;
  }

  Cloud one() {
    return clouds.get(ONE);
  }

  Cloud two() {
    return clouds.get(TWO);
  }

  Cloud cloud(String name) {
    Cloud cloud = clouds.get(name);
    if (cloud == null) throw new IllegalArgumentException("no cloud " + name);
    return cloud;
  }

  /** {@code dev/clouds} of this checkout. */
  Path devClouds() {
    return checkout.resolve("dev/clouds");
  }

  /** A test's steps, which may throw anything. */
  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  /**
   * Runs {@code steps} with {@code cloud}'s proxy stopped, and starts it again whatever they do; a
   * failure to restart is added to theirs rather than hiding it. Returns once the other cloud's
   * proxy reaches it again, so that the next test does not meet a peer still marked down.
   */
  void withProxyStopped(String cloud, Work steps) throws Exception {
    devClouds("stop-proxy", cloud);
    Throwable failure = null;
    try {
      steps.run();
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      try {
        devClouds("start-proxy", cloud);
      } catch (Throwable restart) {
        if (failure == null) throw restart;
        failure.addSuppressed(restart);
      }
    }
    Cloud stopped = cloud.equals(ONE) ? one() : two();
    awaitReachable(cloud.equals(ONE) ? two() : one(), stopped);
  }

  /** {@code dev/clouds COMMAND CLOUD} ({@code stop-proxy}, {@code start-proxy}), as a timed step; fails with its output. */
  void devClouds(String command, String cloud) throws Exception {
    Steps.time("dev/clouds " + command + " " + cloud, () -> {
      Path log = Files.createTempFile("oscope-e2e-clouds-", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(devClouds().toString(), command, cloud)
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OSCOPE_CLOUDS_DIR", dir.toString());
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!done || p.exitValue() != 0) {
          throw new AssertionError("dev/clouds " + command + " " + cloud + " failed:\n" + output);
        }
      } finally {
        Files.deleteIfExists(log);
      }
    });
  }

  /**
   * Waits (30 s at most) until {@code from}'s proxy reaches {@code to}'s Glance again ({@code GET /}
   * scoped to it answers 300): a proxy keeps a peer it saw down marked down until its next health
   * check.
   */
  void awaitReachable(Cloud from, Cloud to) throws Exception {
    String versions = from.publicUrl("image") + "/";
    String scope = "{\"image\": \"" + to.name() + "\"}";
    Steps.time("until " + from.name() + "'s proxy reaches " + to.name() + " again (GET / of its Glance: 300)", () -> {
      long deadline = System.nanoTime() + 30_000_000_000L;
      int status;
      do {
        status = from.get(versions, "X-Scope", scope).statusCode();
        if (status != 300) Thread.sleep(200);
      } while (status != 300 && System.nanoTime() < deadline);
      if (status != 300) {
        throw new AssertionError("GET " + versions + ", X-Scope: " + scope + ": " + status + " 30 s after the restart");
      }
    });
  }

  static Path stateDir() {
    String env = System.getenv("OSCOPE_CLOUDS_DIR");
    return Path.of(env == null || env.isBlank() ? "/tmp/oscope-clouds" : env).toAbsolutePath();
  }

  /**
   * The clouds, after checking that they are up: every file the tests read, every port answering,
   * the CLI and its plugin installed. Throws {@link AssertionError} naming what is missing.
   */
  static synchronized Clouds require() {
    if (instance != null) return instance;
    if (problem != null) throw new AssertionError(problem);
    try {
      instance = load();
      return instance;
    } catch (AssertionError e) {
      problem = e.getMessage();
      throw e;
    }
  }

  /** {@code oscope ARGS} with the jar the proxies run and {@code cloud}'s admin openrc, which must succeed. */
  void oscope(Cloud cloud, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", dir.resolve("oscope.jar").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("OS_"));
    pb.environment().putAll(cloud.admin());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError(command + " did not finish");
    if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + "\n" + output);
  }

  /**
   * Why the compute part of the clouds ({@code dev/clouds up --with-compute}: Nova, Placement, the
   * network stand-in) cannot be used, or {@code null} when it is up: every port answering.
   */
  String computeProblem() {
    if (!Files.isRegularFile(dir.resolve("compute"))) {
      return "the clouds were started without compute (" + dir.resolve("compute") + " is missing)";
    }
    List<String> down = new ArrayList<>();
    for (Cloud c : clouds.values()) {
      for (String what : List.of("NOVA", "PLACEMENT", "NETWORK")) {
        try {
          int port = c.port(what);
          if (port < 0) down.add(c.name() + "'s ports file has no " + what);
          else checkPort(down, c.name() + "'s " + what.toLowerCase(Locale.ROOT), port);
        } catch (IOException | RuntimeException e) {
          down.add(c.name() + ": " + e);
        }
      }
    }
    return down.isEmpty() ? null : String.join("; ", down);
  }

  /** Skips the calling test, saying why and what to do, unless compute is up. */
  void assumeCompute() {
    String problem = computeProblem();
    Assumptions.assumeTrue(problem == null, () -> "compute is not up, so this test is "
        + "skipped: " + problem + ". Start the clouds with `dev/clouds up --with-compute` (see dev/README.md).");
  }

  /** Whether {@code cloud}'s Keystone issues JWS tokens ({@code dev/clouds up --jws CLOUD}). */
  boolean jws(Cloud cloud) throws IOException {
    Path file = dir.resolve("jws");
    return Files.exists(file) && Files.readAllLines(file).stream().map(String::strip).anyMatch(cloud.name()::equals);
  }

  /**
   * The value of {@code option} on the command line of {@code cloud}'s running proxy (as dev/clouds
   * started it), or {@code null} if it has none.
   */
  String proxyOption(Cloud cloud, String option) throws IOException {
    long pid = Long.parseLong(Files.readString(cloud.file("oscope.pid")).strip());
    String[] args = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
        java.nio.charset.StandardCharsets.UTF_8).split("\0");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(option)) return args[i + 1];
    }
    return null;
  }

  /** The sum of every series of {@code metric} (e.g. {@code oscope_token_introspections_total}) on {@code cloud}'s admin listener. */
  double metric(Cloud cloud, String metric) throws IOException, InterruptedException {
    String admin = proxyOption(cloud, "--admin");
    if (admin == null) throw new AssertionError(cloud.name() + "'s proxy runs without --admin: no metrics");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin
        + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError("GET http://" + admin + "/metrics: " + r.statusCode());
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Checks again that every port answers (after a test stopped and restarted a proxy, say). */
  List<String> portsDown() {
    List<String> down = new ArrayList<>();
    for (Cloud c : clouds.values()) {
      checkPort(down, c.name() + "'s Keystone", c.keystonePort());
      checkPort(down, c.name() + "'s Glance", c.glancePort());
      checkPort(down, c.name() + "'s oscope proxy", c.proxyPort());
    }
    return down;
  }

  private static Clouds load() {
    Path dir = stateDir();
    String start = "The mini-clouds are not up (state directory " + dir + ", OSCOPE_CLOUDS_DIR): ";
    String how = ". Start them with `dev/clouds up` (see dev/README.md) before the e2e tests "
        + "(./mvnw -B -pl proxy verify -Pe2e); the e2e tests fail without them, they never skip.";
    if (!Files.isDirectory(dir)) throw new AssertionError(start + dir + " does not exist" + how);
    List<String> problems = new ArrayList<>();
    Path checkout = findCheckout();
    if (checkout == null) problems.add("no dev/clouds above " + Path.of("").toAbsolutePath());
    Map<String, Cloud> clouds = new LinkedHashMap<>();
    for (String name : List.of(ONE, TWO)) {
      Path d = dir.resolve(name);
      List<String> missing = new ArrayList<>();
      for (String f : List.of("ports", "openrc", "openrc-admin", "image-id", "endpoint-list.json", "oscope.log")) {
        if (!Files.isRegularFile(d.resolve(f))) missing.add(d.resolve(f) + " is missing");
      }
      problems.addAll(missing);
      if (!missing.isEmpty()) continue;
      try {
        Map<String, String> ports = readVariables(d.resolve("ports"));
        Cloud cloud = new Cloud(name, d, Integer.parseInt(ports.get("KEYSTONE")), Integer.parseInt(ports.get("GLANCE")),
            Integer.parseInt(ports.get("PROXY")), Files.readString(d.resolve("image-id")).strip(),
            readVariables(d.resolve("openrc")), readVariables(d.resolve("openrc-admin")));
        clouds.put(name, cloud);
        checkPort(problems, name + "'s Keystone", cloud.keystonePort());
        checkPort(problems, name + "'s Glance", cloud.glancePort());
        checkPort(problems, name + "'s oscope proxy", cloud.proxyPort());
      } catch (IOException | RuntimeException e) {
        problems.add(d + ": " + e);
      }
    }
    if (!problems.isEmpty()) throw new AssertionError(start + String.join("; ", problems) + how);
    String topology;
    try {
      topology = Files.readString(dir.resolve("topology")).strip();
    } catch (IOException e) {
      topology = "transparent";
    }
    return new Clouds(dir, checkout, topology, clouds);
  }

  private static void checkPort(List<String> problems, String what, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    } catch (IOException e) {
      problems.add(what + " does not answer on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
    }
  }

  private static Path findCheckout() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("dev/clouds"))) return p;
    }
    return null;
  }

  /**
   * The variables a shell file sets, as bash sees them: {@code bash -c 'set -a; . FILE; env -0'}
   * in an empty environment, minus what bash sets by itself.
   */
  static Map<String, String> readVariables(Path file) throws IOException {
    Map<String, String> base = bashEnv("/dev/null");
    Map<String, String> vars = bashEnv(file.toString());
    vars.keySet().removeAll(base.keySet().stream().filter(k -> base.get(k).equals(vars.get(k))).toList());
    vars.remove("_");
    return vars;
  }

  private static Map<String, String> bashEnv(String file) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -a; . \"$1\" >/dev/null; env -0", "bash", file);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("bash could not read " + file);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    Map<String, String> env = new HashMap<>();
    for (String entry : new String(out, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return env;
  }
}
