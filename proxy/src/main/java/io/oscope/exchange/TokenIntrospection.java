package io.oscope.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Asks a Keystone who a token names, with {@code GET /v3/auth/tokens} and this proxy's service
 * token, as keystonemiddleware does: 200 is an identity with roles, 404 (and 401 naming the subject
 * token) an invalid token; a refused service token is dropped for the next call to fetch a fresh
 * one, and that call, like any other failure, is Keystone being unavailable. Neither token is ever
 * logged or put in a message.
 */
public final class TokenIntrospection implements TokenIdentities.Introspection {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A token with a large catalogue is a few hundred KiB; {@code nocatalog} keeps it small. */
  private static final int MAX_BODY = 1 << 20;

  private final ServiceTokens serviceTokens;
  private final HttpClient client;
  private final String identityUrl;
  private final Duration timeout;

  /**
   * @param identityUrl Keystone's v3 URL without a trailing '/', e.g. {@code http://127.0.0.1:5000/v3}: a
   *     {@link ServiceCredentials#authUrl()}, which is kept so
   * @param timeout how long one call may take before Keystone counts as unavailable
   */
  public TokenIntrospection(ServiceTokens serviceTokens, HttpClient client, String identityUrl, Duration timeout) {
    this.serviceTokens = serviceTokens;
    this.client = client;
    this.identityUrl = identityUrl;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<TokenIdentity> introspect(String token) {
    return serviceTokens.current()
        .flatMap(service -> ask(service, token))
        .timeout(timeout, Mono.error(() -> new IOException("Keystone at " + identityUrl + " did not answer within " + timeout)))
        .toFuture();
  }

  private Mono<TokenIdentity> ask(String service, String token) {
    return client
        .headers(headers -> headers.set("X-Auth-Token", service).set("X-Subject-Token", token))
        .get()
        .uri(identityUrl + "/auth/tokens?nocatalog")
        .responseSingle((response, content) -> {
          int status = response.status().code();
          if (status == 404) return Mono.error(new InvalidTokenException("Keystone does not know the token (404)"));
          if (status == 401) {
            // keystonemiddleware's rule: 401 means the service token was refused; the subject's
            // refusal is a 404. Drop ours, so the next call authenticates again.
            serviceTokens.refused(service);
            return Mono.error(new IOException("Keystone at " + identityUrl + " refused the service token (401)"));
          }
          if (status != 200) return Mono.error(new IOException("Keystone at " + identityUrl + " answered " + status));
          return content.asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            try {
              return Mono.just(identityOf(body));
            } catch (IOException e) {
              return Mono.error(e);
            }
          });
        });
  }

  /** The identity in a {@code GET /v3/auth/tokens} answer. */
  static TokenIdentity identityOf(byte[] body) throws IOException {
    if (body.length > MAX_BODY) throw new IOException("Keystone's token answer is larger than " + MAX_BODY + " bytes");
    JsonNode token = JSON.readTree(new String(body, StandardCharsets.UTF_8)).path("token");
    String user = token.path("user").path("id").asText(null);
    String expires = token.path("expires_at").asText(null);
    if (user == null || expires == null) throw new IOException("Keystone's token answer has no user.id or expires_at");
    Instant expiresAt;
    try {
      expiresAt = Instant.parse(expires);
    } catch (DateTimeParseException e) {
      throw new IOException("Keystone's token answer has an unreadable expires_at", e);
    }
    Set<String> roles = new HashSet<>();
    for (JsonNode role : token.path("roles")) roles.add(role.path("name").asText());
    String system = token.path("system").path("all").asBoolean(false) ? "all" : null;
    return new TokenIdentity(user, token.path("project").path("id").asText(null),
        token.path("domain").path("id").asText(null), system, strings(token.path("methods")),
        strings(token.path("audit_ids")), expiresAt, roles, TokenIdentity.Source.KEYSTONE);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) values.add(value.asText());
    return values;
  }
}
