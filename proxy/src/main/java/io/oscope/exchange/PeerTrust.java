package io.oscope.exchange;

/**
 * What a proxy needs to take part in cross-cloud token validation: the secret its peers share,
 * and, to validate tokens for them, its own service account on its local Keystone.
 *
 * @param secret the shared peer secret ({@link PeerSignature#MIN_SECRET_LENGTH} characters or more)
 * @param credentials the local service account, or {@code null} for a proxy that only sends
 *     validation calls to peers and accepts none
 */
public record PeerTrust(String secret, ServiceCredentials credentials) {
  public PeerTrust {
    if (secret == null || secret.strip().length() < PeerSignature.MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("the peer secret must have at least " + PeerSignature.MIN_SECRET_LENGTH + " characters");
    }
  }

  @Override
  public String toString() {
    return "PeerTrust[secret=<redacted>, credentials=" + credentials + "]";
  }
}
