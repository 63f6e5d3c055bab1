package io.oscope.proxy;

/** Carries a {@link ProxyError} through reactive pipelines to {@link ErrorResponses}. */
final class ProxyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ProxyError error;

  ProxyException(ProxyError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  ProxyError error() {
    return error;
  }
}
