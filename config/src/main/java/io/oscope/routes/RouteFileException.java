package io.oscope.routes;

import java.util.List;
import java.util.stream.Collectors;

/** A route file that cannot be used, with every problem found in it, not just the first. */
public final class RouteFileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public RouteFileException(List<Problem> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
