package io.oscope.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the admin listener. On a loopback listener, the {@code Host} must name it by a
 * loopback name or address (or a name the operator allowed) with its port: a web page whose name
 * an attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name. A browser's cross-site
 * request carries an {@code Origin} that is not the listener's, or {@code Sec-Fetch-Site}: it is
 * refused, so a page cannot {@code POST /reload}. With a token, every endpoint but the probes
 * needs {@code Authorization: Bearer <token>} (the scheme in any case, RFC 9110 11.1), compared in
 * constant time.
 */
final class AdminGate {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  /** Why a request is refused: its status and a message naming the problem. */
  record Refusal(int status, String message) { }

  private final boolean loopback;
  private final Set<String> hostNames;
  private final byte[] tokenDigest;

  /**
   * @param loopback whether the listener is bound to loopback (then {@code Host} is checked)
   * @param hostNames names besides loopback ones that {@code Host} may give, lower case
   * @param token the bearer token, or null when none is needed
   */
  AdminGate(boolean loopback, Set<String> hostNames, String token) {
    this.loopback = loopback;
    this.hostNames = Set.copyOf(hostNames.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList());
    this.tokenDigest = token == null ? null : digest(token);
  }

  /** Null when the request, received on {@code port}, may go on; else why not. */
  Refusal check(HttpMethod method, String path, HttpHeaders headers, int port) {
    String host = headers.get(HttpHeaderNames.HOST);
    if (loopback && !acceptedHost(host, port)) {
      return new Refusal(403, host == null
          ? "This admin listener answers requests naming it in Host; the request has no Host"
          : "This admin listener answers requests naming it in Host (localhost, a loopback address"
              + (hostNames.isEmpty() ? "" : ", " + String.join(", ", hostNames.stream().sorted().toList()))
              + " with port " + port + "), not '" + host + "'");
    }
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
      return new Refusal(403, "Cross-origin requests to the admin listener are refused: Origin '" + origin + "'");
    }
    String site = headers.get("Sec-Fetch-Site");
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD) && site != null
        && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return new Refusal(403, "Cross-site " + method + " requests to the admin listener are refused: Sec-Fetch-Site '" + site + "'");
    }
    boolean probe = path.equals("/healthz") || path.equals("/readyz"); // probes need no credentials
    if (tokenDigest != null && !probe && !bearerMatches(headers.get(HttpHeaderNames.AUTHORIZATION))) {
      return new Refusal(401, "This admin endpoint needs Authorization: Bearer <token>");
    }
    return null;
  }

  private boolean acceptedHost(String host, int port) {
    if (host == null) return false;
    String value = host.toLowerCase(Locale.ROOT);
    String name = value;
    int colon = value.lastIndexOf(':');
    if (colon >= 0 && colon > value.lastIndexOf(']')) {
      name = value.substring(0, colon);
      try {
        if (Integer.parseInt(value.substring(colon + 1)) != port) return false;
      } catch (NumberFormatException e) {
        return false;
      }
    } else if (port != 80) {
      return false;
    }
    return name.equals("localhost") || name.equals("[::1]") || IPV4_LOOPBACK.matcher(name).matches() || hostNames.contains(name);
  }

  private boolean bearerMatches(String authorization) {
    if (authorization == null) return false;
    String value = authorization.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) return false;
    return MessageDigest.isEqual(tokenDigest, digest(value.substring(space + 1).strip()));
  }

  /** Digests of equal length: comparing them takes the same time whatever the token given. */
  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
