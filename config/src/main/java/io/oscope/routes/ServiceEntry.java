package io.oscope.routes;

/**
 * One row of a route file: where a cloud's service is published, and how oscope reaches it.
 *
 * @param index the row's position in the file, for messages
 * @param serviceType e.g. {@code image}
 * @param iface the catalogue interface
 * @param url the catalogue URL, as clients see it
 * @param cloud the cloud (the catalogue's region)
 * @param frontend the address of that cloud's proxy
 * @param backend where that cloud's proxy sends the service's requests; {@code null} when the file
 *     leaves it out (only the proxy's own cloud needs it)
 */
public record ServiceEntry(
    int index,
    String serviceType,
    Interface iface,
    ServiceUrl url,
    String cloud,
    HostPort frontend,
    HostPort backend) {}
