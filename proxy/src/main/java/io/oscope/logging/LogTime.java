package io.oscope.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The time of a log line in ISO-8601, UTC, to the millisecond: {@code 2026-12-02T18:13:57.123Z},
 * as the shipped configuration ({@link ShippedConfiguration}) writes application logs. The text
 * up to the second is kept for the second met last, so that a line costs three digits, not a date
 * computation.
 */
public final class LogTime {
  /** "yyyy-MM-ddTHH:mm:ss." of the second met last; shared by threads without a lock (immutable). */
  private static volatile Second second;

  private record Second(long epochSecond, String text) {}

  private LogTime() {}

  /** Appends the time at {@code epochMillis} to {@code out}. */
  public static StringBuilder append(StringBuilder out, long epochMillis) {
    out.append(secondText(Math.floorDiv(epochMillis, 1000)));
    int millis = (int) Math.floorMod(epochMillis, 1000);
    return out.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10)).append('Z');
  }

  private static String secondText(long epochSecond) {
    Second last = second;
    if (last != null && last.epochSecond == epochSecond) return last.text;
    LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", time.getYear(), time.getMonthValue(),
        time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond());
    second = new Second(epochSecond, text);
    return text;
  }
}
