package io.oscope.proxy;

/**
 * What the token exchange decided for a request ({@link RequestPipeline#tokenHandling}): nothing,
 * for all but token validation calls between peers.
 *
 * @param swapServiceToken whether this is a peer's validation call whose service token is swapped
 * @param peerSignature the signature of a validation call sent to a peer, or null
 */
record TokenValidation(boolean swapServiceToken, String peerSignature) {
  static final TokenValidation NONE = new TokenValidation(false, null);
}
