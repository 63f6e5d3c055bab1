package io.oscope.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseReader} and {@link ResponseHead} on responses given byte by byte as they could
 * arrive: every response is also cut at every position into two reads, and must read the same.
 */
class ResponseReaderTest {
  private static final byte[] VIA = HeaderNames.ascii("1.1 oscope-CloudOne");

  /** What a listener heard: the head for the client, the body parts, the end or the failure. */
  private static final class Heard implements ResponseReader.Listener {
    final ResponseReader.Delivery delivery;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head;
    int status;
    ResponseHead.Framing framing;
    long payloadBytes;
    int parts;
    Boolean reusable;
    Http1Violation failure;

    Heard(ResponseReader.Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public ResponseReader.Delivery head(ResponseHead response) {
      assertThat(head).as("one final head").isNull();
      status = response.status();
      framing = response.framing();
      ByteBuf out = Unpooled.buffer();
      response.writeTo(out, VIA, false, ResponseHead.ConnectionLine.NONE);
      head = out.toString(StandardCharsets.ISO_8859_1);
      return delivery;
    }

    @Override
    public void body(ByteBuf part, int payload) {
      assertThat(reusable).as("no body after the end").isNull();
      payloadBytes += payload;
      parts++;
      byte[] bytes = new byte[part.readableBytes()];
      part.readBytes(bytes);
      part.release();
      body.writeBytes(bytes);
    }

    @Override
    public void end(boolean reusable) {
      this.reusable = reusable;
    }

    @Override
    public void failed(Http1Violation problem) {
      failure = problem;
    }

    String bodyText() {
      return body.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads {@code response} whole, then cut in two at every position; all must hear the same. */
  private static Heard read(String response, ResponseReader.Delivery delivery, boolean toHead) {
    Heard whole = readIn(List.of(response), delivery, toHead);
    for (int cut = 1; cut < response.length(); cut++) {
      Heard split = readIn(List.of(response.substring(0, cut), response.substring(cut)), delivery, toHead);
      assertThat(split.head).as("head, cut at %d", cut).isEqualTo(whole.head);
      if (whole.failure == null) { // after a failure, what came before it may have been handed on or not
        assertThat(split.bodyText()).as("body, cut at %d", cut).isEqualTo(whole.bodyText());
        assertThat(split.payloadBytes).as("payload bytes, cut at %d", cut).isEqualTo(whole.payloadBytes);
      }
      assertThat(split.reusable).as("end, cut at %d", cut).isEqualTo(whole.reusable);
      assertThat(String.valueOf(split.failure)).as("failure, cut at %d", cut).isEqualTo(String.valueOf(whole.failure));
    }
    return whole;
  }

  private static Heard readIn(List<String> reads, ResponseReader.Delivery delivery, boolean toHead) {
    Heard heard = new Heard(delivery);
    ResponseReader reader = new ResponseReader(ByteBufAllocator.DEFAULT, Http1Limits.defaults());
    reader.expect(heard, toHead);
    List<ByteBuf> buffers = new ArrayList<>();
    for (String part : reads) {
      ByteBuf in = Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1);
      buffers.add(in);
      reader.read(in);
      in.release();
    }
    reader.stop();
    buffers.forEach(buffer -> assertThat(buffer.refCnt()).as("nothing retained").isZero());
    return heard;
  }

  @Test
  void aFixedLengthBodyIsHandedOnAsItCame() {
    Heard heard = read("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
        + "Date: Sun, 22 Nov 2026 05:00:00 GMT\r\n\r\n{\"ok\":true}", ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.status).isEqualTo(200);
    assertThat(heard.framing).isEqualTo(ResponseHead.Framing.LENGTH);
    assertThat(heard.head).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Date: Sun, 22 Nov 2026 05:00:00 GMT\r\ncontent-length: 11\r\nvia: 1.1 oscope-CloudOne\r\n\r\n");
    assertThat(heard.bodyText()).isEqualTo("{\"ok\":true}");
    assertThat(heard.payloadBytes).isEqualTo(11);
    assertThat(heard.reusable).isTrue();
  }

  @Test
  void hopByHopHeadersAndThoseConnectionNamesGoViaIsExtended() {
    Heard heard = read("HTTP/1.0 203 Fine Then\r\nKeep-Alive: timeout=5\r\nX-Secret: 1\r\nconnection: keep-alive, X-Secret\r\n"
        + "Via: 1.1 nginx\r\nUpgrade: h2c\r\nTrailer: X\r\nProxy-Connection: x\r\nX-Kept: a:b\r\nVIA: 1.0 squid\r\n"
        + "Content-Length: 0\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.head).isEqualTo("HTTP/1.1 203 Fine Then\r\nX-Kept: a:b\r\ncontent-length: 0\r\n"
        + "via: 1.1 nginx, 1.0 squid, 1.1 oscope-CloudOne\r\n\r\n");
    assertThat(heard.reusable).as("HTTP/1.0 with keep-alive").isTrue();
  }

  @Test
  void theConnectionSaysWhetherItMayBeReused() {
    assertThat(read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        ResponseReader.Delivery.FRAMED, false).reusable).isFalse();
    assertThat(read("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ResponseReader.Delivery.FRAMED, false).reusable).isFalse();
    Heard extra = readIn(List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"),
        ResponseReader.Delivery.FRAMED, false);
    assertThat(extra.bodyText()).isEqualTo("ok");
    assertThat(extra.reusable).as("bytes nobody asked for follow").isFalse();
  }

  @Test
  void aChunkedBodyGoesFramedAnewOrAsItsPayload() {
    String body = "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    Heard raw = read(response, ResponseReader.Delivery.FRAMED, false);
    assertThat(raw.framing).isEqualTo(ResponseHead.Framing.CHUNKED);
    assertThat(raw.head).as("Transfer-Encoding is the proxy's to write").doesNotContainIgnoringCase("transfer-encoding");
    assertThat(raw.bodyText()).isEqualTo("5\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
    assertThat(raw.payloadBytes).isEqualTo(12);
    assertThat(raw.reusable).isTrue();
    Heard payload = read(response, ResponseReader.Delivery.PAYLOAD, false);
    assertThat(payload.bodyText()).isEqualTo("hello, world");
    assertThat(payload.reusable).isTrue();
    Heard dropped = read(response, ResponseReader.Delivery.DISCARD, false);
    assertThat(dropped.bodyText()).isEmpty();
    assertThat(dropped.reusable).isTrue();
  }

  @Test
  void interimAnswersAreSkipped() {
    Heard heard = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.status).isEqualTo(201);
    assertThat(heard.head).startsWith("HTTP/1.1 201 Created\r\n").doesNotContain("Link");
    assertThat(heard.bodyText()).isEqualTo("ok");
  }

  @Test
  void answersWithoutABodyEndAtTheirHead() {
    Heard toHead = read("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", ResponseReader.Delivery.FRAMED, true);
    assertThat(toHead.framing).isEqualTo(ResponseHead.Framing.NONE);
    assertThat(toHead.head).contains("content-length: 1000\r\n");
    assertThat(toHead.reusable).isTrue();
    Heard noContent = read("HTTP/1.1 204 No Content\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(noContent.reusable).isTrue();
    Heard notModified = read("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
        ResponseReader.Delivery.FRAMED, false);
    assertThat(notModified.reusable).isTrue();
  }

  @Test
  void aBodyWithoutLengthRunsUntilTheConnectionCloses() {
    Heard heard = new Heard(ResponseReader.Delivery.PAYLOAD);
    ResponseReader reader = new ResponseReader(ByteBufAllocator.DEFAULT, Http1Limits.defaults());
    reader.expect(heard, false);
    ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome", StandardCharsets.US_ASCII);
    reader.read(in);
    in.release();
    assertThat(heard.framing).isEqualTo(ResponseHead.Framing.UNTIL_CLOSE);
    assertThat(heard.reusable).isNull();
    assertThat(reader.closed()).isTrue();
    assertThat(heard.bodyText()).isEqualTo("some");
    assertThat(heard.reusable).isFalse();

    ResponseReader cut = new ResponseReader(ByteBufAllocator.DEFAULT, Http1Limits.defaults());
    Heard truncated = new Heard(ResponseReader.Delivery.FRAMED);
    cut.expect(truncated, false);
    ByteBuf partial = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nsome", StandardCharsets.US_ASCII);
    cut.read(partial);
    partial.release();
    assertThat(cut.closed()).as("a fixed-length body cut short is not complete").isFalse();
  }

  @Test
  void invalidResponsesFailWithWhatIsWrong() {
    assertThat(failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .contains("both Content-Length and Transfer-Encoding");
    assertThat(failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"))
        .contains("conflicting Content-Length");
    assertThat(failure("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")).contains("invalid or conflicting Content-Length");
    assertThat(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")).contains("Transfer-Encoding");
    assertThat(failure("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n")).contains("folded");
    assertThat(failure("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n")).contains("header name");
    assertThat(failure("HTTP/1.1 200 OK\r\nX-A: 1\u0000\r\n\r\n")).contains("control character");
    assertThat(failure("HTTP/2 200 OK\r\n\r\n")).contains("status line");
    assertThat(failure("SSH-2.0-OpenSSH_9.2\r\n\r\n")).contains("status line");
    assertThat(failure("HTTP/1.1 2x0 OK\r\n\r\n")).contains("three digits");
    assertThat(failure("HTTP/1.1 101 Switching Protocols\r\n\r\n")).contains("101");
    assertThat(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).contains("chunk");
    assertThat(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n")).contains("longer than its size");
    String big = "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(Http1Limits.defaults().responseHead()) + "\r\n\r\n";
    for (List<String> reads : List.of(List.of(big), List.of(big.substring(0, 1000), big.substring(1000)))) {
      assertThat(readIn(reads, ResponseReader.Delivery.FRAMED, false).failure)
          .hasMessageContaining("over " + Http1Limits.defaults().responseHead());
    }
  }

  @Test
  void oneContentLengthGoesToTheClientWhateverListOrRepeatCame() {
    for (String lengths : List.of("Content-Length: 2, 2\r\n", "Content-Length: 2\r\ncontent-length: 2\r\n",
        "Content-Length:  02 \r\n")) {
      Heard heard = read("HTTP/1.1 200 OK\r\n" + lengths + "X-A: 1\r\n\r\nok", ResponseReader.Delivery.FRAMED, false);
      assertThat(heard.head).as(lengths)
          .isEqualTo("HTTP/1.1 200 OK\r\nX-A: 1\r\ncontent-length: 2\r\nvia: 1.1 oscope-CloudOne\r\n\r\n");
      assertThat(heard.bodyText()).isEqualTo("ok");
    }
  }

  @Test
  void headLinesEndedByABareLfGoOnEndedByCrLf() {
    Heard heard = read("HTTP/1.1 200\nX-A: 1 \nVia: 1.0 squid\nContent-Length: 2\n\nok", ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.head).as("a status line without reason keeps its space")
        .isEqualTo("HTTP/1.1 200 \r\nX-A: 1\r\ncontent-length: 2\r\nvia: 1.0 squid, 1.1 oscope-CloudOne\r\n\r\n");
    assertThat(heard.reusable).isTrue();
  }

  @Test
  void chunkFramingIsWrittenAnewWhenItIsNotTheCanonicalOne() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    String canonical = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
    for (String body : List.of("5\nhello\n7\n, world\n0\n\n", "005\r\nhello\r\n7 ; a=\"b c\"\t\r\n, world\r\n000\r\n\r\n",
        "5\r\nhello\n7\r\n, world\r\n0\n\r\n", "0000000000000000000005\r\nhello\r\n7\r\n, world\r\n0\r\n\n")) {
      Heard heard = read(head + body, ResponseReader.Delivery.FRAMED, false);
      assertThat(heard.bodyText()).as(body).isEqualTo(canonical);
      assertThat(heard.payloadBytes).isEqualTo(12);
      assertThat(heard.reusable).isTrue();
    }
    Heard inPlace = readIn(List.of(head + canonical), ResponseReader.Delivery.FRAMED, false);
    assertThat(inPlace.bodyText()).isEqualTo(canonical);
    assertThat(inPlace.parts).as("framing written as this reader would goes in place: one slice").isEqualTo(1);
  }

  @Test
  void trailersAreCheckedAndThoseThatMayNotBeTrailersDropped() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n";
    Heard heard = read(head + "Content-Length: 5\r\nx-sum:abc  \nSet-Cookie: a=b\r\nHost: h\r\nTransfer-Encoding: x\r\n\r\n",
        ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.bodyText()).isEqualTo("2\r\nok\r\n0\r\nx-sum: abc\r\n\r\n");
    assertThat(heard.reusable).isTrue();
    Heard payload = read(head + "X-Sum: 1\r\n\r\n", ResponseReader.Delivery.PAYLOAD, false);
    assertThat(payload.bodyText()).isEqualTo("ok");
    assertThat(failure(head + "X-Sum: a\u0000b\r\n\r\n")).contains("control character in a trailer");
    assertThat(failure(head + "X-Sum: a\rb\r\n\r\n")).contains("control character in a trailer");
    assertThat(failure(head + "X-Sum: a\r\n folded\r\n\r\n")).contains("folded trailer");
    assertThat(failure(head + "\rX: a\r\n\r\n")).contains("CR without LF");
  }

  @Test
  void aChunkExtensionWithAControlCharacterIsRefused() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertThat(failure(head + "2;a\rb\r\nok\r\n0\r\n\r\n")).contains("without its line feed");
    assertThat(failure(head + "2;a\u0000\r\nok\r\n0\r\n\r\n")).contains("control character in a chunk extension");
    assertThat(failure(head + "2\r\r\nok\r\n0\r\n\r\n")).contains("without its line feed");
    assertThat(failure(head + "1000000000000000\r\n")).contains("over 15 hex digits");
  }

  @Test
  void statusCodesAreOneHundredToFiveHundredNinetyNine() {
    assertThat(failure("HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n")).contains("outside 100 to 599");
    assertThat(failure("HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n")).contains("outside 100 to 599");
    assertThat(failure("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n")).contains("outside 100 to 599");
    assertThat(read("HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n", ResponseReader.Delivery.FRAMED, false).status)
        .isEqualTo(599);
  }

  @Test
  void aNoContentOrInterimAnswerThatAnnouncesABodyLosesTheFieldAndTheConnection() {
    Heard length = read("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(length.head).isEqualTo("HTTP/1.1 204 No Content\r\nX-A: 1\r\nvia: 1.1 oscope-CloudOne\r\n\r\n");
    assertThat(length.reusable).as("its 5 bytes may come yet").isFalse();
    Heard chunked = read("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(chunked.head).doesNotContainIgnoringCase("transfer-encoding");
    assertThat(chunked.reusable).isFalse();
    Heard zero = read("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(zero.head).doesNotContainIgnoringCase("content-length");
    assertThat(zero.reusable).as("a length of 0 announces nothing").isTrue();
    Heard interim = read("HTTP/1.1 100 Continue\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ResponseReader.Delivery.FRAMED, false);
    assertThat(interim.bodyText()).isEqualTo("ok");
    assertThat(interim.reusable).isFalse();
    Heard notModified = read("HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n", ResponseReader.Delivery.FRAMED, false);
    assertThat(notModified.head).as("a 304 may say the length").contains("content-length: 42\r\n");
    assertThat(notModified.reusable).isTrue();
    Heard followed = readIn(List.of("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
        ResponseReader.Delivery.FRAMED, false);
    assertThat(followed.reusable).as("bytes nobody asked for follow").isFalse();
  }

  private static String failure(String response) {
    Heard heard = read(response, ResponseReader.Delivery.FRAMED, false);
    assertThat(heard.failure).as(response).isNotNull();
    assertThat(heard.reusable).as("no end after a failure").isNull();
    return heard.failure.getMessage();
  }
}
