package io.oscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules of the proxy module's layers, checked on the compiled classes: a class file names
 * every class it refers to in its constant pool, so a reference shows as a string there.
 *
 * <ul>
 *   <li>reactor-netty (and Reactor) only in the admin listener, the health checks and the Keystone
 *       client: never in {@code http1}, {@code upstream} or the request path of {@code proxy};
 *   <li>{@code http1} imports nothing of oscope: it is HTTP/1.1 over Netty's buffers, nothing else;
 *   <li>{@code upstream} knows the codec and addresses, never the request ({@code proxy}) it serves.
 * </ul>
 */
class LayeringTest {
  /** Where Reactor may be used: the control plane. */
  private static final List<String> CONTROL_PLANE = List.of("io/oscope/admin/", "io/oscope/pool/",
      "io/oscope/exchange/", "io/oscope/cli/", "io/oscope/reload/", "io/oscope/demo/");

  @Test
  void reactorOnlyInTheControlPlane() {
    Map<String, String> offenders = new TreeMap<>();
    classes().forEach((name, text) -> {
      boolean control = CONTROL_PLANE.stream().anyMatch(name::startsWith)
          || name.equals("io/oscope/proxy/ScopeProxy.class"); // its public API hands out Monos to the CLI
      if (!control && (text.contains("reactor/core/") || text.contains("reactor/netty/"))) offenders.put(name, "Reactor");
    });
    assertThat(offenders).as("classes of the data path that use Reactor").isEmpty();
    assertThat(classes()).as("the check sees the data path").containsKeys("io/oscope/http1/RequestDecoder.class",
        "io/oscope/proxy/Forwarding.class");
  }

  @Test
  void http1ImportsNothingOfOscope() {
    Map<String, String> offenders = new TreeMap<>();
    classes().forEach((name, text) -> {
      if (!name.startsWith("io/oscope/http1/")) return;
      String rest = text.replace("io/oscope/http1/", "");
      if (rest.contains("io/oscope/")) offenders.put(name, "refers to another oscope package");
    });
    assertThat(offenders).isEmpty();
  }

  @Test
  void upstreamKnowsNoRequest() {
    Map<String, String> offenders = new TreeMap<>();
    classes().forEach((name, text) -> {
      if (name.startsWith("io/oscope/upstream/") && text.contains("io/oscope/proxy/")) offenders.put(name, "refers to io.oscope.proxy");
    });
    assertThat(offenders).isEmpty();
    assertThat(classes()).containsKey("io/oscope/upstream/UpstreamChannels.class");
  }

  /** The main classes of this module, by path, with their bytes read as ISO-8859-1 text. */
  private static Map<String, String> classes() {
    try {
      Path root = Path.of(io.oscope.proxy.ScopeProxy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Map<String, String> classes = new TreeMap<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
          classes.put(root.relativize(file).toString().replace('\\', '/'),
              new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
      }
      return classes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
