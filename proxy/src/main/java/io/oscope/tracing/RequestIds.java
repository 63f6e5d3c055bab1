package io.oscope.tracing;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * oscope's own request IDs, {@code 5f0e3a9c1b2d-00000000002a}: a random prefix drawn once per
 * process and a counter, both in 12 hex digits. Unique enough to join log lines across proxies
 * and restarts, and a request pays one atomic increment for its ID, not a random UUID; the text
 * is written only where it goes (a log line, a peer's request head). Also the checks of the IDs
 * that others send, so that nothing else reaches a log line.
 *
 * <pre>{@code
 * RequestIds ids = RequestIds.random();
 * long id = ids.next();
 * String text = ids.format(id);
 * }</pre>
 */
public final class RequestIds {
  /** The length of an ID in characters. */
  public static final int LENGTH = 25;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** The lengths of a UUID's groups of hex digits. */
  private static final int[] UUID_GROUPS = {8, 4, 4, 4, 12};

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  RequestIds(long prefix) {
    this.prefix = hex(new StringBuilder(LENGTH), prefix).append('-').toString();
  }

  /** IDs with a prefix drawn at random. */
  public static RequestIds random() {
    return new RequestIds(new SecureRandom().nextLong());
  }

  /** The next request's ID, as a number: {@link #format} gives its text. */
  public long next() {
    return counter.incrementAndGet();
  }

  /** The text of ID {@code id}. */
  public String format(long id) {
    return append(new StringBuilder(LENGTH), id).toString();
  }

  /** Appends the text of ID {@code id} to {@code out}. */
  public StringBuilder append(StringBuilder out, long id) {
    return hex(out.append(prefix), id);
  }

  /** The low 48 bits of {@code value} in 12 lower-case hex digits. */
  private static StringBuilder hex(StringBuilder out, long value) {
    for (int shift = 44; shift >= 0; shift -= 4) out.append(HEX[(int) (value >>> shift) & 0xf]);
    return out;
  }

  /** Whether {@code bytes[start..end)} is an oscope request ID, as a peer sends it. */
  public static boolean isOscopeId(byte[] bytes, int start, int end) {
    if (end - start != LENGTH || bytes[start + 12] != '-') return false;
    return isHex(bytes, start, start + 12) && isHex(bytes, start + 13, end);
  }

  /**
   * Whether {@code bytes[start..end)} is an OpenStack request ID, {@code req-<uuid>} in lower case:
   * what oslo.middleware's request_id filter accepts as a global request ID, and what services
   * answer in {@code X-OpenStack-Request-ID}.
   */
  public static boolean isOpenStackId(byte[] bytes, int start, int end) {
    if (end - start != 40 || bytes[start] != 'r' || bytes[start + 1] != 'e' || bytes[start + 2] != 'q'
        || bytes[start + 3] != '-') {
      return false;
    }
    int at = start + 4;
    for (int group : UUID_GROUPS) {
      if (!isHex(bytes, at, at + group)) return false;
      at += group;
      if (at < end && bytes[at++] != '-') return false;
    }
    return true;
  }

  /** Whether {@code bytes[start..end)} are lower-case hex digits. */
  static boolean isHex(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) return false;
    }
    return true;
  }
}
