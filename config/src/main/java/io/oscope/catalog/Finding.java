package io.oscope.catalog;

/**
 * A problem with, or a notice about, one place of an input of the route generator, located
 * precisely enough to act on it without searching: {@code file: [3] "URL" = "x": message}.
 *
 * @param source the file (or other input) it is about
 * @param entry where in the source: {@code [3]} for an endpoint-list row, {@code clouds.CloudOne}
 *     for a cloud of the clouds file, {@code services[3]} for a route-file entry; {@code null} for
 *     the source as a whole
 * @param field the field name, or {@code null}
 * @param value the offending value as written, or {@code null}
 * @param message what is wrong, or what was done
 */
public record Finding(String source, String entry, String field, String value, String message) {
  public Finding {
    if (source == null || message == null) throw new IllegalArgumentException("a finding needs a source and a message");
  }

  /** A finding about a source as a whole. */
  public static Finding of(String source, String message) {
    return new Finding(source, null, null, null, message);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(source).append(':');
    if (entry != null) out.append(' ').append(entry);
    if (field != null) out.append(" \"").append(field).append('"');
    if (value != null) out.append(" = \"").append(value).append('"');
    if (entry != null || field != null) out.append(':');
    return out.append(' ').append(message).toString();
  }
}
