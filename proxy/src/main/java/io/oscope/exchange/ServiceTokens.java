package io.oscope.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/**
 * This proxy's own service token on its local Keystone: fetched with password authentication,
 * shared by concurrent callers, kept until {@value #MARGIN_SECONDS} seconds before it expires,
 * and dropped at once when Keystone refuses it. The token is never logged.
 */
public final class ServiceTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceTokens.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MARGIN_SECONDS = 60;
  private static final int MAX_BODY = 1 << 20;

  private final ServiceCredentials credentials;
  private final HttpClient client;
  private final Clock clock;
  private final Mono<Token> token;

  private final AtomicReference<Token> latest = new AtomicReference<>();

  /** A token, when to stop using it, and whether Keystone refused it. */
  private static final class Token {
    final String value;
    final Instant refreshAt;
    volatile boolean refused;

    Token(String value, Instant refreshAt) {
      this.value = value;
      this.refreshAt = refreshAt;
    }

    boolean usable(Instant now) {
      return !refused && now.isBefore(refreshAt);
    }
  }

  public ServiceTokens(ServiceCredentials credentials, HttpClient client, Clock clock) {
    this.credentials = credentials;
    this.client = client;
    this.clock = clock;
    this.token = Mono.defer(this::fetch).cacheInvalidateIf(cached -> !cached.usable(clock.instant()));
  }

  /** The current token, fetched if there is none or it is about to expire. */
  public Mono<String> current() {
    return token.map(cached -> cached.value);
  }

  /**
   * {@link #current()} for the forwarding path, which uses no Reactor: the token, or the failure
   * to get one.
   */
  public CompletableFuture<String> currentToken() {
    return current().toFuture();
  }

  /** Marks {@code value} as refused by Keystone, so that the next call fetches a new token. */
  public void refused(String value) {
    Token cached = latest.get();
    if (cached != null && cached.value.equals(value)) cached.refused = true;
  }

  private Mono<Token> fetch() {
    byte[] body = authRequest().getBytes(StandardCharsets.UTF_8);
    return client
        .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
        .post()
        .uri(credentials.authUrl() + "/auth/tokens")
        .send(ByteBufMono.fromString(Mono.just(new String(body, StandardCharsets.UTF_8))))
        .responseSingle((response, content) -> {
          if (response.status().code() != 201 && response.status().code() != 200) {
            return Mono.error(new IllegalStateException("Keystone at " + credentials.authUrl()
                + " refused the service account " + credentials.username() + ": " + response.status()));
          }
          String value = response.responseHeaders().get("X-Subject-Token");
          if (value == null) return Mono.error(new IllegalStateException("Keystone sent no X-Subject-Token"));
          return content.asString(StandardCharsets.UTF_8).defaultIfEmpty("{}")
              .map(text -> new Token(value, refreshAt(text)));
        })
        .doOnNext(fetched -> {
          latest.set(fetched);
          LOG.info("service token for {} obtained, used until {}", credentials, fetched.refreshAt);
        });
  }

  private Instant refreshAt(String body) {
    Instant now = clock.instant();
    try {
      JsonNode expires = JSON.readTree(body.length() > MAX_BODY ? "{}" : body).path("token").path("expires_at");
      if (expires.isTextual()) {
        Instant at = Instant.parse(expires.asText()).minusSeconds(MARGIN_SECONDS);
        return at.isAfter(now) ? at : now.plusSeconds(1);
      }
    } catch (DateTimeParseException | java.io.IOException e) {
      LOG.warn("cannot read the service token's expiry ({}); using it for 5 minutes", e.getMessage());
    }
    return now.plus(Duration.ofMinutes(5));
  }

  private String authRequest() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode auth = root.putObject("auth");
    ObjectNode identity = auth.putObject("identity");
    identity.putArray("methods").add("password");
    ObjectNode user = identity.putObject("password").putObject("user");
    user.put("name", credentials.username()).put("password", credentials.password());
    user.putObject("domain").put("name", credentials.userDomainName());
    ObjectNode project = auth.putObject("scope").putObject("project");
    project.put("name", credentials.projectName());
    project.putObject("domain").put("name", credentials.projectDomainName());
    return root.toString();
  }
}
