package io.oscope.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The forms of the IDs oscope makes and reads: what passes and what does not. */
class IdFormsTest {

  @Test
  void oscopeIdsAreUniqueAndOfTheirForm() {
    RequestIds ids = new RequestIds(0x0123456789abL);
    assertThat(ids.format(ids.next())).isEqualTo("0123456789ab-000000000001");
    RequestIds random = RequestIds.random();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = random.format(random.next());
      assertThat(seen.add(id)).isTrue();
      assertThat(RequestIds.isOscopeId(bytes(id), 0, id.length())).as(id).isTrue();
    }
    for (String bad : new String[] {"", "0123456789ab-00000000001", "0123456789ab_000000000001", "0123456789AB-000000000001",
        "0123456789ab-000000000001x", "\"}{\"a\":1-000000000001"}) {
      assertThat(RequestIds.isOscopeId(bytes(bad), 0, bad.length())).as(bad).isFalse();
    }
  }

  @Test
  void openStackIdsAreReqAndALowerCaseUuid() {
    for (int i = 0; i < 100; i++) {
      String id = "req-" + UUID.randomUUID();
      assertThat(RequestIds.isOpenStackId(bytes(id), 0, id.length())).as(id).isTrue();
    }
    for (String bad : new String[] {"req-" + UUID.randomUUID().toString().toUpperCase(), "req_" + UUID.randomUUID(),
        "req-" + UUID.randomUUID() + "0", "req-11111111-2222-3333-4444-55555555555", "req-11111111x2222-3333-4444-555555555555",
        "req-<script>alert(1)</script>-0000000000", ""}) {
      assertThat(RequestIds.isOpenStackId(bytes(bad), 0, bad.length())).as(bad).isFalse();
    }
  }

  @Test
  void aTraceparentGivesItsTraceIdOnlyWhenValid() {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    assertThat(traceId("00-" + trace + "-00f067aa0ba902b7-01")).isEqualTo(trace);
    assertThat(traceId("01-" + trace + "-00f067aa0ba902b7-01-later")).isEqualTo(trace); // a later version may be longer
    for (String bad : new String[] {"00-" + trace + "-00f067aa0ba902b7-01-more", "ff-" + trace + "-00f067aa0ba902b7-01",
        "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", "00-" + trace + "-0000000000000000-01",
        "00-" + trace.toUpperCase() + "-00f067aa0ba902b7-01", "00-" + trace + "-00f067aa0ba902b7-0", "00_" + trace + "-00f067aa0ba902b7-01",
        "01-" + trace + "-00f067aa0ba902b7-01x", ""}) {
      assertThat(traceId(bad)).as(bad).isNull();
    }
  }

  @Test
  void anyBytesEitherParseOrGiveNullNeverThrow() {
    Random random = new Random(18);
    byte[] alphabet = "0123456789abcdef-reqABZ\"\\ \u00ff".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 100_000; i++) {
      byte[] value = new byte[random.nextInt(70)];
      for (int j = 0; j < value.length; j++) value[j] = alphabet[random.nextInt(alphabet.length)];
      String trace = TraceParent.traceId(value, 0, value.length);
      if (trace != null) assertThat(trace).matches("[0-9a-f]{32}");
      RequestIds.isOpenStackId(value, 0, value.length);
      RequestIds.isOscopeId(value, 0, value.length);
    }
  }

  private static String traceId(String value) {
    return TraceParent.traceId(bytes(value), 0, value.length());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
