package io.oscope.routes;

/**
 * One thing wrong with an input of oscope's configuration (a route file, a clouds file, an
 * endpoint list, a command-line option), or a notice about one, located precisely enough to act
 * on it without searching: {@code services.json: services[3] "URL" = "x": message}.
 *
 * @param source the file (or other input) it is about
 * @param entry where in the source: {@code services[3]} for a route-file entry, {@code [3]} for an
 *     endpoint-list row, {@code clouds.CloudOne} for a cloud of the clouds file; {@code null} for
 *     the source as a whole
 * @param field the field name, or {@code null}
 * @param value the offending value as written, or {@code null}
 * @param message what is wrong, or what was done
 */
public record Problem(String source, String entry, String field, String value, String message) {
  public Problem {
    if (source == null || message == null) throw new IllegalArgumentException("a problem needs a source and a message");
  }

  /** A problem with a source as a whole. */
  public static Problem of(String source, String message) {
    return new Problem(source, null, null, null, message);
  }

  /** A problem with entry {@code index} of a route file's {@code services} list. */
  static Problem ofEntry(String source, int index, String field, String value, String message) {
    return new Problem(source, "services[" + index + "]", field, value, message);
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
