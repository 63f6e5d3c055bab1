package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.http1.ResponseHead.ConnectionLine;
import io.oscope.http1.ResponseHead.Framing;
import io.oscope.http1.ResponseReader.Delivery;
import org.junit.jupiter.api.Test;

/** {@link ResponseFraming}: how each upstream framing reaches HTTP/1.1 and HTTP/1.0 clients. */
class ResponseFramingChoiceTest {

  @Test
  void bodiesOfKnownLengthGoAsReceivedToEveryClient() {
    for (Framing framing : new Framing[] {Framing.NONE, Framing.LENGTH}) {
      for (boolean http11 : new boolean[] {true, false}) {
        ResponseFraming choice = ResponseFraming.of(framing, http11);
        assertThat(choice.delivery()).isEqualTo(Delivery.FRAMED);
        assertThat(choice.chunkedHead()).isFalse();
        assertThat(choice.chunksPayload()).isFalse();
        assertThat(choice.closeAfter(true)).isFalse();
      }
    }
  }

  @Test
  void chunkedGoesAsReceivedTo11AndAsPayloadUntilCloseTo10() {
    ResponseFraming to11 = ResponseFraming.of(Framing.CHUNKED, true);
    assertThat(to11.delivery()).isEqualTo(Delivery.FRAMED);
    assertThat(to11.chunkedHead()).isTrue();
    assertThat(to11.chunksPayload()).isFalse();
    assertThat(to11.closeAfter(true)).isFalse();

    ResponseFraming to10 = ResponseFraming.of(Framing.CHUNKED, false);
    assertThat(to10.delivery()).isEqualTo(Delivery.PAYLOAD);
    assertThat(to10.chunkedHead()).isFalse();
    assertThat(to10.closeAfter(true)).isTrue();
    assertThat(to10.connection(false, true)).isEqualTo(ConnectionLine.CLOSE);
  }

  @Test
  void aBodyEndedByCloseIsChunkedFor11SoATruncationShows() {
    ResponseFraming to11 = ResponseFraming.of(Framing.UNTIL_CLOSE, true);
    assertThat(to11.delivery()).isEqualTo(Delivery.PAYLOAD);
    assertThat(to11.chunkedHead()).isTrue();
    assertThat(to11.chunksPayload()).isTrue();
    assertThat(to11.closeAfter(true)).isFalse();

    ResponseFraming to10 = ResponseFraming.of(Framing.UNTIL_CLOSE, false);
    assertThat(to10.delivery()).isEqualTo(Delivery.FRAMED);
    assertThat(to10.chunksPayload()).isFalse();
    assertThat(to10.closeAfter(true)).isTrue();
  }

  @Test
  void theConnectionLineSaysCloseKeepAliveOrNothing() {
    assertThat(ResponseFraming.AS_RECEIVED.connection(true, true)).isEqualTo(ConnectionLine.NONE);
    assertThat(ResponseFraming.AS_RECEIVED.connection(false, true)).isEqualTo(ConnectionLine.KEEP_ALIVE);
    assertThat(ResponseFraming.AS_RECEIVED.connection(true, false)).isEqualTo(ConnectionLine.CLOSE);
    assertThat(ResponseFraming.RECHUNKED.connection(true, false)).isEqualTo(ConnectionLine.CLOSE);
    assertThat(ResponseFraming.UNTIL_CLOSE.connection(false, true)).isEqualTo(ConnectionLine.CLOSE);
  }
}
