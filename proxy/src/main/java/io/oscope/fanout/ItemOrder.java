package io.oscope.fanout;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;

/**
 * Compares items of different clouds by a list's sort keys, as the services' databases roughly do:
 * numbers as numbers, text by code point (timestamps in ISO 8601 then sort by time), a missing or
 * null field first when ascending.
 *
 * <p>It only decides how the clouds' items interleave: each cloud's items keep the order the
 * cloud gave them, whatever this says, so a collation that differs from the database's (MySQL's
 * case-insensitive one) cannot make the walk skip or repeat an item; it only looks less sorted.
 */
final class ItemOrder implements Comparator<JsonNode> {
  private final JsonPointer[] fields;
  private final boolean[] ascending;

  ItemOrder(ListCall call, List<SortKey> keys) {
    fields = new JsonPointer[keys.size()];
    ascending = new boolean[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      fields[i] = call.pointer(keys.get(i).field());
      ascending[i] = keys.get(i).ascending();
    }
  }

  @Override
  public int compare(JsonNode a, JsonNode b) {
    for (int i = 0; i < fields.length; i++) {
      int c = compareValues(a.at(fields[i]), b.at(fields[i]));
      if (c != 0) return ascending[i] ? c : -c;
    }
    return 0;
  }

  private static int compareValues(JsonNode a, JsonNode b) {
    boolean aNone = a.isMissingNode() || a.isNull();
    boolean bNone = b.isMissingNode() || b.isNull();
    if (aNone || bNone) return aNone == bNone ? 0 : aNone ? -1 : 1;
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
    if (a.isTextual() && b.isTextual()) return a.textValue().compareTo(b.textValue());
    if (a.isBoolean() && b.isBoolean()) return Boolean.compare(a.booleanValue(), b.booleanValue());
    return a.toString().compareTo(b.toString());
  }
}
