package io.oscope.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Reads durations as operators write them: {@code 500ms}, {@code 10s}, {@code 2m}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    String value = text.strip();
    try {
      if (value.endsWith("ms")) return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      if (value.endsWith("s")) return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      if (value.endsWith("m")) return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException("'" + text + "' is not a duration such as 500ms, 10s or 2m");
  }
}
