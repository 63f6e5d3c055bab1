package io.oscope.token;

/**
 * A token that does not verify, or that Keystone says is not valid. The message names why
 * (expired, signed by no known key, a claim missing) and never repeats the token.
 */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
