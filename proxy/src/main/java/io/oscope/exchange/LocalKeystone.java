package io.oscope.exchange;

import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** This proxy's own cloud's Keystone, called with the token of its service account. */
public final class LocalKeystone implements KeystoneAccess {
  private final ServiceTokens tokens;
  private final HttpClient client;
  private final String identityUrl;

  /**
   * @param identityUrl Keystone's v3 URL without a trailing '/', e.g. {@code http://127.0.0.1:5000/v3}: a
   *     {@link ServiceCredentials#authUrl()}, which is kept so
   */
  public LocalKeystone(ServiceTokens tokens, HttpClient client, String identityUrl) {
    this.tokens = tokens;
    this.client = client;
    this.identityUrl = identityUrl;
  }

  @Override
  public Mono<Call> call(HttpMethod method, String path, String subjectToken) {
    return tokens.current().map(token -> new Call(client, identityUrl + path, headers -> {
      headers.set("X-Auth-Token", token);
      if (subjectToken != null) headers.set("X-Subject-Token", subjectToken);
    }, token));
  }

  @Override
  public void refused(Call call) {
    tokens.refused(call.serviceToken());
  }

  @Override
  public String describe() {
    return "Keystone at " + identityUrl;
  }
}
