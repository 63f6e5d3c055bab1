package io.oscope.fanout;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that signs composite markers. Proxies are stateless: a client may fetch page 1 from one
 * instance behind a load balancer and page 2 from another, so every instance of a cloud needs the
 * same key: from a file ({@code --fan-out-marker-key-file}), else derived from the peer secret
 * they share already; a proxy with neither draws one at random, good for that instance only until
 * it restarts (a marker it issued is then refused with 400, and the client lists from the start).
 */
public final class MarkerKey {
  /** Shortest accepted key, in bytes. */
  public static final int MIN_BYTES = 32;
  private static final int TAG_BYTES = 16;

  private final SecretKeySpec key;
  private final boolean shared;

  private MarkerKey(byte[] secret, boolean shared) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.shared = shared;
  }

  /** A key from {@code secret}, e.g. a file's bytes. */
  public static MarkerKey of(byte[] secret) {
    byte[] trimmed = new String(secret, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    if (trimmed.length < MIN_BYTES) {
      throw new IllegalArgumentException("a fan-out marker key needs at least " + MIN_BYTES + " bytes, got " + trimmed.length);
    }
    return new MarkerKey(trimmed, true);
  }

  /** A key derived from the peers' shared secret, distinct from the one that signs peer calls. */
  public static MarkerKey derivedFrom(String peerSecret) {
    MarkerKey base = new MarkerKey(peerSecret.strip().getBytes(StandardCharsets.UTF_8), true);
    return new MarkerKey(base.mac("oscope fan-out marker key".getBytes(StandardCharsets.US_ASCII)), true);
  }

  /** A key of this process alone. */
  public static MarkerKey random() {
    byte[] secret = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(secret);
    return new MarkerKey(secret, false);
  }

  /** Whether other instances can have the same key (false for {@link #random()}). */
  public boolean shared() {
    return shared;
  }

  /** The tag of {@code payload}. */
  byte[] tag(byte[] payload) {
    return Arrays.copyOf(mac(payload), TAG_BYTES);
  }

  /** Whether {@code tag} is {@code payload}'s, compared in constant time. */
  boolean verifies(byte[] payload, byte[] tag) {
    return MessageDigest.isEqual(tag(payload), tag);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "MarkerKey[" + (shared ? "shared" : "random") + "]";
  }
}
