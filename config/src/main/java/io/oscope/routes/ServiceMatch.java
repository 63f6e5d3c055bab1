package io.oscope.routes;

import java.util.Map;

/**
 * A service location (authority and path prefix) found for a request, with where that service is
 * in every cloud, computed when the table was compiled.
 */
public final class ServiceMatch {
  private final String serviceType;
  private final Interface iface;
  private final ServiceUrl location;
  private final Map<String, Destination> destinationByCloud;

  ServiceMatch(String serviceType, Interface iface, ServiceUrl location, Map<String, Destination> destinationByCloud) {
    this.serviceType = serviceType;
    this.iface = iface;
    this.location = location;
    this.destinationByCloud = Map.copyOf(destinationByCloud);
  }

  public String serviceType() {
    return serviceType;
  }

  /** The preferred interface published at this location. */
  public Interface iface() {
    return iface;
  }

  /** The URL prefix that matched. */
  public ServiceUrl location() {
    return location;
  }

  /** Where this service is in {@code cloud}, or {@code null} if that cloud does not offer it. */
  public Destination destinationIn(String cloud) {
    return destinationByCloud.get(cloud);
  }

  /** What follows the matched prefix in {@code pathAndQuery}: empty, or starting with '/' or '?'. */
  public String remainder(String pathAndQuery) {
    return pathAndQuery.substring(location.path().length());
  }

  boolean matches(String path) {
    String prefix = location.path();
    return path.startsWith(prefix)
        && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/' || path.charAt(prefix.length()) == '?');
  }

  @Override
  public String toString() {
    return serviceType + " (" + iface.label() + ") at " + location;
  }
}
