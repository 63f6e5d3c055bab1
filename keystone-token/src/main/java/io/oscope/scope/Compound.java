package io.oscope.scope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What {@link CloudExpression.AnyOf} and {@link CloudExpression.AllOf} share. */
final class Compound {
  private Compound() {}

  /** {@code parts} with nested parts of the same kind spliced in; at least two, no cloud twice. */
  static List<CloudExpression> flatten(List<CloudExpression> parts, Class<?> kind, String operator) {
    if (parts == null) throw new MalformedScopeException("'" + operator + "' has no operands");
    List<CloudExpression> flat = new ArrayList<>(parts.size());
    for (CloudExpression part : parts) {
      if (part == null) throw new MalformedScopeException("'" + operator + "' has a missing operand");
      if (kind.isInstance(part)) {
        flat.addAll(part instanceof CloudExpression.AnyOf any ? any.alternatives() : ((CloudExpression.AllOf) part).operands());
      } else {
        flat.add(part);
      }
    }
    if (flat.size() < 2) throw new MalformedScopeException("'" + operator + "' needs at least two operands");
    Set<String> seen = new LinkedHashSet<>();
    for (CloudExpression part : flat) {
      for (String cloud : part.clouds()) {
        if (!seen.add(cloud)) throw new MalformedScopeException("cloud '" + cloud + "' is named twice");
      }
    }
    return List.copyOf(flat);
  }

  static Set<String> clouds(List<CloudExpression> parts) {
    Set<String> clouds = new LinkedHashSet<>();
    for (CloudExpression part : parts) clouds.addAll(part.clouds());
    return Collections.unmodifiableSet(clouds);
  }

  static String join(List<CloudExpression> parts, String operator, Class<?> parenthesised) {
    StringBuilder out = new StringBuilder();
    for (CloudExpression part : parts) {
      if (out.length() > 0) out.append(operator);
      if (parenthesised != null && parenthesised.isInstance(part)) out.append('(').append(part).append(')');
      else out.append(part);
    }
    return out.toString();
  }
}
