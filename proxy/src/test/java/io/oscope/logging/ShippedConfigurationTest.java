package io.oscope.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped logging configuration, applied to a logger context of the test's own: the appenders,
 * layouts and levels the XML of its Javadoc names, and the access log written straight to its
 * appender. (OperatorLogsTest reads the output of a proxy started with it.)
 */
class ShippedConfigurationTest {

  @Test
  void givesWayToTheTestsXmlUnlessForced() {
    LoggerContext context = new LoggerContext();
    // logback-test.xml is on the tests' class path: logback's own configurator should read it.
    assertThat(new ShippedConfiguration().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).isExhausted();
  }

  @Test
  void configuresTheApplicationAndAccessLogs() {
    LoggerContext context = configured(Map.of());
    try {
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(root.getLevel()).isEqualTo(Level.INFO);
      List<Appender<ILoggingEvent>> rootAppenders = appenders(root);
      assertThat(rootAppenders).singleElement().isInstanceOfSatisfying(ConsoleAppender.class, console -> {
        assertThat(console.getName()).isEqualTo("STDERR");
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(console.isStarted()).isTrue();
        assertThat(((LayoutWrappingEncoder<?>) console.getEncoder()).getLayout()).isInstanceOf(AppLogLayout.class);
      });
      // Text: the ISO time with its zone, the level, the logger, the message.
      String line = ((LayoutWrappingEncoder<ILoggingEvent>) ((ConsoleAppender<ILoggingEvent>) rootAppenders.get(0))
          .getEncoder()).getLayout().doLayout(event(context, "hello"));
      assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  i\\.o\\.logging\\.Test - hello"
          + CoreConstants.LINE_SEPARATOR);

      Logger access = context.getLogger(AccessLog.LOGGER);
      assertThat(access.getLevel()).isEqualTo(Level.INFO);
      assertThat(access.isAdditive()).isFalse();
      assertThat(appenders(access)).singleElement().isInstanceOfSatisfying(BatchingConsoleAppender.class, batching -> {
        assertThat(batching.getName()).isEqualTo("ACCESS");
        assertThat(batching.isStarted()).isTrue();
        // The configuration AccessLog writes to directly, without logback's events.
        assertThat(AccessLog.shippedAppender(access)).isSameAs(batching);
      });
      assertThat(context.getLogger("reactor").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD)).isInstanceOf(Thread.class);
    } finally {
      context.stop();
    }
  }

  @Test
  void levelAndFormatComeFromTheVariables() {
    LoggerContext context = configured(Map.of("OSCOPE_LOG_LEVEL", "warn", "OSCOPE_LOG_FORMAT", "JSON"));
    try {
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(root.getLevel()).isEqualTo(Level.WARN);
      String line = ((LayoutWrappingEncoder<ILoggingEvent>) ((ConsoleAppender<ILoggingEvent>) appenders(root).get(0))
          .getEncoder()).getLayout().doLayout(event(context, "hello"));
      assertThat(line).startsWith("{\"time\":\"").contains("\"message\":\"hello\"");
    } finally {
      context.stop();
    }
    // As Joran does: a level it does not know is DEBUG.
    LoggerContext unknown = configured(Map.of("OSCOPE_LOG_LEVEL", "loud"));
    try {
      assertThat(unknown.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    } finally {
      unknown.stop();
    }
  }

  /** A fresh context configured as shipped, with {@code properties} as its own (they come first). */
  private static LoggerContext configured(Map<String, String> properties) {
    LoggerContext context = new LoggerContext();
    properties.forEach(context::putProperty);
    String before = System.getProperty(ShippedConfiguration.FORCE_PROPERTY);
    System.setProperty(ShippedConfiguration.FORCE_PROPERTY, "shipped");
    try {
      ShippedConfiguration configuration = new ShippedConfiguration();
      configuration.setContext(context);
      assertThat(configuration.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    } finally {
      if (before == null) System.clearProperty(ShippedConfiguration.FORCE_PROPERTY);
      else System.setProperty(ShippedConfiguration.FORCE_PROPERTY, before);
    }
    return context;
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(appenders::add);
    return appenders;
  }

  private static ILoggingEvent event(LoggerContext context, String message) {
    return new LoggingEvent("test", context.getLogger("io.oscope.logging.Test"), Level.INFO, message, null, null);
  }
}
