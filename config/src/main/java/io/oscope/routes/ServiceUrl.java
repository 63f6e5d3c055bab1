package io.oscope.routes;

import java.util.Locale;

/**
 * A service URL from a catalogue, normalised for routing: scheme and host lower-cased, the port
 * explicit, no trailing slash, no query, and a URL template such as {@code $(project_id)s} cut
 * off with the segment it starts (the route is the prefix before it).
 *
 * @param scheme {@code http} or {@code https}
 * @param address host and port
 * @param path the path prefix: empty, or starting with '/' and not ending with it
 */
public record ServiceUrl(String scheme, HostPort address, String path) {
  public ServiceUrl {
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme '" + scheme + "' is not http or https");
    }
    if (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/"))) {
      throw new IllegalArgumentException("path '" + path + "' is not normalised");
    }
  }

  /**
   * Parses a catalogue URL, with or without scheme: {@code http://h:5000/v3},
   * {@code 192.168.141.245:8888/image} (the OpenStackoïd prototype's form; http assumed).
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public static ServiceUrl parse(String text) {
    String rest = text.strip();
    if (rest.isEmpty()) throw new IllegalArgumentException("URL is empty");
    String scheme = "http";
    int separator = rest.indexOf("://");
    if (separator >= 0) {
      scheme = rest.substring(0, separator).toLowerCase(Locale.ROOT);
      rest = rest.substring(separator + 3);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("scheme '" + scheme + "' is not http or https");
      }
    }
    int end = rest.length();
    for (char stop : new char[] {'?', '#'}) {
      int at = rest.indexOf(stop);
      if (at >= 0 && at < end) end = at;
    }
    rest = rest.substring(0, end);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    HostPort address = HostPort.parseAuthority(authority, scheme.equals("https") ? 443 : 80);
    return new ServiceUrl(scheme, address, normalisePath(path));
  }

  private static String normalisePath(String path) {
    int template = path.indexOf("$(");
    if (template < 0) template = path.indexOf("%(");
    if (template < 0) template = path.indexOf('{');
    if (template >= 0) path = path.substring(0, path.lastIndexOf('/', template));
    while (path.contains("//")) path = path.replace("//", "/");
    while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    return path;
  }

  /** This URL followed by {@code pathAndQuery} (which starts with '/' or '?', or is empty). */
  public String resolve(String pathAndQuery) {
    return scheme + "://" + address + path + pathAndQuery;
  }

  @Override
  public String toString() {
    return scheme + "://" + address + path;
  }
}
