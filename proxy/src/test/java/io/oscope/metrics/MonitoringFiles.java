package io.oscope.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PromQL expressions of {@code packaging/monitoring}: the dashboard's targets (every
 * {@code "expr"} in the JSON) and the alerting rules' {@code expr:} (one line, or a {@code |}
 * block: the lines indented deeper than the key). A line-based read of the YAML is enough for the
 * file as shipped; {@code promtool check rules} in {@code .ci/monitoring} checks the YAML itself.
 */
final class MonitoringFiles {
  static final Path DIR = Path.of("..", "packaging", "monitoring");
  static final Path DASHBOARD = DIR.resolve("oscope-dashboard.json");
  static final Path RULES = DIR.resolve("oscope-alerts.yml");

  private MonitoringFiles() {}

  static List<String> dashboardExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr").forEach(node -> expressions.add(node.asText()));
    return expressions;
  }

  static List<String> ruleExpressions() throws IOException {
    List<String> lines = Files.readAllLines(RULES);
    List<String> expressions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String key = line.stripLeading();
      if (!key.startsWith("expr:")) continue;
      String value = key.substring("expr:".length()).strip();
      if (!value.equals("|") && !value.equals(">")) {
        expressions.add(value);
        continue;
      }
      int indent = line.length() - key.length();
      StringBuilder block = new StringBuilder();
      while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
          || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
        block.append(lines.get(++i).strip()).append('\n');
      }
      expressions.add(block.toString());
    }
    return expressions;
  }
}
