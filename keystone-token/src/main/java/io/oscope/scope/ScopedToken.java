package io.oscope.scope;

import java.nio.charset.StandardCharsets;

/**
 * A Keystone token with a scope piggybacked on it, as the scope plugin sends it in
 * {@code X-Auth-Token}: {@code <token>!SCOPE!<scope json>}. The scope travels wherever the token
 * does, which is how it follows a workflow across services without changing them.
 *
 * <p>{@link #toString()} never shows the token.
 *
 * <pre>{@code
 * ScopedToken t = ScopedToken.split(request.header("X-Auth-Token"));
 * t.token();     // what Keystone issued
 * t.scopeJson(); // the suffix, or null
 * }</pre>
 *
 * @param token the token as Keystone issued it
 * @param scopeJson the scope's JSON text after the separator, or {@code null} when there is none
 */
public record ScopedToken(String token, String scopeJson) {
  /** What separates the token from its scope. */
  public static final String SEPARATOR = "!SCOPE!";
  private static final byte[] SEPARATOR_BYTES = SEPARATOR.getBytes(StandardCharsets.US_ASCII);

  public ScopedToken {
    if (token == null) throw new IllegalArgumentException("token is null");
  }

  /** Splits a header value at the first separator; no separator means no scope. */
  public static ScopedToken split(String headerValue) {
    return new ScopedToken(tokenOf(headerValue), scopeJsonOf(headerValue));
  }

  /** The token part of a header value: all of it when it carries no scope (then nothing is allocated). */
  public static String tokenOf(String headerValue) {
    int at = headerValue.indexOf(SEPARATOR);
    return at < 0 ? headerValue : headerValue.substring(0, at);
  }

  /** The scope's JSON after the separator, or {@code null} (also for a {@code null} header). */
  public static String scopeJsonOf(String headerValue) {
    int at = scopeStart(headerValue);
    return at < 0 ? null : headerValue.substring(at);
  }

  /**
   * Where the scope's JSON starts in a header value (after the separator), or -1 if it carries
   * none (also for a {@code null} header): to read the scope in place, without a substring.
   */
  public static int scopeStart(String headerValue) {
    int at = headerValue == null ? -1 : headerValue.indexOf(SEPARATOR);
    return at < 0 ? -1 : at + SEPARATOR.length();
  }

  /**
   * Where the scope's JSON starts in a header value held as ISO-8859-1 bytes from {@code from} to
   * {@code to} (after the separator), or -1 if it carries none: for proxies that read heads as bytes.
   */
  public static int scopeStart(byte[] value, int from, int to) {
    int last = to - SEPARATOR_BYTES.length;
    outer:
    for (int at = from; at <= last; at++) {
      if (value[at] != '!') continue;
      for (int i = 1; i < SEPARATOR_BYTES.length; i++) {
        if (value[at + i] != SEPARATOR_BYTES[i]) continue outer;
      }
      return at + SEPARATOR_BYTES.length;
    }
    return -1;
  }

  /** {@code token} with {@code scope} appended, ready for {@code X-Auth-Token}. */
  public static String join(String token, Scope scope) {
    return token + SEPARATOR + scope.toJson();
  }

  public boolean hasScope() {
    return scopeJson != null;
  }

  /** The decoded scope, or the empty scope when there is none. */
  public Scope scope() {
    return scopeJson == null ? Scope.empty() : Scope.parse(scopeJson);
  }

  @Override
  public String toString() {
    return "ScopedToken[token=<redacted>, scope=" + scopeJson + "]";
  }
}
