package io.oscope.exchange;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * How this proxy calls one cloud's Keystone with a service's authority: its own cloud's directly,
 * with its service account's token ({@link LocalKeystone}); a peer cloud's through that cloud's
 * proxy, which puts a token of its own service account on the calls a peer signed ({@link
 * PeerKeystone}).
 */
public interface KeystoneAccess {
  /**
   * One call, ready to send.
   *
   * @param client the client to send it with (its address and TLS set)
   * @param uri the URI to ask for
   * @param headers what sets the call's headers
   * @param serviceToken the token the call authenticates with, told back to {@link #refused}; null
   *     when the peer's proxy provides it
   */
  record Call(HttpClient client, String uri, Consumer<HttpHeaders> headers, String serviceToken) {}

  /**
   * The call of {@code method} on {@code path} (relative to Keystone's v3 URL, with its query),
   * about {@code subjectToken} (sent as {@code X-Subject-Token}) or about no token if null.
   */
  Mono<Call> call(HttpMethod method, String path, String subjectToken);

  /** Keystone refused the service token of {@code call} (401): the next call gets a fresh one. */
  void refused(Call call);

  /** Which Keystone this is, for messages: never a token. */
  String describe();
}
