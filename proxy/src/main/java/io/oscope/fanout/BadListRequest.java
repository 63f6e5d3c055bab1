package io.oscope.fanout;

/**
 * A list request a fan-out cannot serve as asked: a marker it did not issue or that was altered,
 * a {@code limit} that is not a number. The message names the problem; the proxy answers 400.
 */
public final class BadListRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadListRequest(String message) {
    super(message);
  }
}
