package io.oscope.routes;

import java.util.Locale;

/**
 * A network address as the route file writes it: {@code host:port}, host lower-cased, IPv6 in
 * brackets. {@link #toString()} is the normalised {@code host:port} form used as a lookup key.
 *
 * @param host a host name or IP literal (IPv6 with brackets)
 * @param port 1 to 65535, or 0 for a listening address that lets the system choose
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (host == null || host.isEmpty()) throw new IllegalArgumentException("host is empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    host = host.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code host:port}, {@code host} (port 80) or {@code http://host:port} (a trailing slash
   * is tolerated; a path is not).
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public static HostPort parse(String text) {
    String rest = text.strip();
    int defaultPort = 80;
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      String name = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!name.equals("http") && !name.equals("https")) {
        throw new IllegalArgumentException("scheme '" + name + "' is not http or https");
      }
      defaultPort = name.equals("https") ? 443 : 80;
      rest = rest.substring(scheme + 3);
    }
    if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
    if (rest.indexOf('/') >= 0) throw new IllegalArgumentException("an address has no path");
    return parseAuthority(rest, defaultPort);
  }

  /** Parses the authority part of a URL or a {@code Host} header, with a default port. */
  public static HostPort parseAuthority(String authority, int defaultPort) {
    if (authority.isEmpty()) throw new IllegalArgumentException("host is empty");
    if (authority.indexOf('@') >= 0) throw new IllegalArgumentException("user information is not allowed");
    String host;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) throw new IllegalArgumentException("IPv6 address has no closing ']'");
      host = authority.substring(0, close + 1);
      if (close + 1 < authority.length()) {
        if (authority.charAt(close + 1) != ':') throw new IllegalArgumentException("expected ':' after ']'");
        port = authority.substring(close + 2);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? null : authority.substring(colon + 1);
      if (host.indexOf(':') >= 0) throw new IllegalArgumentException("IPv6 addresses need brackets");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= ' ' || c == '/' || c == '?' || c == '#') {
        throw new IllegalArgumentException("host '" + host + "' contains an invalid character");
      }
    }
    if (port == null) return new HostPort(host, defaultPort);
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("port '" + port + "' is not a number");
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
