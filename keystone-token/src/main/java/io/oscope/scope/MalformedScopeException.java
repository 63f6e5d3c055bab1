package io.oscope.scope;

/**
 * A scope that cannot be decoded. The message names the problem and, for JSON syntax errors, the
 * character offset; it never repeats the token the scope rode on.
 */
public final class MalformedScopeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedScopeException(String message) {
    super(message);
  }
}
