package io.oscope.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's metrics table, the contract of {@code /metrics}: the rows after the header
 * {@code | metric | type | labels | what |}, each naming a metric as a scrape names its samples
 * ({@code oscope_reloads_total}; a histogram by its base name), its type and its labels (names in
 * backquotes; values are told in the last column).
 */
record ReadmeMetrics(String name, String type, Set<String> labels) {
  static final Path README = Path.of("..", "README.md");
  private static final String HEADER = "| metric | type | labels | what |";
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  static List<ReadmeMetrics> read() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int header = lines.indexOf(HEADER);
    if (header < 0) throw new AssertionError("README.md has no metrics table (a line '" + HEADER + "')");
    List<ReadmeMetrics> rows = new ArrayList<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) break;
      String[] cells = line.split("\\|");
      rows.add(new ReadmeMetrics(code(cells[1]).get(0), cells[2].strip(), Set.copyOf(code(cells[3]))));
    }
    return rows;
  }

  private static List<String> code(String cell) {
    List<String> names = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) names.add(m.group(1));
    return names;
  }
}
