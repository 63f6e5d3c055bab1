package io.oscope.routes;

/** Where a request for a service goes once its cloud is known. */
public sealed interface Destination {

  /**
   * The service is in the proxy's own cloud: send the request to the backend, path and
   * {@code Host} unchanged.
   *
   * @param backend the service's backends
   */
  record Local(Pool backend) implements Destination {}

  /**
   * The service is in another cloud: send the request to that cloud's proxy as to an HTTP proxy,
   * in absolute form, its URL being {@code url} followed by the rest of the path.
   *
   * @param cloud the target cloud
   * @param frontend that cloud's proxies
   * @param url the target cloud's URL for the same service type and interface
   */
  record Remote(String cloud, Pool frontend, ServiceUrl url) implements Destination {}
}
