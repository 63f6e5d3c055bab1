package io.oscope.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TokenIdentitiesTest {
  private static final Instant START = Instant.parse("2026-12-03T08:00:00Z");
  private static final String FERNET = "gAAAAABnX0Jm4Yq6-fernet-token";

  /** Caffeine's ticker and the wall clock, moved together by the test. */
  private static final class Time implements Ticker, InstantSource {
    private Duration elapsed = Duration.ZERO;

    void advance(Duration by) {
      elapsed = elapsed.plus(by);
    }

    @Override
    public long read() {
      return elapsed.toNanos();
    }

    @Override
    public Instant instant() {
      return START.plus(elapsed);
    }
  }

  /** Keystone's introspection as the test scripts it: each call waits for the test to answer it. */
  private static final class Keystone implements TokenIdentities.Introspection {
    final List<String> asked = new ArrayList<>();
    final List<CompletableFuture<TokenIdentity>> answers = new ArrayList<>();

    @Override
    public CompletableFuture<TokenIdentity> introspect(String token) {
      asked.add(token);
      CompletableFuture<TokenIdentity> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    }

    CompletableFuture<TokenIdentity> last() {
      return answers.get(answers.size() - 1);
    }
  }

  private final Time time = new Time();
  private final Keystone keystone = new Keystone();
  private final Keystones node = new Keystones();
  private final TokenIdentities.Settings settings =
      new TokenIdentities.Settings(Duration.ofSeconds(300), Duration.ofSeconds(10), 1000);
  private final TokenIdentities identities = new TokenIdentities(
      () -> JwsVerifier.of(Map.of("node.pem", node.publicPem()), Duration.ofSeconds(30)), keystone, settings,
      time, time);

  private static TokenIdentity withRoles(Instant expiresAt, String... roles) {
    return new TokenIdentity("u-1234", "p-5678", null, null, List.of("password"), List.of("aUd1t"), expiresAt,
        Set.of(roles), TokenIdentity.Source.KEYSTONE);
  }

  @Test
  void asksKeystoneOnceForRequestsThatArriveTogether() {
    CompletableFuture<TokenVerdict> first = identities.identify(FERNET, false);
    CompletableFuture<TokenVerdict> second = identities.identify(FERNET, true);
    assertThat(identities.known(FERNET, true)).isNull();

    keystone.last().complete(withRoles(START.plusSeconds(3600), "member"));

    assertThat(keystone.asked).hasSize(1);
    assertThat(first.join()).isEqualTo(second.join());
    assertThat(((TokenVerdict.Known) identities.known(FERNET, true)).identity().hasRole("member")).isTrue();
  }

  @Test
  void aRememberedVerdictIsAnsweredAsTheFutureItIsKeptIn() {
    CompletableFuture<TokenVerdict> first = identities.identify(FERNET, true);
    keystone.last().complete(withRoles(START.plusSeconds(3600), "member"));

    assertThat(identities.identify(FERNET, true)).isSameAs(first).isDone();
    assertThat(identities.identify(FERNET, false)).isSameAs(first);
    assertThat(keystone.asked).hasSize(1);
  }

  @Test
  void remembersAValidTokenForTheTtlAtMost() {
    identities.identify(FERNET, true);
    keystone.last().complete(withRoles(START.plusSeconds(3600), "member"));

    time.advance(Duration.ofSeconds(299));
    assertThat(identities.known(FERNET, true)).isInstanceOf(TokenVerdict.Known.class);
    time.advance(Duration.ofSeconds(1));
    assertThat(identities.known(FERNET, true)).isNull();

    identities.identify(FERNET, true);
    assertThat(keystone.asked).hasSize(2);
  }

  @Test
  void forgetsATokenWhenItExpiresBeforeTheTtl() {
    identities.identify(FERNET, true);
    keystone.last().complete(withRoles(START.plusSeconds(40), "member"));

    time.advance(Duration.ofSeconds(39));
    assertThat(identities.known(FERNET, true)).isInstanceOf(TokenVerdict.Known.class);
    time.advance(Duration.ofSeconds(1));
    assertThat(identities.known(FERNET, true)).isNull();
  }

  @Test
  void remembersARefusedTokenBriefly() {
    CompletableFuture<TokenVerdict> verdict = identities.identify(FERNET, true);
    keystone.last().completeExceptionally(new InvalidTokenException("Keystone answered 404: token not found"));

    assertThat(verdict.join()).isEqualTo(new TokenVerdict.Invalid("Keystone answered 404: token not found"));
    identities.identify(FERNET, true);
    assertThat(keystone.asked).hasSize(1);

    time.advance(Duration.ofSeconds(10));
    identities.identify(FERNET, true);
    assertThat(keystone.asked).hasSize(2);
  }

  @Test
  void doesNotRememberAFailureToAsk() {
    CompletableFuture<TokenVerdict> verdict = identities.identify(FERNET, true);
    keystone.last().completeExceptionally(new IOException("connection refused"));

    assertThat(verdict.join()).isEqualTo(new TokenVerdict.Unavailable("connection refused"));
    assertThat(identities.known(FERNET, true)).isNull();
    identities.identify(FERNET, true);
    assertThat(keystone.asked).hasSize(2);
  }

  @Test
  void keepsServingWhatIsRememberedWhileKeystoneCannotBeReached() {
    identities.identify(FERNET, true);
    keystone.last().complete(withRoles(START.plusSeconds(3600), "member"));
    CompletableFuture<TokenVerdict> other = identities.identify("gAAAAAB-another-token", true);
    keystone.last().completeExceptionally(new IOException("connection refused"));

    assertThat(identities.identify(FERNET, true).join()).isInstanceOf(TokenVerdict.Known.class);
    assertThat(other.join()).isInstanceOf(TokenVerdict.Unavailable.class);
    assertThat(keystone.asked).hasSize(2);
  }

  @Test
  void verifiesAJwsTokenOfflineWhenNoRoleIsNeeded() {
    String jws = node.sign(Keystones.projectToken(START, START.plusSeconds(3600)).build());

    TokenVerdict verdict = identities.identify(jws, false).join();

    assertThat(((TokenVerdict.Known) verdict).identity().projectId()).isEqualTo("p-5678");
    assertThat(identities.known(jws, false)).isEqualTo(verdict);
    assertThat(keystone.asked).isEmpty();
  }

  @Test
  void remembersThatAJwsTokenIsInvalidWithoutAskingKeystone() {
    String forged = new Keystones().sign(Keystones.projectToken(START, START.plusSeconds(3600)).build());

    assertThat(identities.identify(forged, false).join())
        .isEqualTo(new TokenVerdict.Invalid("JWS signature matches none of the public keys"));
    assertThat(keystone.asked).isEmpty();
  }

  @Test
  void asksKeystoneForTheRolesOfAJwsToken() {
    String jws = node.sign(Keystones.projectToken(START, START.plusSeconds(3600)).build());

    CompletableFuture<TokenVerdict> verdict = identities.identify(jws, true);
    keystone.last().complete(withRoles(START.plusSeconds(3600), "admin"));

    assertThat(keystone.asked).containsExactly(jws);
    assertThat(((TokenVerdict.Known) verdict.join()).identity().hasRole("admin")).isTrue();
  }

  @Test
  void refusesSettingsBeyondKeystonemiddlewaresLongestTtl() {
    assertThatThrownBy(() -> new TokenIdentities.Settings(Duration.ofSeconds(301), Duration.ofSeconds(10), 10))
        .hasMessageContaining("0..300 s");
    assertThatThrownBy(() -> new TokenIdentities.Settings(Duration.ofSeconds(60), Duration.ofSeconds(61), 10))
        .hasMessageContaining("invalid-token TTL");
  }
}
