package io.oscope.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.oscope.token.TokenVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** Introspection against a Keystone stand-in on loopback that answers as Keystone's API does. */
class TokenIntrospectionTest {
  private static final String USER_TOKEN = "gAAAAAB-user-token";
  /** Keystone's answer to GET /v3/auth/tokens?nocatalog for a project-scoped password token. */
  private static final String ANSWER = """
      {"token": {"methods": ["password"], "user": {"domain": {"id": "default", "name": "Default"},
        "id": "a2b6c0e1", "name": "demo", "password_expires_at": null},
        "audit_ids": ["k8Hc3kBJT0WvD0sOqDy0Lg"], "expires_at": "2099-12-03T09:00:00.000000Z",
        "issued_at": "2026-12-03T08:00:00.000000Z",
        "project": {"domain": {"id": "default", "name": "Default"}, "id": "7d5ab2f4", "name": "demo"},
        "is_domain": false, "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}]}}
      """;

  private final AtomicInteger serviceLogins = new AtomicInteger();
  private final AtomicInteger validations = new AtomicInteger();
  private final List<String> seenWith = new CopyOnWriteArrayList<>();
  /** What the next validations answer: a status, then the body; held until the test releases it. */
  private volatile int status = 200;
  private volatile Sinks.One<String> hold;
  private DisposableServer keystone;

  private void startKeystone() {
    keystone = HttpServer.create().host("127.0.0.1").port(0)
        .route(routes -> routes
            .post("/v3/auth/tokens", (request, response) -> request.receive().then(Mono.defer(() ->
                Mono.from(response.status(201).header("X-Subject-Token", "svc-" + serviceLogins.incrementAndGet())
                    .sendString(Mono.just("{\"token\": {\"expires_at\": \"2099-01-01T00:00:00Z\"}}"))))))
            .get("/v3/auth/tokens", (request, response) -> {
              validations.incrementAndGet();
              seenWith.add(request.requestHeaders().get("X-Auth-Token"));
              if (!USER_TOKEN.equals(request.requestHeaders().get("X-Subject-Token"))
                  || !request.uri().endsWith("?nocatalog")) {
                return response.status(400).send();
              }
              Mono<String> body = hold == null ? Mono.just(ANSWER) : hold.asMono();
              return response.status(status).sendString(body.map(text -> status == 200 ? text : "{\"error\": {}}"));
            }))
        .bindNow();
  }

  private TokenIntrospection introspection(String identityUrl) {
    ServiceCredentials account = new ServiceCredentials(identityUrl, "oscope", "pw", "service", "Default", "Default");
    return new TokenIntrospection(new ServiceTokens(account, HttpClient.create(), Clock.systemUTC()), HttpClient.create(),
        account.authUrl(), Duration.ofSeconds(30));
  }

  private TokenIdentities identities(TokenIntrospection introspection) {
    return new TokenIdentities(() -> null, introspection, TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(),
        InstantSource.system());
  }

  @AfterEach
  void stop() {
    if (keystone != null) keystone.disposeNow();
  }

  @Test
  void readsWhoTheTokenNamesAndItsRoles() {
    startKeystone();

    TokenIdentity who = introspection("http://127.0.0.1:" + keystone.port() + "/v3").introspect(USER_TOKEN).join();

    assertThat(who.userId()).isEqualTo("a2b6c0e1");
    assertThat(who.projectId()).isEqualTo("7d5ab2f4");
    assertThat(who.roles()).containsExactlyInAnyOrder("member", "reader");
    assertThat(who.auditIds()).containsExactly("k8Hc3kBJT0WvD0sOqDy0Lg");
    assertThat(who.expiresAt()).hasToString("2099-12-03T09:00:00Z");
    assertThat(seenWith).containsExactly("svc-1");
  }

  @Test
  void anAuthUrlWithATrailingSlashIsTrimmedOnceByTheCredentials() {
    startKeystone();
    String url = "http://127.0.0.1:" + keystone.port() + "/v3/";

    assertThat(new ServiceCredentials(url, "oscope", "pw", "service", "Default", "Default").authUrl()).endsWith("/v3");
    assertThat(introspection(url).introspect(USER_TOKEN).join().userId()).isEqualTo("a2b6c0e1");
  }

  @Test
  void asksOnceForManyRequestsThatCarryTheSameToken() {
    startKeystone();
    hold = Sinks.one();
    TokenIdentities identities = identities(introspection("http://127.0.0.1:" + keystone.port() + "/v3"));

    List<CompletableFuture<TokenVerdict>> verdicts =
        List.of(identities.identify(USER_TOKEN, true), identities.identify(USER_TOKEN, true),
            identities.identify(USER_TOKEN, false));
    hold.tryEmitValue(ANSWER);

    for (CompletableFuture<TokenVerdict> verdict : verdicts) assertThat(verdict.join()).isInstanceOf(TokenVerdict.Known.class);
    assertThat(validations).hasValue(1);
  }

  @Test
  void aTokenKeystoneDoesNotKnowIsInvalid() {
    startKeystone();
    status = 404;

    TokenVerdict verdict = identities(introspection("http://127.0.0.1:" + keystone.port() + "/v3"))
        .identify(USER_TOKEN, true).join();

    assertThat(verdict).isEqualTo(new TokenVerdict.Invalid("Keystone does not know the token (404)"));
  }

  @Test
  void aRefusedServiceTokenIsReplacedOnTheNextCall() {
    startKeystone();
    status = 401;
    TokenIdentities identities = identities(introspection("http://127.0.0.1:" + keystone.port() + "/v3"));

    TokenVerdict refused = identities.identify(USER_TOKEN, true).join();
    status = 200;
    TokenVerdict answered = identities.identify(USER_TOKEN, true).join();

    assertThat(refused).isInstanceOf(TokenVerdict.Unavailable.class);
    assertThat(((TokenVerdict.Unavailable) refused).reason()).contains("refused the service token");
    assertThat(answered).isInstanceOf(TokenVerdict.Known.class);
    assertThat(seenWith).containsExactly("svc-1", "svc-2");
  }

  @Test
  void aKeystoneErrorOrNoKeystoneIsUnavailableNotInvalid() {
    startKeystone();
    status = 503;
    TokenVerdict failing = identities(introspection("http://127.0.0.1:" + keystone.port() + "/v3"))
        .identify(USER_TOKEN, true).join();
    int port = keystone.port();
    keystone.disposeNow();
    keystone = null;
    TokenVerdict gone = identities(introspection("http://127.0.0.1:" + port + "/v3")).identify(USER_TOKEN, true).join();

    assertThat(failing).isEqualTo(new TokenVerdict.Unavailable("Keystone at http://127.0.0.1:" + port + "/v3 answered 503"));
    assertThat(gone).isInstanceOf(TokenVerdict.Unavailable.class);
    assertThat(((TokenVerdict.Unavailable) gone).reason()).doesNotContain(USER_TOKEN);
  }

  @Test
  void refusesAnAnswerWithoutUserOrExpiry() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        TokenIntrospection.identityOf("{\"token\": {\"user\": {}}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("no user.id or expires_at");
  }
}
