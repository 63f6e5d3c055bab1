package io.oscope.tenant;

/** No project has that name or ID in Keystone. */
public final class UnknownProjectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownProjectException(String message) {
    super(message, null, false, false);
  }
}
