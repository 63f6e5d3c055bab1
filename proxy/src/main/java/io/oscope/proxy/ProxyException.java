package io.oscope.proxy;

/** Carries a {@link ProxyError} through reactive pipelines to {@link ErrorMapper}. */
final class ProxyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ProxyError error;
  private final String serviceType;

  ProxyException(ProxyError error) {
    this(error, null);
  }

  /** An error about a request whose service was already found, for the access log. */
  ProxyException(ProxyError error, String serviceType) {
    super(error.message(), null, false, false);
    this.error = error;
    this.serviceType = serviceType;
  }

  ProxyError error() {
    return error;
  }

  /** The targeted service type, when it was known; else {@code null}. */
  String serviceType() {
    return serviceType;
  }
}
