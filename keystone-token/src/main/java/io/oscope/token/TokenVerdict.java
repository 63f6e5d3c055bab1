package io.oscope.token;

/** What is known of a token: who it names, or that it is not valid (and why). */
public sealed interface TokenVerdict {

  /** A valid token and who it names. */
  record Known(TokenIdentity identity) implements TokenVerdict {}

  /** A token that did not verify or that Keystone refused; {@code reason} never repeats it. */
  record Invalid(String reason) implements TokenVerdict {}
}
