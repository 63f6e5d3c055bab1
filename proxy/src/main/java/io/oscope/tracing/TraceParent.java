package io.oscope.tracing;

import java.nio.charset.StandardCharsets;

/**
 * The W3C Trace Context {@code traceparent} header, {@code 00-<trace id>-<parent id>-<flags>}, read
 * only to log its trace ID when tracing is off (the header itself passes on untouched). With
 * tracing on, OpenTelemetry's propagator reads it.
 */
public final class TraceParent {
  private TraceParent() {}

  /**
   * The trace ID of the {@code traceparent} value {@code bytes[start..end)}: 32 lower-case hex
   * digits, or null if the value is not valid (W3C Trace Context level 1, section 3.2: a version
   * other than {@code ff}; version 00 exactly 55 characters, a later one possibly longer after a
   * {@code -}; trace and parent IDs not all zeros).
   */
  public static String traceId(byte[] bytes, int start, int end) {
    int length = end - start;
    if (length < 55 || bytes[start + 2] != '-' || bytes[start + 35] != '-' || bytes[start + 52] != '-') return null;
    if (!RequestIds.isHex(bytes, start, start + 2) || bytes[start] == 'f' && bytes[start + 1] == 'f') return null;
    boolean version0 = bytes[start] == '0' && bytes[start + 1] == '0';
    if (version0 ? length != 55 : length > 55 && bytes[start + 55] != '-') return null;
    if (!RequestIds.isHex(bytes, start + 3, start + 35) || zeros(bytes, start + 3, start + 35)) return null;
    if (!RequestIds.isHex(bytes, start + 36, start + 52) || zeros(bytes, start + 36, start + 52)) return null;
    if (!RequestIds.isHex(bytes, start + 53, start + 55)) return null;
    return new String(bytes, start + 3, 32, StandardCharsets.US_ASCII);
  }

  private static boolean zeros(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      if (bytes[i] != '0') return false;
    }
    return true;
  }
}
