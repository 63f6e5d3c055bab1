package io.oscope.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles a route file for the proxy of every cloud it names, as each of those proxies will:
 * a file every proxy accepts is a file that can be deployed.
 *
 * <pre>{@code Map<String, RouteTable> tables = RouteTables.load(Path.of("routes.json"));}</pre>
 */
public final class RouteTables {
  private RouteTables() {}

  /**
   * Reads the route file at {@code file} and compiles it for every cloud it names.
   *
   * @return the table of each cloud's proxy, by cloud name (sorted)
   * @throws ConfigException with every problem found, each once: those of single entries and
   *     those of every cloud's compilation, together
   */
  public static Map<String, RouteTable> load(Path file) throws ConfigException {
    return compileAll(file.toString(), RouteFile.readAll(file));
  }

  /**
   * The table of each cloud's proxy, by cloud name (sorted).
   *
   * @throws ConfigException with every problem of every cloud's compilation, each once
   */
  public static Map<String, RouteTable> compileAll(String source, List<ServiceEntry> entries)
      throws ConfigException {
    Set<String> clouds = new TreeSet<>();
    entries.forEach(entry -> clouds.add(entry.cloud()));
    return compileAll(source, new RouteFile.Parsed(entries, List.of(), clouds));
  }

  private static Map<String, RouteTable> compileAll(String source, RouteFile.Parsed parsed) throws ConfigException {
    Set<String> clouds = new TreeSet<>(parsed.clouds());
    parsed.entries().forEach(entry -> clouds.add(entry.cloud()));
    if (clouds.isEmpty()) {
      parsed.entriesOrThrow();
      throw new ConfigException(List.of(Problem.of(source, "the route file has no entries")));
    }
    Map<String, RouteTable> tables = new TreeMap<>();
    Set<Problem> problems = new LinkedHashSet<>();
    for (String cloud : clouds) {
      try {
        tables.put(cloud, RouteTable.compile(source, parsed, cloud));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) throw new ConfigException(new ArrayList<>(problems));
    return Collections.unmodifiableMap(tables);
  }
}
