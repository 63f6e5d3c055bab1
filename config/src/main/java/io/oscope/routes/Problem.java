package io.oscope.routes;

/**
 * One thing wrong with a route file, located precisely enough to fix it without searching.
 *
 * @param source the file (or other source) name
 * @param entry the index of the entry in the {@code services} list, or -1 for the whole file
 * @param field the field name, or {@code null}
 * @param value the offending value, or {@code null}
 * @param message what is wrong
 */
public record Problem(String source, int entry, String field, String value, String message) {
  /** A problem with the file as a whole. */
  public static Problem ofFile(String source, String message) {
    return new Problem(source, -1, null, null, message);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(source);
    if (entry >= 0) out.append(": services[").append(entry).append(']');
    if (field != null) out.append(" \"").append(field).append('"');
    if (value != null) out.append(" = \"").append(value).append('"');
    return out.append(": ").append(message).toString();
  }
}
