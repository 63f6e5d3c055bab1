package io.oscope.token;

/**
 * What is known of a token: who it names, that it is not valid, or that Keystone could not be
 * asked (a policy that needs to know then answers 503: clients retry it).
 */
public sealed interface TokenVerdict {

  /** A valid token and who it names. */
  record Known(TokenIdentity identity) implements TokenVerdict {}

  /** A token that did not verify or that Keystone refused; {@code reason} never repeats it. */
  record Invalid(String reason) implements TokenVerdict {}

  /** Keystone had to be asked and could not answer; never remembered. */
  record Unavailable(String reason) implements TokenVerdict {}
}
