package io.oscope.routes;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Configuration that cannot be used (a route file, or the clouds file, endpoint lists and options
 * a route file is generated from) with every problem found in it, not just the first. It is the
 * only exception the route file's reader, the route table's compiler and the generator throw for
 * bad input.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs a problem");
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<Problem> problems() {
    return problems;
  }
}
