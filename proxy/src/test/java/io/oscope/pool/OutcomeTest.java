package io.oscope.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.oscope.http1.Http1Violation;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which failures judge the address, and which say nothing about it. */
class OutcomeTest {

  @Test
  void aRefusedConnectionIsTheAddresses() throws Exception {
    ConnectException refused = null;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", FreePorts.next()));
    } catch (ConnectException e) {
      refused = e;
    }
    assertThat(refused).as("connecting to a closed port failed").isNotNull();

    assertThat(Outcome.of(refused)).isInstanceOf(Outcome.AddressFailure.class)
        .extracting(outcome -> ((Outcome.AddressFailure) outcome).problem()).asString().contains("refused");
  }

  @Test
  void resetsTimeoutsGarbageAndTlsAreTheAddresses() {
    assertThat(Outcome.of(new SocketException("Connection reset by peer"))).isEqualTo(new Outcome.AddressFailure("Connection reset by peer"));
    assertThat(Outcome.of(new ConnectTimeoutException("connection timed out: /10.0.0.1:9292"))).isInstanceOf(Outcome.AddressFailure.class);
    assertThat(Outcome.of(ReadTimeoutException.INSTANCE)).isInstanceOf(Outcome.AddressFailure.class);
    assertThat(Outcome.of(new TimeoutException("Did not observe any item"))).isInstanceOf(Outcome.AddressFailure.class);
    assertThat(Outcome.of(new IOException("invalid response: no status line"))).isEqualTo(new Outcome.AddressFailure("invalid response: no status line"));
    assertThat(Outcome.of(new DecoderException(new SSLHandshakeException("PKIX path building failed"))))
        .isEqualTo(new Outcome.AddressFailure("TLS failed: PKIX path building failed"));
    assertThat(Outcome.of(new UnknownHostException("glance.cloudtwo"))).isInstanceOf(Outcome.AddressFailure.class);
    assertThat(Outcome.of(new Http1Violation(502, "a folded header line")))
        .isEqualTo(new Outcome.AddressFailure("invalid response: a folded header line"));
    assertThat(Outcome.silent(Duration.ofSeconds(60))).isEqualTo(new Outcome.AddressFailure("no answer within 60000 ms"));
  }

  @Test
  void failuresOfThisHostSayNothingAboutTheAddress() {
    // NIO's and epoll's words for EMFILE and ENFILE, as Netty wraps them when a socket cannot be made.
    assertThat(Outcome.of(new ChannelException("Failed to open a socket.", new SocketException("Too many open files"))))
        .isEqualTo(Outcome.NOTHING_LEARNED);
    assertThat(Outcome.of(new IOException("newSocketStream(..) failed: Too many open files in system")))
        .isEqualTo(Outcome.NOTHING_LEARNED);
    assertThat(Outcome.of(new ConnectException("connect(..) failed: Cannot assign requested address"))).isEqualTo(Outcome.NOTHING_LEARNED);
    assertThat(Outcome.of(new IOException("writev(..) failed: No buffer space available"))).isEqualTo(Outcome.NOTHING_LEARNED);
    assertThat(Outcome.of(new OutOfMemoryError("Direct buffer memory"))).isEqualTo(Outcome.NOTHING_LEARNED);
    // A request oscope refused is its client's fault; a bug of oscope's is no upstream's either.
    assertThat(Outcome.of(new Http1Violation(400, "both Content-Length and Transfer-Encoding"))).isEqualTo(Outcome.NOTHING_LEARNED);
    assertThat(Outcome.of(new IllegalStateException("oops"))).isEqualTo(Outcome.NOTHING_LEARNED);
    // A local cause wins over what wraps it.
    assertThat(Outcome.of(new IOException("connect failed", new SocketException("Too many open files")))).isEqualTo(Outcome.NOTHING_LEARNED);
  }

  @Test
  void onlyAnAddressFailureCountsTowardFall() {
    Balancer balancer = new Balancer(new PoolSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 2, null, 399, 2, null));
    Member member = balancer.member(new io.oscope.routes.HostPort("127.0.0.1", 9292));

    for (int i = 0; i < 10; i++) {
      balancer.begin(member);
      balancer.end(member, Outcome.NOTHING_LEARNED);
    }
    balancer.begin(member);
    balancer.end(member, new Outcome.AddressFailure("Connection reset by peer"));
    balancer.begin(member);
    balancer.end(member, Outcome.ANSWERED); // an answer, whatever its status, breaks the run of failures
    balancer.begin(member);
    balancer.end(member, new Outcome.AddressFailure("Connection reset by peer"));
    assertThat(member.isUp()).isTrue();
    balancer.begin(member);
    balancer.end(member, Outcome.NOTHING_LEARNED); // neither breaks the run nor adds to it
    balancer.begin(member);
    balancer.end(member, new Outcome.AddressFailure("Connection reset by peer"));

    assertThat(member.isUp()).isFalse();
    assertThat(member.outstanding()).isZero();
    assertThat(member.lastProblem()).isEqualTo("Connection reset by peer");
  }
}
