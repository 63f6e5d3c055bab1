package io.oscope.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real {@code openstack} CLI (Debian's, with the {@code --os-scope} plugin) as a user
 * would after {@code source <cloud>/openrc}: the openrc's variables, no {@code NO_PROXY} or
 * {@code no_proxy}, and a fresh {@code HOME}, so that nothing of the machine's own configuration
 * (clouds.yaml, proxies, {@code OS_*}) leaks in.
 */
final class Cli {
  static final Path OPENSTACK = Path.of("/usr/bin/openstack");
  private static final long TIMEOUT_SECONDS = 300;
  private static final Set<String> DROPPED = Set.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
      "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "PYTHONPATH",
      "PYTHONHOME", "REQUESTS_CA_BUNDLE");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** What a run gave. */
  record Result(List<String> command, int exit, String out, String err, double seconds) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }

    /** The {@code ID} column of a {@code -f json} list, in its order. */
    List<String> ids() throws IOException {
      List<String> ids = new ArrayList<>();
      for (JsonNode row : json()) ids.add(row.get("ID").asText());
      return ids;
    }

    /** Everything, to explain a failed assertion. */
    String describe() {
      return String.format("%s%n  exit %d after %.2f s%n  stdout: %s%n  stderr: %s", String.join(" ", command), exit,
          seconds, out.strip(), err.strip());
    }
  }

  private final Path home;

  Cli(Path home) {
    this.home = home;
  }

  /** The environment of {@code source FILE}: {@code credentials} are an openrc's variables. */
  Map<String, String> environment(Map<String, String> credentials) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("OS_") || DROPPED.contains(k));
    env.putAll(credentials);
    env.keySet().removeIf(k -> k.equals("NO_PROXY") || k.equals("no_proxy"));
    env.put("HOME", home.toString());
    return env;
  }

  /** Runs {@code openstack ARGS} with these credentials, as a timed step. */
  Result run(String step, Map<String, String> credentials, String... args) throws Exception {
    return Steps.time(step, () -> exec(environment(credentials), args));
  }

  /** Runs {@code openstack ARGS} in this environment, untimed. */
  Result exec(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Files.isExecutable(OPENSTACK) ? OPENSTACK.toString() : "openstack");
    command.addAll(List.of(args));
    int n = RUNS.incrementAndGet();
    Path out = home.resolve("run-" + n + ".out");
    Path err = home.resolve("run-" + n + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Result result = new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8), seconds);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return result;
  }

  /** The credentials without one variable. */
  static Map<String, String> without(Map<String, String> credentials, String name) {
    Map<String, String> copy = new HashMap<>(credentials);
    copy.remove(name);
    return copy;
  }
}
