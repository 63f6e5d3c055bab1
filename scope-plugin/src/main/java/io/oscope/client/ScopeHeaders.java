package io.oscope.client;

import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.util.Map;

/**
 * The headers that put a scope on a request, for any Java HTTP client: {@code X-Scope} with the
 * scope's JSON, and {@code X-Auth-Token} with the scope appended to the token, so that services
 * that pass the token on (Nova to Glance, Glance to Keystone) pass the scope on too.
 *
 * <pre>{@code
 * ScopeHeaders.of("gAAAA…", Scope.parse("{\"image\": \"CloudTwo\"}"))
 *     .forEach(requestBuilder::header);
 * }</pre>
 */
public final class ScopeHeaders {
  /** The header that carries the scope alone. */
  public static final String X_SCOPE = "X-Scope";
  /** The header that carries the token, and the scope after {@link ScopedToken#SEPARATOR}. */
  public static final String X_AUTH_TOKEN = "X-Auth-Token";

  private ScopeHeaders() {}

  /** Both headers for {@code token} (which may already carry a scope: it is replaced) and {@code scope}. */
  public static Map<String, String> of(String token, Scope scope) {
    return Map.of(X_SCOPE, scope.toJson(), X_AUTH_TOKEN, ScopedToken.join(ScopedToken.split(token).token(), scope));
  }
}
