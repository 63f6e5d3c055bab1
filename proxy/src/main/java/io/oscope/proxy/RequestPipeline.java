package io.oscope.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.exchange.TokenExchange;
import io.oscope.fanout.MarkerKey;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestHead;
import io.oscope.scope.ScopedToken;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's way through the proxy, in three steps: {@link #resolve} its route (loop, method,
 * target, scope), {@link #tokenHandling decide} what the token exchange does to it, then
 * start its {@link Forwarding}, or its {@link FanOutExchange} for a scope with {@code &}. The first two are pure; a failure is a {@link ProxyException} naming the
 * {@link ProxyError}, which the client connection answers.
 */
final class RequestPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
  private final ProxyContext context;
  /** Signs the composite markers of {@code &} lists. */
  private final MarkerKey markerKey;

  RequestPipeline(ProxyContext context) {
    this.context = context;
    this.markerKey = markerKeyOf(context.settings());
  }

  /** {@code --fan-out-marker-key-file}'s key, else one derived from the peer secret, else one of this instance. */
  private static MarkerKey markerKeyOf(ProxySettings settings) {
    if (settings.fanOut().markerKey() != null) return settings.fanOut().markerKey();
    if (settings.peerTrust() != null) return MarkerKey.derivedFrom(settings.peerTrust().secret());
    LOG.info("markers of '&' lists are signed with a key of this instance alone: another instance behind the same"
        + " load balancer refuses them; --fan-out-marker-key-file (or --peer-secret-file) gives them one key");
    return MarkerKey.random();
  }

  /**
   * The forwarding of {@code request}, its route decided with {@code router}'s table; the caller
   * starts it, the last step.
   */
  Exchange prepare(ScopeRouter router, ClientConnection client, ChannelHandlerContext front, RequestHead request,
      RequestRecord record) {
    Route route = resolve(router, request);
    if (!route.passThrough()) {
      record.service = route.serviceType();
      record.cloud = route.cloud();
      if (record.spans != null) record.spans.routed(route.serviceType(), route.cloud());
    }
    if (route.fansOut()) {
      List<List<Route>> operands = new ArrayList<>(route.fanOut().size());
      for (Route operand : route.fanOut()) {
        List<Route> tries = new ArrayList<>(1 + operand.fallbacks().size());
        tries.add(operand);
        tries.addAll(operand.fallbacks());
        operands.add(tries);
      }
      record.cloud = route.cloud().replace(" ", ""); // one field of the access line: CloudOne&CloudTwo
      return new FanOutExchange(context, client, front, request, route.serviceType(), operands, record,
          router, markerKey);
    }
    return new Forwarding(context, client, front, request, route, record, router,
        tokenHandling(request, route));
  }

  /** Where {@code request} goes, or a {@link ProxyException} saying why it goes nowhere. */
  Route resolve(ScopeRouter router, RequestHead request) {
    if (context.rules().isLoop(request)) throw new ProxyException(new ProxyError.Loop(context.settings().viaName()));
    if (request.method().equals(HttpMethod.CONNECT)) {
      throw new ProxyException(new ProxyError.ConnectNotAllowed(request.target()));
    }
    RequestTarget target = RequestTarget.of(request.target(), request.value(HeaderNames.HOST));
    if (target == null) throw new ProxyException(new ProxyError.NoService("(no Host)", request.target()));
    return router.route(target, request);
  }

  /**
   * What the token exchange does to a call of its own between peers: signs a token validation
   * when it goes to a peer; swaps the service token of a validation or a project read a peer
   * signed; nothing for any other request. A project read is never signed here: only a peer's
   * tenant layer signs one ({@link io.oscope.exchange.PeerKeystone}), so no client can have its own
   * read signed on the way.
   */
  TokenValidation tokenHandling(RequestHead request, Route route) {
    TokenExchange exchange = context.tokenExchange();
    if (exchange == null) return TokenValidation.NONE;
    String path = ScopeRouter.pathOnly(route.pathAndQuery());
    TokenExchange.PeerCall kind = TokenExchange.kindOf(request.method(), route.serviceType(), path);
    if (kind == TokenExchange.PeerCall.NONE) return TokenValidation.NONE;
    String subject = "";
    if (kind == TokenExchange.PeerCall.VALIDATION) {
      subject = request.value(HeaderRules.X_SUBJECT_TOKEN);
      if (subject != null) subject = ScopedToken.tokenOf(subject); // as it goes upstream
    }
    if (route.toPeer()) {
      String signature = kind == TokenExchange.PeerCall.VALIDATION ? exchange.signature(request.method(), path, subject) : null;
      return signature == null ? TokenValidation.NONE : new TokenValidation(false, signature);
    }
    boolean swap = exchange.accepts(request.value(HeaderRules.X_OSCOPE_PEER), subject, request.method(), path);
    return swap ? new TokenValidation(true, null) : TokenValidation.NONE;
  }
}
