package io.oscope.catalog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Inputs from which no route file can be generated, with every problem found in them, not just
 * the first. This is the only exception the generator throws for bad input.
 */
public final class CatalogException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Finding> problems;

  public CatalogException(List<Finding> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) throw new IllegalArgumentException("a CatalogException needs a problem");
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<Finding> problems() {
    return problems;
  }
}
