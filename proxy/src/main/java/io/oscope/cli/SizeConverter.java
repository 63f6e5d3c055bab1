package io.oscope.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Reads byte sizes as operators write them: {@code 65536}, {@code 512k}, {@code 32m}, {@code 1g}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    int shift = 0;
    if (value.endsWith("k")) shift = 10;
    else if (value.endsWith("m")) shift = 20;
    else if (value.endsWith("g")) shift = 30;
    try {
      long number = Long.parseLong(shift == 0 ? value : value.substring(0, value.length() - 1));
      if (number > 0 && number <= Long.MAX_VALUE >> shift) return number << shift;
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException("'" + text + "' is not a size such as 65536, 512k, 32m or 1g");
  }
}
