package io.oscope.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link RequestDecoder} and {@link ResponseReader}: valid messages mutated
 * (bytes replaced, CR, LF, NUL, space, ':' or ',' inserted, bytes dropped, lines repeated) and read
 * whole and in random pieces. Every input must read the same either way, and either be refused with
 * a documented status and a problem, or parse into messages whose re-encoding (heads written from
 * their positions, bodies by their framing) reads back the same. Nothing else may escape.
 *
 * <p>{@code -Dhttp1.fuzz.cases=N} sets the number of cases per direction (3000 by default) and
 * {@code -Dhttp1.fuzz.seed=S} the seed (printed with any failure, to replay it).
 */
class Http1FuzzTest {
  private static final int CASES = Integer.getInteger("http1.fuzz.cases", 3000);
  private static final long SEED = Long.getLong("http1.fuzz.seed", System.nanoTime());
  private static final Http1Limits LIMITS = new Http1Limits(256, 1024, 1024, 512, 64);
  private static final byte[] VIA = HeaderNames.ascii("1.1 fuzz");
  private static final byte[] INSERTED = {'\r', '\n', 0, ' ', ':', ',', '\t', '#', '@', ';', '0', 'f', 0x7f, (byte) 0xe9};

  private static final String[] REQUESTS = {
      "GET /v2/images?limit=2 HTTP/1.1\r\nHost: h:9292\r\nX-Auth-Token: t!SCOPE!{\"image\":\"a\"}\r\nAccept: */*\r\n\r\n",
      "POST /v2/images HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
      "PUT /v2/x/file HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
          + "5;a=b\r\nhello\r\n0A\r\n0123456789\r\n0\r\nX-Sum: abc\r\n\r\n",
      "DELETE http://10.0.0.1:9292/v2/x HTTP/1.0\nConnection: keep-alive\nContent-Length: 2, 2\n\nok",
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: close, X-A\r\nX-A: 1\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: [::1]:80\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
  };

  private static final String[] RESPONSES = {
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Hop: 1\r\nConnection: X-Hop\r\n\r\n"
          + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2, 2\r\nVia: 1.0 squid\r\n\r\nok",
      "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
      "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n",
      "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n",
  };

  @Test
  void requestsReadTheSameInPiecesAndReencodeToThemselves() {
    Random seeds = new Random(SEED);
    int[] at = {0};
    byte[][] current = {new byte[0]};
    assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, CASES / 50)), () -> {
      for (at[0] = 0; at[0] < CASES; at[0]++) {
        Random random = new Random(seeds.nextLong());
        byte[] input = mutate(REQUESTS[random.nextInt(REQUESTS.length)], random);
        current[0] = input;
        try {
          checkRequest(input, random);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(replay(at[0], input), e);
        }
      }
    }, () -> "no answer in time: " + replay(at[0], current[0]));
  }

  @Test
  void responsesReadTheSameInPiecesAndReencodeToThemselves() {
    Random seeds = new Random(SEED);
    int[] at = {0};
    byte[][] current = {new byte[0]};
    assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, CASES / 50)), () -> {
      for (at[0] = 0; at[0] < CASES; at[0]++) {
        Random random = new Random(seeds.nextLong());
        byte[] input = mutate(RESPONSES[random.nextInt(RESPONSES.length)], random);
        boolean toHead = random.nextInt(8) == 0;
        current[0] = input;
        try {
          checkResponse(input, toHead, random);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(replay(at[0], input) + (toHead ? " (answer to a HEAD)" : ""), e);
        }
      }
    }, () -> "no answer in time: " + replay(at[0], current[0]));
  }

  private static String replay(int at, byte[] input) {
    return "seed " + SEED + " (-Dhttp1.fuzz.seed=" + SEED + "), case " + at + ", input "
        + new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }

  private static byte[] mutate(String seed, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = seed.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(bytes);
    for (int n = random.nextInt(4); n > 0; n--) {
      bytes = out.toByteArray();
      out.reset();
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(5)) {
        case 0 -> { // a byte replaced
          out.write(bytes, 0, at);
          out.write(random.nextBoolean() ? INSERTED[random.nextInt(INSERTED.length)] : random.nextInt(256));
          out.write(bytes, at + 1, bytes.length - at - 1);
        }
        case 1 -> { // a byte inserted
          out.write(bytes, 0, at);
          out.write(INSERTED[random.nextInt(INSERTED.length)]);
          out.write(bytes, at, bytes.length - at);
        }
        case 2 -> { // a byte dropped
          out.write(bytes, 0, at);
          out.write(bytes, at + 1, bytes.length - at - 1);
        }
        default -> { // the line at a random point repeated
          int start = at;
          while (start > 0 && bytes[start - 1] != '\n') start--;
          int end = at;
          while (end < bytes.length && bytes[end] != '\n') end++;
          end = Math.min(end + 1, bytes.length);
          out.write(bytes, 0, end);
          out.write(bytes, start, end - start);
          out.write(bytes, end, bytes.length - end);
        }
      }
    }
    return out.toByteArray();
  }

  /** {@code input} cut at up to four random points. */
  private static List<byte[]> pieces(byte[] input, Random random) {
    List<byte[]> pieces = new ArrayList<>();
    int from = 0;
    for (int cuts = random.nextInt(5); cuts > 0 && from < input.length; cuts--) {
      int to = from + random.nextInt(input.length - from) + 1;
      pieces.add(java.util.Arrays.copyOfRange(input, from, to));
      from = to;
    }
    if (from < input.length) pieces.add(java.util.Arrays.copyOfRange(input, from, input.length));
    return pieces;
  }

  // Requests

  /** One request as the decoder handed it on; {@code end} null while incomplete. */
  private static final class Request {
    final RequestHead head;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] trailers;

    Request(RequestHead head) {
      this.head = head;
    }

    boolean complete() {
      return !head.hasBody() || trailers != null;
    }

    String describe() {
      StringBuilder text = new StringBuilder(head.method() + " " + head.target() + (head.http11() ? " 1.1" : " 1.0"));
      for (int i = 0; i < head.count(); i++) {
        if (!head.isFraming(i)) text.append(" | ").append(head.name(i).toLowerCase()).append(": ").append(head.value(i));
      }
      text.append(head.chunked() ? " chunked" : " length " + head.contentLength()).append(head.keepAlive() ? "" : " close")
          .append(head.expectsContinue() ? " continue" : "");
      if (head.hasBody()) text.append(" body ").append(body.toString(StandardCharsets.ISO_8859_1));
      if (trailers != null && trailers.length > 0) text.append(" trailers ").append(new String(trailers, StandardCharsets.ISO_8859_1));
      return text.toString();
    }
  }

  /** What the decoder made of {@code reads}: the requests, then the refusal if any. */
  private record Decoded(List<Request> requests, RequestDecoder.Refused refused) {
    List<String> describe() {
      List<String> all = new ArrayList<>(requests.stream().map(Request::describe).toList());
      if (refused != null) all.add("refused " + refused.violation().status() + " " + refused.violation().problem());
      return all;
    }
  }

  private static Decoded decode(List<byte[]> reads) {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(LIMITS));
    List<Request> requests = new ArrayList<>();
    RequestDecoder.Refused refused = null;
    try {
      for (byte[] read : reads) {
        channel.writeInbound(Unpooled.wrappedBuffer(read));
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
          assertThat(refused).as("nothing after a refusal").isNull();
          if (message instanceof RequestHead head) {
            if (!requests.isEmpty()) assertThat(requests.get(requests.size() - 1).complete()).as("a head after a whole request").isTrue();
            requests.add(new Request(head));
          } else if (message instanceof ByteBuf part) {
            Request last = requests.get(requests.size() - 1);
            assertThat(last.complete()).as("body before the end").isFalse();
            assertThat(part.isReadable()).as("no empty parts").isTrue();
            byte[] bytes = new byte[part.readableBytes()];
            part.readBytes(bytes);
            part.release();
            last.body.writeBytes(bytes);
          } else if (message instanceof RequestDecoder.End end) {
            Request last = requests.get(requests.size() - 1);
            assertThat(last.complete()).as("one end").isFalse();
            last.trailers = end.trailers();
          } else {
            refused = (RequestDecoder.Refused) message;
            assertThat(refused.violation().status()).isIn(400, 414, 431);
            assertThat(refused.violation().problem()).isNotBlank();
          }
        }
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    return new Decoded(requests, refused);
  }

  private static void checkRequest(byte[] input, Random random) {
    Decoded whole = decode(List.of(input));
    Decoded split = decode(pieces(input, random));
    assertThat(split.describe()).as("read in pieces").isEqualTo(whole.describe());
    for (Request request : whole.requests()) {
      if (!request.complete()) continue;
      Decoded again = decode(List.of(reencode(request)));
      assertThat(again.describe()).as("re-encoded").containsExactly(request.describe());
    }
  }

  /** The request written again from its positions, with one framing line and its body framed by it. */
  private static byte[] reencode(Request request) {
    RequestHead head = request.head;
    ByteBuf out = Unpooled.buffer();
    head.writeMethod(out);
    out.writeByte(' ').writeCharSequence(head.target(), StandardCharsets.ISO_8859_1);
    out.writeCharSequence(head.http11() ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n", StandardCharsets.US_ASCII);
    byte[] bytes = head.bytes();
    for (int i = 0; i < head.count(); i++) {
      if (head.isFraming(i)) continue;
      out.writeBytes(bytes, head.nameStart(i), head.nameEnd(i) - head.nameStart(i)).writeByte(':').writeByte(' ');
      out.writeBytes(bytes, head.valueStart(i), head.valueEnd(i) - head.valueStart(i)).writeByte('\r').writeByte('\n');
    }
    byte[] body = request.body.toByteArray();
    if (head.chunked()) {
      out.writeCharSequence("transfer-encoding: chunked\r\n\r\n", StandardCharsets.US_ASCII);
      if (body.length > 0) {
        out.writeCharSequence(Integer.toHexString(body.length) + "\r\n", StandardCharsets.US_ASCII);
        out.writeBytes(body).writeByte('\r').writeByte('\n');
      }
      out.writeCharSequence("0\r\n", StandardCharsets.US_ASCII);
      out.writeBytes(request.trailers).writeByte('\r').writeByte('\n');
    } else {
      if (head.contentLength() >= 0) {
        out.writeCharSequence("content-length: " + head.contentLength() + "\r\n", StandardCharsets.US_ASCII);
      }
      out.writeByte('\r').writeByte('\n').writeBytes(body);
    }
    byte[] encoded = new byte[out.readableBytes()];
    out.readBytes(encoded);
    return encoded;
  }

  // Responses

  /** What a listener heard of one response. */
  private static final class Heard implements ResponseReader.Listener {
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head;
    int status;
    ResponseHead.Framing framing;
    long payloadBytes;
    Boolean reusable;
    Http1Violation failure;

    @Override
    public ResponseReader.Delivery head(ResponseHead response) {
      assertThat(head).as("one final head").isNull();
      assertThat(response.status()).isBetween(200, 599);
      status = response.status();
      framing = response.framing();
      ByteBuf out = Unpooled.buffer();
      response.writeTo(out, VIA, framing == ResponseHead.Framing.CHUNKED, ResponseHead.ConnectionLine.NONE);
      head = out.toString(StandardCharsets.ISO_8859_1);
      out.release();
      return ResponseReader.Delivery.FRAMED;
    }

    @Override
    public void body(ByteBuf part, int payload) {
      assertThat(reusable).as("no body after the end").isNull();
      assertThat(failure).as("no body after a failure").isNull();
      payloadBytes += payload;
      byte[] bytes = new byte[part.readableBytes()];
      part.readBytes(bytes);
      part.release();
      body.writeBytes(bytes);
    }

    @Override
    public void end(boolean reusable) {
      assertThat(this.reusable).as("one end").isNull();
      this.reusable = reusable;
    }

    @Override
    public void failed(Http1Violation problem) {
      assertThat(failure).as("one failure").isNull();
      assertThat(reusable).as("no failure after the end").isNull();
      assertThat(problem.status()).isEqualTo(502);
      assertThat(problem.problem()).isNotBlank();
      failure = problem;
    }

    boolean complete() {
      return reusable != null;
    }

    String describe() {
      // After a failure, what came before it in the same read may have been handed on or not.
      return status + " " + framing + " " + head + (failure == null ? " payload " + payloadBytes : "")
          + " complete " + complete() + " failure " + (failure == null ? null : failure.problem());
    }
  }

  private static Heard respond(List<byte[]> reads, boolean toHead) {
    Heard heard = new Heard();
    ResponseReader reader = new ResponseReader(ByteBufAllocator.DEFAULT, LIMITS);
    reader.expect(heard, toHead);
    for (byte[] read : reads) {
      ByteBuf in = Unpooled.wrappedBuffer(read);
      reader.read(in);
      in.release();
      assertThat(in.refCnt()).as("nothing retained").isZero();
    }
    if (heard.framing == ResponseHead.Framing.UNTIL_CLOSE && heard.failure == null) {
      assertThat(reader.closed()).as("a body until close ends with it").isTrue();
    }
    reader.stop();
    return heard;
  }

  private static void checkResponse(byte[] input, boolean toHead, Random random) {
    Heard whole = respond(List.of(input), toHead);
    Heard split = respond(pieces(input, random), toHead);
    assertThat(split.describe()).as("read in pieces").isEqualTo(whole.describe());
    if (whole.failure == null) {
      assertThat(split.body.toByteArray()).as("body read in pieces").isEqualTo(whole.body.toByteArray());
    }
    if (Boolean.TRUE.equals(whole.reusable)) assertThat(split.reusable).as("reusable read in pieces").isTrue();
    if (!whole.complete()) return;
    byte[] head = whole.head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = whole.body.toByteArray();
    byte[] encoded = new byte[head.length + body.length];
    System.arraycopy(head, 0, encoded, 0, head.length);
    System.arraycopy(body, 0, encoded, head.length, body.length);
    Heard again = respond(List.of(encoded), toHead);
    assertThat(again.failure).as("re-encoded: " + HexFormat.of().formatHex(encoded)).isNull();
    assertThat(again.status).isEqualTo(whole.status);
    assertThat(again.framing).isEqualTo(whole.framing);
    assertThat(again.head).isEqualTo(whole.head.replace("1.1 fuzz\r\n", "1.1 fuzz, 1.1 fuzz\r\n"));
    assertThat(again.body.toByteArray()).as("body re-encoded").isEqualTo(body);
    assertThat(again.payloadBytes).isEqualTo(whole.payloadBytes);
  }
}
