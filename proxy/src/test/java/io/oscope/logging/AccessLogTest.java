package io.oscope.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link AccessLog} writes, without logback's event and layout, the bytes the shipped pattern would;
 * {@link LogTime} writes the time logback's ISO pattern would.
 */
class AccessLogTest {

  @Test
  void aLineIsTheBytesOfTheShippedPatternAtEveryMillisecondAndCharacter() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(AccessLog.SHIPPED_PATTERN);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    Logger logger = context.getLogger(AccessLog.LOGGER);
    AccessLog access = new AccessLog(LoggerFactory.getLogger(AccessLog.LOGGER), null, StandardCharsets.UTF_8);

    String[] lines = {"GET image CloudOne 200 1024B 0.6ms /image/v2/images -> 127.0.0.1:18081",
        "{\"method\":\"PUT\",\"path\":\"/caf\u00e9/\u65e5\u672c\"}", ""};
    long[] times = {0, 999, 1_000, 1_763_800_000_123L, 1_763_800_059_999L, 1_763_803_600_000L, 1_763_800_000_007L};
    for (String line : lines) {
      for (long millis : times) {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, line, null, null);
        event.setTimeStamp(millis);
        String expected = new String(encoder.encode(event), StandardCharsets.UTF_8);
        String actual = new String(access.format(line), StandardCharsets.UTF_8);
        assertThat(actual).as("%s at %d", line, millis).isEqualTo(expected);
      }
    }
  }

  @Test
  void theTimeOfALineIsIsoWithDateMillisecondsAndZone() {
    DateTimeFormatter expected = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    long[] times = {0, 999, 1_000, 1_763_800_000_123L, 1_763_800_059_999L, 1_763_803_600_000L, 1_763_800_000_007L,
        951_782_400_000L /* 2000-02-29 */, 4_102_444_799_999L};
    for (long millis : times) {
      String time = LogTime.append(new StringBuilder(), millis).toString();
      assertThat(time).as("%d", millis).isEqualTo(expected.format(Instant.ofEpochMilli(millis)));
      assertThat(OffsetDateTime.parse(time).toInstant().toEpochMilli()).isEqualTo(millis);
    }
  }

  @Test
  void anyOtherConfigurationGoesThroughLogback() {
    // The tests' logback-test.xml gives oscope.access no appender of its own.
    assertThat(AccessLog.configured().direct()).isFalse();
  }
}
