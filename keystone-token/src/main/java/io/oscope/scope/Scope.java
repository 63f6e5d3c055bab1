package io.oscope.scope;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which cloud serves which service type for one request, e.g. {@code {"compute": "CloudOne",
 * "image": "CloudTwo"}}. Immutable; every key and value is a valid {@linkplain Names name}.
 *
 * <pre>{@code
 * Scope scope = Scope.parse("{\"image\": \"CloudTwo\"}");
 * scope.cloudOf("image");               // "CloudTwo"
 * scope.withDefault(types, "CloudOne"); // complete for every type in types
 * }</pre>
 */
public final class Scope {
  private static final Scope EMPTY = new Scope(Map.of());

  private final Map<String, String> cloudByService;
  private volatile String json;

  private Scope(Map<String, String> cloudByService) {
    this.cloudByService = cloudByService;
  }

  /** The scope that names no cloud: every service is served by the proxy's own cloud. */
  public static Scope empty() {
    return EMPTY;
  }

  /**
   * A scope from service type to cloud name.
   *
   * @throws MalformedScopeException if a key or value is not a valid name
   */
  public static Scope of(Map<String, String> cloudByService) {
    for (Map.Entry<String, String> entry : cloudByService.entrySet()) {
      requireName("service type", entry.getKey());
      requireName("cloud name for '" + entry.getKey() + "'", entry.getValue());
    }
    return cloudByService.isEmpty() ? EMPTY : new Scope(Map.copyOf(cloudByService));
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

  static Scope trusted(Map<String, String> cloudByService) {
    return cloudByService.isEmpty() ? EMPTY : new Scope(Map.copyOf(cloudByService));
  }

  static void requireName(String what, String name) {
    if (!Names.isValid(name)) {
      throw new MalformedScopeException(
          what + " '" + ScopeJson.printable(name) + "' " + Names.whyInvalid(name));
    }
  }

  /** The cloud named for {@code serviceType}, or {@code null} when the scope does not name one. */
  public String cloudOf(String serviceType) {
    return cloudByService.get(serviceType);
  }

  /** The cloud named for {@code serviceType}, or {@code fallback}. */
  public String cloudOf(String serviceType, String fallback) {
    return cloudByService.getOrDefault(serviceType, fallback);
  }

  /** The scope as an unmodifiable map. */
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
    Map<String, String> complete = null;
    for (String type : serviceTypes) {
      if (!cloudByService.containsKey(type)) {
        if (complete == null) complete = new HashMap<>(cloudByService);
        complete.put(type, cloud);
      }
    }
    if (complete == null) return this;
    requireName("cloud name", cloud);
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
        // Names are tokens: no character in them needs escaping in JSON.
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
