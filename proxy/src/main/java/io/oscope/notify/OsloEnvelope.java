package io.oscope.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * A notification as oslo.messaging's rabbit driver sends it (its {@code messagingv2} driver): the
 * message of {@code Notifier._notify} (message_id, publisher_id, event_type, priority, payload,
 * timestamp), with the {@code _unique_id} the AMQP driver adds for its duplicate check, serialized
 * into the 2.0 envelope of {@code common.serialize_msg}: {@code {"oslo.version": "2.0",
 * "oslo.message": "<the message as a JSON string>"}}. No {@code _context_*} keys: oscope has no
 * request context to pass, and listeners then read an empty one.
 */
final class OsloEnvelope {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Python's {@code str(datetime.utcnow())}, which oslo's {@code timeutils.utcnow()} gives. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private OsloEnvelope() {}

  /** The envelope's bytes (UTF-8 JSON) for one INFO notification. */
  static byte[] of(String publisherId, String eventType, ObjectNode payload, Instant at) {
    ObjectNode message = JSON.createObjectNode()
        .put("message_id", UUID.randomUUID().toString())
        .put("publisher_id", publisherId)
        .put("event_type", eventType)
        .put("priority", "INFO")
        .put("timestamp", TIMESTAMP.format(at))
        .put("_unique_id", UUID.randomUUID().toString().replace("-", ""));
    message.set("payload", payload);
    ObjectNode envelope = JSON.createObjectNode()
        .put("oslo.version", "2.0")
        .put("oslo.message", message.toString());
    try {
      return JSON.writeValueAsBytes(envelope);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }
}
