package io.oscope.routes;

import java.util.Locale;

/** A catalogue interface, in the order of preference used when one URL serves several. */
public enum Interface {
  PUBLIC,
  INTERNAL,
  ADMIN;

  /** The interface named {@code name} (case-insensitive), or {@code null}. */
  public static Interface parse(String name) {
    for (Interface candidate : values()) {
      if (candidate.label().equalsIgnoreCase(name)) return candidate;
    }
    return null;
  }

  /** The name as OpenStack writes it: {@code public}, {@code internal}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
