package io.oscope.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.oscope.exchange.ServiceTokens;
import java.util.function.Consumer;

/**
 * The token exchange's part in one request ({@link TokenValidation}): the signature sent to a
 * peer, or this proxy's service token put in place of a peer's, fetched before each try and
 * renewed once if Keystone refuses it.
 */
final class ServiceTokenSwap {
  /** For the requests that are no token validation between peers: shared, it never changes. */
  static final ServiceTokenSwap NONE = new ServiceTokenSwap(TokenValidation.NONE, null);

  private final TokenValidation validation;
  private final ServiceTokens tokens;
  private String serviceToken;
  private boolean renewed;

  /** @param tokens this proxy's service tokens, or null when the exchange is off */
  ServiceTokenSwap(TokenValidation validation, ServiceTokens tokens) {
    this.validation = validation;
    this.tokens = tokens;
  }

  /** Whether each try waits for a service token first. */
  boolean swaps() {
    return validation.swapServiceToken();
  }

  /** Gets the current service token, then calls {@code then} on {@code loop}, or {@code failed}. */
  void fetch(EventExecutor loop, Runnable then, Consumer<Throwable> failed) {
    tokens.currentToken().whenComplete((token, error) -> loop.execute(() -> {
      if (error != null) {
        failed.accept(error);
      } else {
        serviceToken = token;
        then.run();
      }
    }));
  }

  /** What the exchange adds to the head sent upstream; null for most requests. */
  HeaderRules.ExchangeHeaders headers() {
    return serviceToken == null && validation.peerSignature() == null ? null
        : new HeaderRules.ExchangeHeaders(serviceToken, validation.peerSignature());
  }

  /**
   * Whether an answer of {@code status} refused the swapped token for the first time: it is then
   * forgotten, and the request is to be sent again with a fresh one.
   */
  boolean refusedOnce(int status) {
    if (status != 401 || serviceToken == null || renewed) return false;
    renewed = true;
    tokens.refused(serviceToken);
    return true;
  }
}
