package io.oscope.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape in Prometheus' text format, read back: each family's type, and each sample's name,
 * labels and value. Enough of the format for what oscope exports (no escaped quotes in values).
 */
record Exposition(Map<String, String> types, List<Sample> samples) {
  private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** One line of a scrape. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static Exposition parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        types.put(type.group(1), type.group(2));
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) throw new IllegalArgumentException("not a sample line: " + line);
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) labels.put(label.group(1), label.group(2));
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return new Exposition(types, List.copyOf(samples));
  }

  /** The family of a sample name: itself, or without the suffix a histogram or counter adds. */
  String family(String sampleName) {
    if (types.containsKey(sampleName)) return sampleName;
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created", "_max")) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) return base;
      }
    }
    return null;
  }

  /** The samples of the family (or sample name) {@code name}. */
  List<Sample> of(String name) {
    String family = family(name);
    return samples.stream().filter(s -> s.name().equals(name) || (family != null && family.equals(family(s.name())))).toList();
  }

  /** Every sample name in the scrape: what a PromQL expression can select. */
  Set<String> sampleNames() {
    return Set.copyOf(samples.stream().map(Sample::name).toList());
  }

  /** The value of the one sample {@code name} with these labels among others; fails if none. */
  double value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels)).value();
  }
}
