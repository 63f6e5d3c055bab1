package io.oscope.cli;

import picocli.CommandLine;

/** Reads a share as operators write it: {@code 20%}, {@code 12.5%} or {@code 20}, from 0 to 100. */
final class PercentConverter implements CommandLine.ITypeConverter<Double> {
  @Override
  public Double convert(String text) {
    String value = text.strip();
    if (value.endsWith("%")) value = value.substring(0, value.length() - 1).strip();
    try {
      double percent = Double.parseDouble(value);
      if (percent >= 0 && percent <= 100 && !value.isEmpty() && Character.isDigit(value.charAt(value.length() - 1))) {
        return percent;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException("'" + text + "' is not a percentage from 0 to 100 such as 20%");
  }
}
