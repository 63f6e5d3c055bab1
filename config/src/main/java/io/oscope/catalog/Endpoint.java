package io.oscope.catalog;

import io.oscope.routes.Interface;
import io.oscope.routes.ServiceUrl;
import java.util.Objects;

/**
 * One enabled, well-formed row of an endpoint list: a service of a Keystone region published at a
 * URL for one interface. The clouds file says which cloud the region is.
 *
 * @param source the endpoint list it comes from
 * @param index its position in that list, for messages
 * @param region the Keystone region
 * @param serviceType e.g. {@code image}
 * @param iface the catalogue interface
 * @param urlText the URL as the catalogue writes it, for messages
 * @param url the URL normalised for routing
 */
public record Endpoint(String source, int index, String region, String serviceType, Interface iface,
    String urlText, ServiceUrl url) {
  public Endpoint {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(serviceType, "serviceType");
    Objects.requireNonNull(iface, "iface");
    Objects.requireNonNull(urlText, "urlText");
    Objects.requireNonNull(url, "url");
  }

  /** The row's locator in messages: {@code [3]}. */
  String entry() {
    return "[" + index + "]";
  }
}
