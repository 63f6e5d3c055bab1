package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.routes.ConfigException;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random clouds files and endpoint lists, from clean to mangled: every input either
 * generates a route file that every cloud's proxy compiles and reads back unchanged, or fails
 * with a {@link ConfigException} listing its problems. Nothing else may escape.
 */
class RouteGeneratorFuzzTest {
  private static final int RUNS = 3000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CLOUDS = {"CloudOne", "CloudTwo", "RegionThree", "c-4", "Cloud One", "", "Clöud",
      "x".repeat(65)};
  private static final String[] TYPES = {"identity", "image", "compute", "network", "volumev3", "bad type", ""};
  private static final String[] INTERFACES = {"public", "internal", "admin", "Public", "private", ""};
  private static final String[] SCHEMES = {"http://", "https://", "HTTP://", "", "ftp://"};
  private static final String[] PORTS = {"", ":80", ":443", ":5000", ":8888", ":0", ":99999", ":x"};
  private static final String[] PATHS = {"", "/", "/v3", "/v3/", "/identity", "/image", "/compute/v2/$(project_id)s",
      "/v1/AUTH_%(tenant_id)s", "/x/{project_id}", "//a//b//", "/v2?x=1", "/a b", "/#frag"};

  @Test
  void anyInputEitherGeneratesACompilingFileOrFailsWithAConfigException() {
    int generated = 0;
    int rejected = 0;
    for (int seed = 0; seed < RUNS; seed++) {
      Random random = new Random(seed);
      Fuzz fuzz = new Fuzz(random, seed % 3 == 0 ? 0 : random.nextDouble() * 0.3);
      try {
        List<ServiceEntry> entries = fuzz.run();
        check(fuzz, entries);
        generated++;
      } catch (ConfigException e) {
        assertThat(e.problems()).isNotEmpty();
        rejected++;
      } catch (Exception | AssertionError e) {
        fail("seed " + seed + ": " + e + "\nclouds: " + text(fuzz.clouds) + "\nlists: "
            + fuzz.lists.stream().map(RouteGeneratorFuzzTest::text).toList(), e);
      }
    }
    assertThat(generated).as("inputs that generated a file").isGreaterThan(RUNS / 10);
    assertThat(rejected).as("inputs that were rejected").isGreaterThan(RUNS / 10);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void check(Fuzz fuzz, List<ServiceEntry> entries) throws Exception {
    byte[] file = RouteFileWriter.format(entries);
    assertThat(RouteFile.parse("out", file)).isEqualTo(entries);
    assertThat(RouteTables.compileAll("out", entries).keySet())
        .containsExactlyElementsOf(CloudsFile.parse("c", fuzz.clouds, Path.of("")).clouds().keySet());
    Collections.reverse(fuzz.lists);
    assertThat(RouteFileWriter.format(fuzz.run())).as("the same file whatever the order of the lists").isEqualTo(file);
  }

  /** One random input; {@code mess} is the chance of each kind of damage. */
  private static final class Fuzz {
    final Random random;
    final double mess;
    final byte[] clouds;
    final List<byte[]> lists = new ArrayList<>();
    private final Map<String, String> urlByType = new HashMap<>();

    Fuzz(Random random, double mess) {
      this.random = random;
      this.mess = mess;
      List<String> names = new ArrayList<>();
      Map<String, Object> cloudsByName = new LinkedHashMap<>();
      int count = 1 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        String name = messy() ? pick(CLOUDS) : CLOUDS[i];
        names.add(name);
        Map<String, Object> cloud = new LinkedHashMap<>();
        if (!messy()) cloud.put("frontend", messy() ? pick(new Object[] {"h:0", "h/x", 7, "[::1]:1", ""}) : "10.0." + i + ".1:8888");
        if (messy()) cloud.put(pick(new String[] {"backend", "endpoints"}), "x");
        Map<String, Object> backends = new LinkedHashMap<>();
        while (random.nextInt(4) == 0) backends.put(pick(TYPES), messy() ? "10.0." + i + ".1:8888" : "10.9." + i + ".9:" + (1 + random.nextInt(9)));
        if (!backends.isEmpty()) cloud.put("backends", backends);
        cloudsByName.put(name, cloud);
      }
      clouds = bytes(Map.of("clouds", cloudsByName));
      for (String name : names) lists.add(bytes(rows(name, names)));
    }

    List<ServiceEntry> run() throws ConfigException {
      CloudsFile file = CloudsFile.parse("clouds.json", clouds, Path.of(""));
      List<EndpointList> parsed = new ArrayList<>();
      for (int i = 0; i < lists.size(); i++) parsed.add(EndpointList.parse("list-" + i + ".json", lists.get(i)));
      return RouteGenerator.generate(file, parsed);
    }

    private List<Object> rows(String cloud, List<String> clouds) {
      List<Object> rows = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        String type = i == 0 && !messy() ? "identity" : messy() ? pick(TYPES) : TYPES[random.nextInt(5)];
        Map<String, Object> row = new LinkedHashMap<>();
        if (random.nextBoolean()) row.put("ID", Integer.toHexString(random.nextInt()));
        row.put("Region", messy() ? pick(CLOUDS) : messy() ? pick(clouds.toArray()) : cloud);
        row.put("Service Type", type);
        if (random.nextBoolean()) row.put("Enabled", messy() ? pick(new Object[] {false, "yes", null}) : true);
        row.put("Interface", messy() ? pick(INTERFACES) : INTERFACES[random.nextInt(3)]);
        row.put("URL", url(cloud, type));
        if (messy()) row.remove(pick(new String[] {"Region", "Service Type", "Interface", "URL"}));
        if (messy()) row.put(pick(new String[] {"Region", "URL", "Interface"}), pick(new Object[] {null, 5, List.of("x")}));
        rows.add(messy() ? pick(new Object[] {"row", 3, List.of()}) : row);
      }
      return rows;
    }

    /**
     * A clean URL is stable per cloud and type, at the type's own host or under the type's path on
     * a host shared by all; a messy one may be another type's URL or path, or any mangled URL.
     */
    private String url(String cloud, String type) {
      if (messy() && !urlByType.isEmpty()) {
        return pick(urlByType.values().toArray(new String[0]));
      }
      if (messy()) {
        String host = pick(new String[] {"h", "10.0.0.1:8888", "10.0.1.1:8888", "[::1]", "H", "a@b", ""});
        return pick(SCHEMES) + host + pick(PORTS) + pick(PATHS);
      }
      return urlByType.computeIfAbsent(cloud + "|" + type, key -> {
        String slug = (messy() ? pick(TYPES) : type).replace(" ", "");
        String host = cloud.toLowerCase(Locale.ROOT) + ".example";
        return random.nextBoolean()
            ? "http://api." + host + ":5000/" + slug + pick(new String[] {"", "/", "/v3", "/v2/$(project_id)s"})
            : "http://" + slug + "." + host + ":" + (5000 + random.nextInt(3)) + pick(PATHS);
      });
    }

    private byte[] bytes(Object value) {
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(value);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (!messy() || !messy()) return bytes;
      String text = new String(bytes, StandardCharsets.UTF_8);
      int at = random.nextInt(text.length());
      return switch (random.nextInt(4)) {
        case 0 -> text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        case 1 -> (text.substring(0, at) + pick(new String[] {"\"", "{", "]", ",", "\\", "\u0000", "é"}) + text.substring(at))
            .getBytes(StandardCharsets.UTF_8);
        case 2 -> (text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(5))))
            .getBytes(StandardCharsets.UTF_8);
        default -> {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          yield bytes;
        }
      };
    }

    private boolean messy() {
      return random.nextDouble() < mess;
    }

    private <T> T pick(T[] choices) {
      return choices[random.nextInt(choices.length)];
    }
  }
}
