package io.oscope.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Application log lines, as text ({@code pattern}) or as JSON lines as {@code format} says: one
 * object per event and nothing around it, {@code {"time":"2026-12-02T18:13:57.123Z","level":"INFO",
 * "logger":"io.oscope.proxy.ScopeProxy","thread":"main","proxy":"oscope-CloudOne","message":"…",
 * "error":"java.io.IOException: …\n\tat …"}}. {@code proxy} is the logger context's property of
 * that name, set by {@code oscope proxy}; {@code error} is there when the event has a throwable.
 * (Logback's own {@code JsonEncoder} writes epoch milliseconds and its internals instead.) One
 * layout with a switch rather than two appenders, so that the shipped configuration picks the
 * format from an environment variable without logback warning of an appender left unused.
 *
 * <pre>{@code
 * <encoder class="ch.qos.logback.core.encoder.LayoutWrappingEncoder">
 *   <layout class="io.oscope.logging.AppLogLayout">
 *     <format>${OSCOPE_LOG_FORMAT:-text}</format>
 *     <pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level %logger{20} - %msg%n</pattern>
 *   </layout>
 * </encoder>
 * }</pre>
 */
public final class AppLogLayout extends LayoutBase<ILoggingEvent> {
  /** The logger context's property naming the proxy, added to every JSON line when set. */
  public static final String PROXY_PROPERTY = "oscope.proxy";

  private String format = "text";
  private String pattern = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level %logger{20} - %msg%n";
  /** The text layout; null for JSON. */
  private PatternLayout text;

  /** Names the proxy of this JVM in every JSON line from now on (a JVM that runs one proxy). */
  public static void nameProxy(String name) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.putProperty(PROXY_PROPERTY, name);
  }

  /** {@code text} (default) or {@code json}, in any case. */
  public void setFormat(String format) {
    this.format = format;
  }

  /** The pattern of the text format. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    String chosen = format == null ? "text" : format.strip().toLowerCase(Locale.ROOT);
    if (!chosen.equals("json")) {
      if (!chosen.equals("text")) addError("log format must be text or json, not '" + format + "': text is used");
      text = new PatternLayout();
      text.setContext(getContext());
      text.setPattern(pattern);
      text.start();
    }
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return text != null ? text.doLayout(event) : json(event);
  }

  private String json(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(256).append("{\"time\":\"");
    LogTime.append(out, event.getTimeStamp()).append('"');
    field(out, "level", event.getLevel().toString());
    field(out, "logger", event.getLoggerName());
    field(out, "thread", event.getThreadName());
    String proxy = getContext() == null ? null : getContext().getProperty(PROXY_PROPERTY);
    if (proxy != null) field(out, "proxy", proxy);
    field(out, "message", event.getFormattedMessage());
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) field(out, "error", ThrowableProxyUtil.asString(error));
    return out.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(",\"").append(name).append("\":\"");
    if (value != null) JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }
}
