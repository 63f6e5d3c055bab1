package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.http1.Http1Violation;
import io.oscope.proxy.RetryPolicy.Decision;
import io.oscope.proxy.RetryPolicy.Failure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void failuresAreClassifiedByWhatTheUpstreamCouldHaveSeen() {
    assertThat(Failure.of(new ConnectException("Connection refused"), 0, false)).isEqualTo(Failure.CONNECT);
    assertThat(Failure.of(new ConnectTimeoutException("timed out"), 0, false)).isEqualTo(Failure.CONNECT);
    assertThat(Failure.of(new SocketException("Too many open files"), 0, false)).isEqualTo(Failure.LOCAL);
    assertThat(Failure.of(new ErrorMapper.ClosedBeforeResponse(), 0, false)).isEqualTo(Failure.CLOSED_EARLY);
    assertThat(Failure.of(new ErrorMapper.ClosedBeforeResponse(), 0, true)).isEqualTo(Failure.CLOSED_STALE);
    assertThat(Failure.of(new IOException("Connection reset by peer"), 12, true)).isEqualTo(Failure.CLOSED_MID_RESPONSE);
    assertThat(Failure.of(new Http1Violation(502, "not an HTTP/1.x status line"), 20, false))
        .isEqualTo(Failure.INVALID_RESPONSE);
    assertThat(Failure.of(new IOException(new SSLHandshakeException("bad certificate")), 0, false)).isEqualTo(Failure.TLS);
    assertThat(Failure.of(new IllegalStateException("a bug"), 0, false)).isEqualTo(Failure.OTHER);
  }

  @Test
  void onlyFailuresOfTheAddressCountAgainstIt() {
    assertThat(Failure.CONNECT.addressFailure()).isTrue();
    assertThat(Failure.CLOSED_EARLY.addressFailure()).isTrue();
    assertThat(Failure.CLOSED_MID_RESPONSE.addressFailure()).isTrue();
    assertThat(Failure.INVALID_RESPONSE.addressFailure()).isTrue();
    assertThat(Failure.TIMEOUT.addressFailure()).isTrue();
    assertThat(Failure.LOCAL.addressFailure()).as("EMFILE is this machine's").isFalse();
    assertThat(Failure.LIMIT.addressFailure()).as("the limit is this proxy's").isFalse();
    assertThat(Failure.CLOSED_STALE.addressFailure()).as("servers close idle connections").isFalse();
    assertThat(Failure.OTHER.addressFailure()).isFalse();
  }

  @Test
  void nothingSentIsRetriedForAnyMethod() {
    assertThat(RetryPolicy.decide(Failure.CONNECT, HttpMethod.POST, true, 1, 2, false)).isEqualTo(Decision.RETRY);
    assertThat(RetryPolicy.decide(Failure.LIMIT, HttpMethod.POST, true, 1, 2, false)).isEqualTo(Decision.RETRY);
  }

  @Test
  void anAnswerOfAnyKindIsNeverSentAgain() {
    for (Failure received : new Failure[] {Failure.INVALID_RESPONSE, Failure.CLOSED_MID_RESPONSE, Failure.TIMEOUT}) {
      for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.DELETE, HttpMethod.POST}) {
        assertThat(RetryPolicy.decide(received, method, false, 1, 2, false)).as(received + " " + method)
            .isEqualTo(Decision.GIVE_UP);
      }
    }
    assertThat(RetryPolicy.decide(Failure.TLS, HttpMethod.GET, false, 1, 2, false)).isEqualTo(Decision.GIVE_UP);
    assertThat(RetryPolicy.decide(Failure.LOCAL, HttpMethod.GET, false, 1, 2, false)).isEqualTo(Decision.GIVE_UP);
  }

  @Test
  void aCloseBeforeAnyByteIsRetriedForIdempotentRequestsWithoutABody() {
    assertThat(RetryPolicy.decide(Failure.CLOSED_STALE, HttpMethod.GET, false, 1, 2, false)).isEqualTo(Decision.RETRY_ANY);
    assertThat(RetryPolicy.decide(Failure.CLOSED_EARLY, HttpMethod.DELETE, false, 1, 2, false)).isEqualTo(Decision.RETRY_ANY);
    assertThat(RetryPolicy.decide(Failure.CLOSED_STALE, HttpMethod.GET, false, 1, 2, true))
        .as("the address counts once a stale connection was retried").isEqualTo(Decision.RETRY);
    assertThat(RetryPolicy.decide(Failure.CLOSED_STALE, HttpMethod.POST, false, 1, 2, false)).isEqualTo(Decision.GIVE_UP);
    assertThat(RetryPolicy.decide(Failure.CLOSED_STALE, HttpMethod.PUT, true, 1, 2, false)).isEqualTo(Decision.GIVE_UP);
  }

  @Test
  void triesStopAtTheRetriesAllowed() {
    assertThat(RetryPolicy.decide(Failure.CONNECT, HttpMethod.GET, false, 3, 2, false)).isEqualTo(Decision.GIVE_UP);
    assertThat(RetryPolicy.decide(Failure.CONNECT, HttpMethod.GET, false, 2, 2, false)).isEqualTo(Decision.RETRY);
    assertThat(RetryPolicy.decide(Failure.CONNECT, HttpMethod.GET, false, 1, 0, false)).isEqualTo(Decision.GIVE_UP);
  }
}
