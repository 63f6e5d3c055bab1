package io.oscope.routes;

/**
 * One row of a route file: where a cloud's service is published, and how oscope reaches it.
 *
 * @param index the row's position in the file, for messages
 * @param serviceType e.g. {@code image}
 * @param iface the catalogue interface
 * @param url the catalogue URL, as clients see it
 * @param cloud the cloud (the catalogue's region)
 * @param frontend that cloud's proxy: one address, or a pool of them
 * @param backend where that cloud's proxy sends the service's requests, one address or a pool;
 *     {@code null} when the file leaves it out (only the proxy's own cloud needs it)
 */
public record ServiceEntry(
    int index,
    String serviceType,
    Interface iface,
    ServiceUrl url,
    String cloud,
    Pool frontend,
    Pool backend) {}
