package io.oscope.notify;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real RabbitMQ (Debian's rabbitmq-server) on loopback for one test class, with its own node
 * name, ports, epmd and state in a temporary directory; one user {@link #USER} with a password of
 * its own and a vhost {@link #VHOST}. Skips the class when RabbitMQ is not installed.
 *
 * <pre>{@code
 * @RegisterExtension static final RabbitBroker RABBIT = new RabbitBroker();
 * RABBIT.url()  // amqp://notify:…@127.0.0.1:PORT/CloudOne
 * }</pre>
 */
public final class RabbitBroker implements BeforeAllCallback, AfterAllCallback {
  static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
  public static final String USER = "notify";
  public static final String VHOST = "CloudOne";
  /** How long a cold RabbitMQ may take to boot on a busy machine. */
  private static final long BOOT_BOUND_MS = 120_000;

  private final String password = "pw-" + Long.toHexString(new SecureRandom().nextLong());
  private Path dir;
  private Process epmd;
  private Process server;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    assumeTrue(Files.isExecutable(SERVER) && Files.isExecutable(Path.of("/usr/bin/epmd")),
        "RabbitMQ is not installed (" + SERVER + "): apt-get install rabbitmq-server to run this test");
    dir = Files.createTempDirectory("oscope-rabbit");
    port = freePort();
    int epmdPort = freePort();
    int distPort = freePort();
    Files.writeString(dir.resolve("definitions.json"), definitions());
    Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + port + "\nload_definitions = "
        + dir.resolve("definitions.json") + "\n");
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    // Our own epmd, so that it ends with the test (RabbitMQ would start one that outlives it).
    epmd = new ProcessBuilder("/usr/bin/epmd", "-port", String.valueOf(epmdPort), "-address", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("epmd.log").toFile()).start();
    ProcessBuilder builder = new ProcessBuilder(SERVER.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("rabbitmq.out").toFile());
    var env = builder.environment();
    env.put("HOME", dir.toString());
    env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
    env.put("RABBITMQ_NODENAME", "oscope-test-" + port + "@localhost");
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", String.valueOf(port));
    env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("beam.pid").toString());
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    server = builder.start();
    awaitReady();
  }

  /** Polls with AMQP logins until one succeeds, RabbitMQ exits, or the bound passes. */
  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOOT_BOUND_MS);
    ConnectionFactory factory = factory();
    factory.setConnectionTimeout(2_000);
    while (true) {
      try (Connection ignored = factory.newConnection()) {
        return;
      } catch (IOException | java.util.concurrent.TimeoutException notYet) {
        if (!server.isAlive()) {
          throw new IllegalStateException("RabbitMQ exited with " + server.exitValue() + ":\n" + tail());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("RabbitMQ did not accept a login within " + BOOT_BOUND_MS + " ms:\n" + tail());
        }
        // Waits for the boot, or the process' end, whichever comes first: not a barrier.
        server.waitFor(200, TimeUnit.MILLISECONDS);
      }
    }
  }

  private String tail() throws IOException {
    String out = Files.readString(dir.resolve("rabbitmq.out"));
    return out.length() > 3000 ? out.substring(out.length() - 3000) : out;
  }

  /** A connection factory for the test's own consumer. */
  public ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(port);
    factory.setUsername(USER);
    factory.setPassword(password);
    factory.setVirtualHost(VHOST);
    return factory;
  }

  public String url() {
    return "amqp://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + VHOST;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  /** RabbitMQ's definitions: the user (rabbit_password_hashing_sha256), the vhost, full rights on it. */
  private String definitions() throws Exception {
    byte[] salt = new byte[4];
    new SecureRandom().nextBytes(salt);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(salt);
    byte[] digest = sha.digest(password.getBytes(StandardCharsets.UTF_8));
    byte[] hash = new byte[salt.length + digest.length];
    System.arraycopy(salt, 0, hash, 0, salt.length);
    System.arraycopy(digest, 0, hash, salt.length, digest.length);
    return """
        {"users": [{"name": "%s", "password_hash": "%s", "hashing_algorithm": "rabbit_password_hashing_sha256",
                    "tags": []}],
         "vhosts": [{"name": "%s"}],
         "permissions": [{"user": "%s", "vhost": "%s", "configure": ".*", "write": ".*", "read": ".*"}]}
        """.formatted(USER, Base64.getEncoder().encodeToString(hash), VHOST, USER, VHOST);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (Process process : new Process[] {server, epmd}) {
      if (process == null) continue;
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
