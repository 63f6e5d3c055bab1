package io.oscope.cli;

import io.oscope.tracing.Tracing;
import java.net.URI;
import picocli.CommandLine;

/** Reads {@code --otlp-endpoint}: an http(s) URL, {@code /v1/traces} added when it has no path. */
final class OtlpEndpointConverter implements CommandLine.ITypeConverter<URI> {
  @Override
  public URI convert(String text) {
    try {
      return Tracing.endpoint(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage() + ", such as http://collector:4318");
    }
  }
}
