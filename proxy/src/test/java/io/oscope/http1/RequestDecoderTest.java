package io.oscope.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestDecoder} and {@link RequestHead} on requests as clients could send them: each
 * input is read whole, cut in two at every position, and byte by byte, and must read the same.
 * What the decoder hands on is written down as one line per event, body parts merged.
 */
class RequestDecoderTest {
  private static final int MAX_LINE = 64;
  private static final int MAX_HEADER = 256;

  /** The events {@code reads} produce, one line each. */
  private static List<String> events(List<String> reads) {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new Http1Limits(MAX_LINE, MAX_HEADER, 64 * 1024, 64 * 1024, 4096)));
    List<String> events = new ArrayList<>();
    for (String read : reads) {
      channel.writeInbound(Unpooled.copiedBuffer(read, StandardCharsets.ISO_8859_1));
      for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
        String event = describe(message);
        int last = events.size() - 1;
        if (event.startsWith("body ") && last >= 0 && events.get(last).startsWith("body ")) {
          events.set(last, events.get(last) + event.substring(5)); // parts as read: merged
        } else {
          events.add(event);
        }
      }
    }
    channel.finishAndReleaseAll();
    return events;
  }

  private static String describe(Object message) {
    if (message instanceof RequestHead head) {
      return "head " + head.method() + " " + head.target() + (head.http11() ? " 1.1" : " 1.0")
          + (head.chunked() ? " chunked" : head.contentLength() >= 0 ? " length " + head.contentLength() : "")
          + (head.keepAlive() ? "" : " close") + (head.expectsContinue() ? " continue" : "");
    }
    if (message instanceof ByteBuf part) {
      assertThat(part.isReadable()).as("no empty parts").isTrue();
      String text = part.toString(StandardCharsets.ISO_8859_1);
      part.release();
      return "body " + text;
    }
    if (message instanceof RequestDecoder.End end) {
      return end.trailers().length == 0 ? "end" : "end " + new String(end.trailers(), StandardCharsets.ISO_8859_1);
    }
    RequestDecoder.Refused refused = (RequestDecoder.Refused) message;
    return "refused " + refused.violation().status() + (refused.midBody() ? " mid-body " : " ") + refused.violation().problem();
  }

  private static void assertReads(String input, String... expected) {
    assertThat(events(List.of(input))).as("whole").containsExactly(expected);
    for (int cut = 1; cut < input.length(); cut++) {
      assertThat(events(List.of(input.substring(0, cut), input.substring(cut)))).as("cut at %d", cut)
          .containsExactly(expected);
    }
    assertThat(events(input.chars().mapToObj(c -> String.valueOf((char) c)).toList())).as("byte by byte")
        .containsExactly(expected);
  }

  @Test
  void pipelinedRequestsWithAndWithoutBodies() {
    assertReads("\r\nGET /v2/images?limit=2 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /v2/images HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /v2/x HTTP/1.1\r\nHost: h\r\ncontent-length: 0\r\n\r\n"
            + "DELETE http://10.0.0.1:9292/v2/x HTTP/1.0\nConnection: keep-alive\n\n",
        "head GET /v2/images?limit=2 1.1",
        "head POST /v2/images 1.1 length 5",
        "body hello",
        "end",
        "head PUT /v2/x 1.1 length 0",
        "head DELETE http://10.0.0.1:9292/v2/x 1.0");
  }

  @Test
  void aChunkedBodyIsHandedOnAsItsPayloadWithItsTrailers() {
    assertReads("PUT /v2/images/1/file HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n"
            + "Expect: 100-continue\r\n\r\n"
            + "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\nA \r\n0123456789\r\n0\r\nX-Sum:  abc \r\nX-B:c\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "head PUT /v2/images/1/file 1.1 chunked continue",
        "body hello 0123456789",
        "end X-Sum: abc\r\nX-B: c\r\n",
        "head GET / 1.1 close");
    assertReads("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        "head POST / 1.1 chunked", "body abc", "end");
  }

  @Test
  void headsThatBreakTheRulesAreRefusedAndNothingAfterIsRead() {
    String after = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    String[][] cases = {
        {"POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "a Transfer-Encoding other than chunked"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "a Transfer-Encoding other than chunked"},
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding in an HTTP/1.0 request"},
        {"POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", "an invalid or conflicting Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: 4x\r\n\r\n", "an invalid or conflicting Content-Length"},
        {"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", "more than one Host header"},
        {"GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n", "a folded header line"},
        {"GET / HTTP/1.1\r\nX-A : 1\r\n\r\n", "an invalid header name"},
        {"GET / HTTP/1.1\r\nno colon\r\n\r\n", "an invalid header name"},
        {"GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "a control character in a header"},
        {"GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", "a control character in a header"},
        {"G(T / HTTP/1.1\r\n\r\n", "an invalid method"},
        {"GET /a b HTTP/1.1\r\n\r\n", "a version other than HTTP/1.0 or HTTP/1.1"},
        {"GET / HTTP/2.0\r\n\r\n", "a version other than HTTP/1.0 or HTTP/1.1"},
        {"GET / http/1.1\r\n\r\n", "a version other than HTTP/1.0 or HTTP/1.1"},
        {"GET  / HTTP/1.1\r\n\r\n", "an invalid request line"},
        {"GET /\u00e9 HTTP/1.1\r\n\r\n", "an invalid request target"},
    };
    for (String[] bad : cases) {
      assertThat(events(List.of(bad[0] + after))).as(bad[0])
          .containsExactly("refused 400 " + bad[1]);
    }
    assertReads(cases[0][0] + after, "refused 400 " + cases[0][1]);
  }

  @Test
  void bodiesThatBreakTheRulesAreRefusedMidBody() {
    String head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertReads(head + "zz\r\n", "head POST / 1.1 chunked", "refused 400 mid-body a chunk without a size");
    assertReads(head + "2\r\nabc\r\n", "head POST / 1.1 chunked", "body ab",
        "refused 400 mid-body chunk data longer than its size");
    assertReads(head + "1000000000000000\r\n", "head POST / 1.1 chunked",
        "refused 400 mid-body a chunk size over 15 hex digits");
    assertReads(head + "1\r\na\r\n0\r\nBad Trailer: x\r\n\r\n", "head POST / 1.1 chunked", "body a",
        "refused 400 mid-body an invalid trailer name");
    assertReads(head + "1\ra", "head POST / 1.1 chunked",
        "refused 400 mid-body a chunk line without its line feed");
  }

  @Test
  void limitsAreTheRequestLineAndTheHeaderSection() {
    String longLine = "GET /" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\n\r\n";
    assertThat(events(List.of(longLine))).containsExactly("refused 414 the request line exceeds 64 bytes");
    assertThat(events(List.of(longLine.substring(0, MAX_LINE + 5))))
        .as("refused before the line ends").containsExactly("refused 414 the request line exceeds 64 bytes");
    String bigHeaders = "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(MAX_HEADER) + "\r\n\r\n";
    assertThat(events(List.of(bigHeaders)))
        .containsExactly("refused 431 the header section exceeds 256 bytes");
    assertThat(events(List.of(bigHeaders.substring(0, MAX_HEADER + 20))))
        .as("refused before the head ends").containsExactly("refused 431 the header section exceeds 256 bytes");
    String justFits = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(MAX_HEADER - 21) + "\r\n\r\n";
    assertReads(justFits, "head GET / 1.1");
  }

  @Test
  void framingFieldsAreKnownSoThatOneLengthGoesOn() {
    RequestHead head = RequestHead.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 45, 45\r\ncontent-length: 45\r\n"
        + "X-Content-Length: 1\r\n\r\n");
    assertThat(head.contentLength()).isEqualTo(45);
    assertThat(head.isFraming(0)).isFalse();
    assertThat(head.isFraming(1)).isTrue();
    assertThat(head.isFraming(2)).isTrue();
    assertThat(head.isFraming(3)).isFalse();
    RequestHead chunked = RequestHead.of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: h\r\n\r\n");
    assertThat(chunked.isFraming(0)).isTrue();
  }

  @Test
  void targetsWithAFragmentOrUserinfoAreRefusedWithoutQuotingThem() {
    for (String target : List.of("/v2/images#secret", "http://alice:secret@h/v2", "http://alice@h", "h@secret:443",
        "http://h/a#secret")) {
      List<String> heard = events(List.of("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));
      assertThat(heard).as(target).hasSize(1);
      assertThat(heard.get(0)).as(target).startsWith("refused 400 ").doesNotContain("secret").doesNotContain("alice");
    }
    assertThat(events(List.of("GET http://h/a@b?c=d@e HTTP/1.1\r\nHost: h\r\n\r\n")))
        .as("an @ in the path is no userinfo").containsExactly("head GET http://h/a@b?c=d@e 1.1");
    assertThat(events(List.of("GET http:///v2 HTTP/1.1\r\nHost: h\r\n\r\n")))
        .containsExactly("refused 400 an invalid authority in the request target");
  }

  @Test
  void anHttp11RequestHasOneValidHost() {
    assertThat(events(List.of("GET / HTTP/1.1\r\nX-A: 1\r\n\r\n")))
        .containsExactly("refused 400 an HTTP/1.1 request without Host");
    for (String host : List.of("", "a b", "h/x", "h:80x", "[::1", "h@x", "[]", ":80", "h\u00e9")) {
      assertThat(events(List.of("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"))).as(host)
          .containsExactly("refused 400 an invalid Host header");
    }
    for (String host : List.of("h", "h:8080", "h:", "[::1]:80", "10.0.0.1", "a-b.example.org", "%41.b")) {
      assertThat(events(List.of("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"))).as(host)
          .containsExactly("head GET / 1.1");
    }
    assertThat(events(List.of("GET http://h/ HTTP/1.1\r\nHost:\r\n\r\n")))
        .as("an absolute-form target with an empty Host").containsExactly("head GET http://h/ 1.1");
    assertThat(events(List.of("GET / HTTP/1.0\r\n\r\n"))).as("HTTP/1.0 may omit it").containsExactly("head GET / 1.0 close");
  }

  @Test
  void trailersThatMayNotBeTrailersAreDropped() {
    assertReads("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n"
            + "Content-Length: 5\r\nX-Sum: a\r\nHost: evil\r\nAuthorization: b\r\nTransfer-Encoding: chunked\r\n\r\n",
        "head POST / 1.1 chunked", "body a", "end X-Sum: a\r\n");
    assertReads("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n",
        "head POST / 1.1 chunked", "end");
  }

  @Test
  void chunkSizesMayHaveAnyNumberOfLeadingZeros() {
    assertReads("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0000000000000000000000005\r\nhello\r\n00000000000000000000\r\n\r\n",
        "head POST / 1.1 chunked", "body hello", "end");
  }

  @Test
  void aCrWithoutLfIsRefusedWhereverItStands() {
    String chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertThat(events(List.of("\rGET / HTTP/1.1\r\nHost: h\r\n\r\n"))).containsExactly("refused 400 an invalid request line");
    assertThat(events(List.of("GET / HTTP/1.1\r\r\nHost: h\r\n\r\n"))).containsExactly("refused 400 an invalid request line");
    assertThat(events(List.of("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n\r\n"))).containsExactly("refused 400 an invalid header name");
    assertReads(chunked + "1;a\rb\r\nx\r\n0\r\n\r\n", "head POST / 1.1 chunked",
        "refused 400 mid-body a chunk line without its line feed");
    assertReads(chunked + "1;a=\u0000\r\nx\r\n0\r\n\r\n", "head POST / 1.1 chunked",
        "refused 400 mid-body a control character in a chunk extension");
    assertReads(chunked + "1\r\nx\r\r\n0\r\n\r\n", "head POST / 1.1 chunked", "body x",
        "refused 400 mid-body a chunk line without its line feed");
    assertReads("\r\n\nGET / HTTP/1.1\nHost: h\n\n", "head GET / 1.1");
  }

  @Test
  void headerValuesAreFoundByNameIgnoringCaseAndTrimmed() {
    RequestHead head = RequestHead.of("GET / HTTP/1.1\r\nhOsT:  example.org \t\r\nX-Scope:{}\r\nX-Empty:\r\n"
        + "X-Latin: caf\u00e9\r\n\r\n");
    assertThat(head.value(HeaderNames.HOST)).isEqualTo("example.org");
    assertThat(head.value(HeaderNames.ascii("x-scope"))).isEqualTo("{}");
    assertThat(head.value(HeaderNames.ascii("x-empty"))).isEmpty();
    assertThat(head.value(HeaderNames.ascii("x-latin"))).isEqualTo("caf\u00e9");
    assertThat(head.value(HeaderNames.ascii("x-auth-token"))).isNull();
    assertThat(head.count()).isEqualTo(4);
    assertThat(head.name(0)).isEqualTo("hOsT");
    assertThat(head.hasBody()).isFalse();
  }
}
