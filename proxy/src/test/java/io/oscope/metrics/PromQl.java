package io.oscope.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, found by a deliberately simple tokenizer rather
 * than a parser: (1) string literals, label matchers {@code {…}} and ranges {@code […]} are cut
 * out (Grafana's {@code $job}, {@code $__rate_interval} live there); (2) the label lists of
 * {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and
 * {@code group_right} are cut out; (3) of the identifiers left, those followed by {@code (}
 * (functions, aggregations), the keywords and operators ({@code by}, {@code and}, {@code bool}…)
 * and numbers are dropped. What remains are metric names.
 */
final class PromQl {
  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*\\}|\\[[^\\]]*\\]");
  private static final Pattern LABEL_LISTS =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern TOKEN = Pattern.compile("[0-9][0-9.eE+]*[a-z]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
      "count_values", "bottomk", "topk", "quantile", "inf", "nan");

  private PromQl() {}

  static Set<String> metricNames(String expression) {
    String rest = STRINGS.matcher(expression).replaceAll(" ");
    rest = BRACES.matcher(rest).replaceAll(" ");
    rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher token = TOKEN.matcher(rest);
    while (token.find()) {
      String text = token.group();
      if (Character.isDigit(text.charAt(0)) || token.group(1) != null) continue;
      if (token.start() > 0 && rest.charAt(token.start() - 1) == '$') continue; // a Grafana variable
      if (KEYWORDS.contains(text.toLowerCase(java.util.Locale.ROOT))) continue;
      names.add(text);
    }
    return names;
  }
}
