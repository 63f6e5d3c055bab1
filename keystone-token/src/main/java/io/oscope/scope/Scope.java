package io.oscope.scope;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which cloud serves which service type for one request, e.g. {@code {"compute": "CloudOne",
 * "image": "CloudTwo | CloudThree"}}. Immutable; every key is a valid {@linkplain Names name},
 * every value a {@link CloudExpression}: most often a single cloud's name, kept as it is, or a
 * compound expression, kept in its canonical text.
 *
 * <pre>{@code
 * Scope scope = Scope.parse("{\"image\": \"CloudTwo\"}");
 * scope.cloudOf("image");               // "CloudTwo"
 * scope.expressionOf("image");          // Cloud[name=CloudTwo]
 * scope.withDefault(types, "CloudOne"); // complete for every type in types
 * }</pre>
 */
public final class Scope {
  private static final Scope EMPTY = new Scope(Map.of(), Map.of());

  /** Each value the canonical text of its expression: a single cloud's name for most. */
  private final Map<String, String> cloudByService;
  private final Map<String, CloudExpression> expressionByService;
  /** Whether every expression is a single cloud: the proxy's hot path asks this per request. */
  private final boolean single;
  private volatile String json;

  private Scope(Map<String, String> cloudByService, Map<String, CloudExpression> expressionByService) {
    this.cloudByService = cloudByService;
    this.expressionByService = expressionByService;
    this.single = expressionByService.values().stream().allMatch(CloudExpression::isSingle);
  }

  /** The scope that names no cloud: every service is served by the proxy's own cloud. */
  public static Scope empty() {
    return EMPTY;
  }

  /**
   * A scope from service type to cloud name or {@linkplain CloudExpression expression}.
   *
   * @throws MalformedScopeException if a key is not a valid name or a value no valid expression
   */
  public static Scope of(Map<String, String> cloudByService) {
    Map<String, CloudExpression> expressions = new HashMap<>();
    for (Map.Entry<String, String> entry : cloudByService.entrySet()) {
      requireName("service type", entry.getKey());
      if (entry.getValue() == null) throw new MalformedScopeException("cloud for '" + entry.getKey() + "' is missing");
      expressions.put(entry.getKey(), expression(entry.getKey(), entry.getValue()));
    }
    return trusted(expressions);
  }

  /** {@code text}, the value of {@code serviceType} in a scope, as an expression. */
  static CloudExpression expression(String serviceType, String text) {
    if (Names.isValid(text)) return new CloudExpression.Cloud(text); // the common case: no parser
    try {
      return CloudExpression.parse(text);
    } catch (MalformedScopeException e) {
      throw new MalformedScopeException("cloud expression for '" + ScopeJson.printable(serviceType) + "' ('"
          + ScopeJson.printable(text) + "') is malformed " + e.getMessage());
    }
  }

  /**
   * Decodes a scope from its JSON form: an object whose values are strings.
   *
   * @throws MalformedScopeException naming the problem: invalid JSON, not an object, a value that
   *     is not a string, a duplicate key, or an invalid name
   */
  public static Scope parse(CharSequence json) {
    return ScopeJson.parse(json);
  }

  static Scope trusted(Map<String, CloudExpression> expressionByService) {
    if (expressionByService.isEmpty()) return EMPTY;
    Map<String, String> text = new HashMap<>(expressionByService.size() * 2);
    for (Map.Entry<String, CloudExpression> entry : expressionByService.entrySet()) {
      text.put(entry.getKey(), entry.getValue().toString());
    }
    return new Scope(Map.copyOf(text), Map.copyOf(expressionByService));
  }

  static void requireName(String what, String name) {
    if (!Names.isValid(name)) {
      throw new MalformedScopeException(
          what + " '" + ScopeJson.printable(name) + "' " + Names.whyInvalid(name));
    }
  }

  /**
   * The cloud named for {@code serviceType}, or {@code null} when the scope does not name one. For
   * a compound expression this is its canonical text, no cloud's name: ask {@link #expressionOf}.
   */
  public String cloudOf(String serviceType) {
    return cloudByService.get(serviceType);
  }

  /** The cloud named for {@code serviceType}, or {@code fallback}; see {@link #cloudOf(String)}. */
  public String cloudOf(String serviceType, String fallback) {
    return cloudByService.getOrDefault(serviceType, fallback);
  }

  /** The expression for {@code serviceType}, or {@code null} when the scope does not name one. */
  public CloudExpression expressionOf(String serviceType) {
    return expressionByService.get(serviceType);
  }

  /** Whether every service type of this scope names a single cloud (no {@code &}, no {@code |}). */
  public boolean isSingle() {
    return single;
  }

  /** This scope with {@code expression} for {@code serviceType}, e.g. one branch of a compound. */
  public Scope with(String serviceType, CloudExpression expression) {
    requireName("service type", serviceType);
    Map<String, CloudExpression> changed = new HashMap<>(expressionByService);
    changed.put(serviceType, Objects.requireNonNull(expression, "expression"));
    return trusted(changed);
  }

  /** The scope as an unmodifiable map of service type to cloud name or expression text. */
  public Map<String, String> asMap() {
    return cloudByService;
  }

  public boolean isEmpty() {
    return cloudByService.isEmpty();
  }

  /**
   * This scope completed with {@code cloud} for every type of {@code serviceTypes} it does not name.
   * Returns {@code this} when nothing is missing.
   */
  public Scope withDefault(Collection<String> serviceTypes, String cloud) {
    Map<String, CloudExpression> complete = null;
    CloudExpression single = null;
    for (String type : serviceTypes) {
      if (!expressionByService.containsKey(type)) {
        if (complete == null) {
          requireName("cloud name", cloud);
          complete = new HashMap<>(expressionByService);
          single = new CloudExpression.Cloud(cloud);
        }
        complete.put(type, single);
      }
    }
    if (complete == null) return this;
    return trusted(complete);
  }

  /** The compact JSON form, keys sorted: {@code {"compute":"CloudOne","image":"CloudTwo"}}. */
  public String toJson() {
    String result = json;
    if (result == null) {
      String[] keys = cloudByService.keySet().toArray(new String[0]);
      Arrays.sort(keys);
      StringBuilder out = new StringBuilder(16 + keys.length * 24).append('{');
      for (int i = 0; i < keys.length; i++) {
        if (i > 0) out.append(',');
        // Names are tokens and expressions add only ( ) & | and spaces: nothing needs escaping in JSON.
        out.append('"').append(keys[i]).append("\":\"").append(cloudByService.get(keys[i])).append('"');
      }
      result = out.append('}').toString();
      json = result;
    }
    return result;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Scope that && cloudByService.equals(that.cloudByService);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(cloudByService);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
