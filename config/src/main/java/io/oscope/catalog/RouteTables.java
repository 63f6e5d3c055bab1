package io.oscope.catalog;

import io.oscope.routes.Problem;
import io.oscope.routes.RouteFileException;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceEntry;
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
 * <pre>{@code Map<String, RouteTable> tables = RouteTables.compileAll("routes.json", entries);}</pre>
 */
public final class RouteTables {
  private RouteTables() {}

  /**
   * The table of each cloud's proxy, by cloud name (sorted).
   *
   * @throws RouteFileException with every problem of every cloud's compilation, each once
   */
  public static Map<String, RouteTable> compileAll(String source, List<ServiceEntry> entries)
      throws RouteFileException {
    Set<String> clouds = new TreeSet<>();
    entries.forEach(entry -> clouds.add(entry.cloud()));
    if (clouds.isEmpty()) throw new RouteFileException(List.of(Problem.ofFile(source, "the route file has no entries")));
    Map<String, RouteTable> tables = new TreeMap<>();
    Set<Problem> problems = new LinkedHashSet<>();
    for (String cloud : clouds) {
      try {
        tables.put(cloud, RouteTable.compile(source, entries, cloud));
      } catch (RouteFileException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) throw new RouteFileException(new ArrayList<>(problems));
    return Collections.unmodifiableMap(tables);
  }
}
