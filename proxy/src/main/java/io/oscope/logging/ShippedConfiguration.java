package io.oscope.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.ContextUtil;

/**
 * oscope's logging as shipped, set up in code: what this XML would configure, without logback's
 * XML configurator (Joran) and the JDK's XML parser, which took 0.2-0.3 s of a start
 * (BENCHMARKS.md, "Start-up and size"). Logback finds it through {@code META-INF/services} before
 * its own configurators.
 *
 * <pre>{@code
 * <configuration>
 *   <shutdownHook class="ch.qos.logback.core.hook.DefaultShutdownHook"/>
 *   <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
 *     <target>System.err</target>
 *     <encoder class="ch.qos.logback.core.encoder.LayoutWrappingEncoder">
 *       <layout class="io.oscope.logging.AppLogLayout">
 *         <format>${OSCOPE_LOG_FORMAT:-text}</format>
 *         <pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level %logger{20} - %msg%n</pattern>
 *       </layout>
 *     </encoder>
 *   </appender>
 *   <appender name="ACCESS" class="io.oscope.logging.BatchingConsoleAppender">
 *     <target>System.err</target>
 *     <encoder><pattern>%msg%n</pattern></encoder>
 *   </appender>
 *   <logger name="oscope.access" level="INFO" additivity="false"><appender-ref ref="ACCESS"/></logger>
 *   <logger name="reactor" level="WARN"/>
 *   <logger name="io.netty" level="WARN"/>
 *   <root level="${OSCOPE_LOG_LEVEL:-INFO}"><appender-ref ref="STDERR"/></root>
 * </configuration>
 * }</pre>
 *
 * <p>The shutdown hook drains the access log when the JVM exits (SIGTERM ends with System.exit).
 * The access log is written in batches by a background thread ({@link BatchingConsoleAppender});
 * with this configuration oscope hands it its lines already encoded ({@link AccessLog}). An XML
 * file of one's own still wins: this class steps aside when {@code -Dlogback.configurationFile}
 * names one or a {@code logback-test.xml} is on the class path (the tests'), unless
 * {@code -Doscope.log.config=shipped} asks for this configuration whatever else is there.
 */
public final class ShippedConfiguration extends ContextAwareBase implements Configurator {
  /** The system property that forces this configuration ({@code shipped}). */
  public static final String FORCE_PROPERTY = "oscope.log.config";
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level %logger{20} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!"shipped".equals(System.getProperty(FORCE_PROPERTY))
        && (System.getProperty("logback.configurationFile") != null
            || ShippedConfiguration.class.getClassLoader().getResource("logback-test.xml") != null)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback's own XML configurator reads that file
    }
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setContext(context);
    new ContextUtil(context).addOrReplaceShutdownHook(hook);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(variable(context, "OSCOPE_LOG_LEVEL", "INFO"))); // as Joran: unknown is DEBUG
    root.addAppender(applicationLog(context));
    Logger access = context.getLogger(AccessLog.LOGGER);
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(accessLog(context));
    context.getLogger("reactor").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static ConsoleAppender<ILoggingEvent> applicationLog(LoggerContext context) {
    AppLogLayout layout = new AppLogLayout();
    layout.setContext(context);
    layout.setFormat(variable(context, "OSCOPE_LOG_FORMAT", "text"));
    layout.setPattern(TEXT_PATTERN);
    layout.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setParent(appender);
    encoder.setLayout(layout);
    encoder.start();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  private static BatchingConsoleAppender accessLog(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(AccessLog.SHIPPED_PATTERN);
    encoder.start();
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setContext(context);
    appender.setName("ACCESS");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  /** {@code ${name:-fallback}} as Joran resolves it: the context's property, a system property, the environment. */
  private static String variable(LoggerContext context, String name, String fallback) {
    String value = context.getProperty(name);
    if (value == null) value = System.getProperty(name);
    if (value == null) value = System.getenv(name);
    return value != null ? value : fallback;
  }
}
