package io.oscope.cli;

import io.oscope.routes.HostPort;
import picocli.CommandLine;

/** Reads {@code host:port} options. */
final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
  @Override
  public HostPort convert(String text) {
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("'" + text + "' is not HOST:PORT: " + e.getMessage());
    }
  }
}
