package io.oscope.exchange;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proves that a token-validation call comes from a peer oscope: {@code X-Oscope-Peer:
 * <cloud>:<unix seconds>:<HMAC-SHA256>} over the cloud, the time, the method, the path and a hash
 * of the subject token, keyed with a secret the peers share.
 *
 * <p>Why a shared secret and not mutual TLS: it works on the plain-HTTP links the OpenStackoïd prototype's
 * deployments use (and through a peer still running HAProxy), needs no PKI, and binds each
 * signature to one subject token and a {@value #WINDOW_SECONDS}-second window, so a captured
 * header cannot be reused for another token or later. On untrusted networks, run the links
 * between proxies over TLS as well: the header proves the sender, it does not hide the tokens.
 */
public final class PeerSignature {
  /** The header that carries the signature. */
  public static final String HEADER = "X-Oscope-Peer";
  /** How far a signature's time may be from the verifier's clock. */
  public static final long WINDOW_SECONDS = 60;
  /** Shortest accepted secret. */
  public static final int MIN_SECRET_LENGTH = 32;

  private final SecretKeySpec key;
  private final Clock clock;

  private PeerSignature(byte[] secret, Clock clock) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.clock = clock;
  }

  /**
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_LENGTH} characters
   */
  public static PeerSignature of(String secret, Clock clock) {
    if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("the peer secret must have at least " + MIN_SECRET_LENGTH + " characters");
    }
    return new PeerSignature(secret.strip().getBytes(StandardCharsets.UTF_8), clock);
  }

  /** The header value for a call sent by {@code cloud}. */
  public String sign(String cloud, String method, String path, String subjectToken) {
    long now = clock.instant().getEpochSecond();
    return cloud + ":" + now + ":" + mac(cloud, now, method, path, subjectToken);
  }

  /** The signing cloud if {@code header} is a valid, current signature of this call, else {@code null}. */
  public String verify(String header, String method, String path, String subjectToken) {
    if (header == null) return null;
    String[] parts = header.split(":", 3);
    if (parts.length != 3) return null;
    long time;
    try {
      time = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return null;
    }
    if (Math.abs(clock.instant().getEpochSecond() - time) > WINDOW_SECONDS) return null;
    byte[] expected = mac(parts[0], time, method, path, subjectToken).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII)) ? parts[0] : null;
  }

  /** How long a signature stays valid. */
  public static Duration window() {
    return Duration.ofSeconds(WINDOW_SECONDS);
  }

  private String mac(String cloud, long time, String method, String path, String subjectToken) {
    try {
      byte[] tokenHash = MessageDigest.getInstance("SHA-256").digest(subjectToken.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((cloud + "\n" + time + "\n" + method + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update(tokenHash);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
