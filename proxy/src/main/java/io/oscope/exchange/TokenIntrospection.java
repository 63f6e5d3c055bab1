package io.oscope.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.netty.handler.codec.http.HttpMethod;
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
 * Asks a Keystone who a token names, with {@code GET /v3/auth/tokens} and a service's token, as
 * keystonemiddleware does: 200 is an identity with roles, 404 an invalid token; a 401 is the
 * service token refused (dropped, so that the next call fetches a fresh one), and that call, like
 * any other failure, is Keystone being unavailable. The Keystone is this proxy's own or a peer's
 * ({@link KeystoneAccess}). Neither token is ever logged or put in a message.
 */
public final class TokenIntrospection implements TokenIdentities.Introspection {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A token with a large catalogue is a few hundred KiB; {@code nocatalog} keeps it small. */
  private static final int MAX_BODY = 1 << 20;

  private final KeystoneAccess keystone;
  private final Duration timeout;

  /**
   * The introspection of this proxy's own Keystone.
   *
   * @param identityUrl Keystone's v3 URL without a trailing '/', e.g. {@code http://127.0.0.1:5000/v3}: a
   *     {@link ServiceCredentials#authUrl()}, which is kept so
   * @param timeout how long one call may take before Keystone counts as unavailable
   */
  public TokenIntrospection(ServiceTokens serviceTokens, HttpClient client, String identityUrl, Duration timeout) {
    this(new LocalKeystone(serviceTokens, client, identityUrl), timeout);
  }

  /** The introspection of {@code keystone}, each call taking at most {@code timeout}. */
  public TokenIntrospection(KeystoneAccess keystone, Duration timeout) {
    this.keystone = keystone;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<TokenIdentity> introspect(String token) {
    return keystone.call(HttpMethod.GET, "/auth/tokens?nocatalog", token)
        .flatMap(this::ask)
        .timeout(timeout, Mono.error(() -> new IOException(keystone.describe() + " did not answer within " + timeout)))
        .toFuture();
  }

  private Mono<TokenIdentity> ask(KeystoneAccess.Call call) {
    return call.client()
        .headers(call.headers())
        .get()
        .uri(call.uri())
        .responseSingle((response, content) -> {
          int status = response.status().code();
          if (status == 404) return Mono.error(new InvalidTokenException("Keystone does not know the token (404)"));
          if (status == 401) {
            // keystonemiddleware's rule: 401 means the service token was refused; the subject's
            // refusal is a 404. Drop ours, so the next call authenticates again.
            keystone.refused(call);
            return Mono.error(new IOException(keystone.describe() + " refused the service token (401)"));
          }
          if (status != 200) return Mono.error(new IOException(keystone.describe() + " answered " + status));
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
