package io.oscope.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A token's SHA-256, the key of every cache of what tokens name: a heap dump or a debugger shows
 * hashes, never a token that could be replayed.
 */
record TokenKey(long a, long b, long c, long d) {
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  });

  static TokenKey of(String token) {
    byte[] hash = SHA_256.get().digest(token.getBytes(StandardCharsets.ISO_8859_1));
    return new TokenKey(longAt(hash, 0), longAt(hash, 8), longAt(hash, 16), longAt(hash, 24));
  }

  private static long longAt(byte[] bytes, int from) {
    long value = 0;
    for (int i = from; i < from + 8; i++) value = value << 8 | (bytes[i] & 0xff);
    return value;
  }
}
