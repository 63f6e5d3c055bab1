package io.oscope.proxy;

import io.oscope.http1.RequestHead;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.oscope.exchange.TokenExchange;
import io.oscope.pool.Balancer;
import io.oscope.scope.ScopedToken;
import java.time.Clock;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * What every {@link Forwarding} of one proxy shares: the balancer, the upstream connections, the
 * header rules and the token exchange. Prepares a routed request's forwarding: reads what the
 * client's headers say, signs or accepts token validation calls between peers.
 */
final class Forwarder implements AutoCloseable {
  private final ProxySettings settings;
  private final HeaderRules rules;
  private final Balancer balancer;
  private final UpstreamChannels upstreams;
  private final ConnectionProvider controlConnections;
  private final TokenExchange tokenExchange;

  Forwarder(ProxySettings settings, HeaderRules rules, Balancer balancer, Transport transport, SslContext upstreamTls) {
    this.settings = settings;
    this.rules = rules;
    this.balancer = balancer;
    this.upstreams = new UpstreamChannels(transport, settings.connectTimeout(), settings.maxIdle(), upstreamTls);
    // The token exchange talks to Keystone rarely (a service token lasts hours): reactor-netty's
    // client and its own small pool are simplest there.
    this.controlConnections = ConnectionProvider.builder("oscope-control").maxConnections(8)
        .maxIdleTime(settings.maxIdle()).build();
    this.tokenExchange = settings.peerTrust() == null ? null : TokenExchange.of(settings.cloud(), settings.peerTrust(),
        HttpClient.create(controlConnections).responseTimeout(settings.responseTimeout()), Clock.systemUTC());
  }

  /** The forwarding of {@code request}, received on {@code front}, along {@code route}; not yet started. */
  Forwarding prepare(ScopeRouter router, ClientConnection client, ChannelHandlerContext front, RequestHead request,
      Route route, Exchange exchange) {
    String signature = null;
    boolean swapServiceToken = false;
    if (tokenExchange != null) {
      // A token validation call: signed when it goes to a peer, its service token swapped when a peer signed it.
      String path = ScopeRouter.pathOnly(route.pathAndQuery());
      if (TokenExchange.isValidation(request.method(), route.serviceType(), path)) {
        String subject = request.value(HeaderRules.X_SUBJECT_TOKEN);
        if (subject != null) subject = ScopedToken.tokenOf(subject); // as it goes upstream
        if (route.toPeer()) {
          signature = tokenExchange.signature(request.method(), path, subject);
        } else {
          swapServiceToken = tokenExchange.accepts(request.value(HeaderRules.X_OSCOPE_PEER), subject, request.method(),
              path);
        }
      }
    }
    return new Forwarding(this, client, front, request, route, exchange, router.table(),
        swapServiceToken || signature != null ? new Forwarding.TokenValidation(swapServiceToken, signature)
            : Forwarding.TokenValidation.NONE);
  }

  HeaderRules rules() {
    return rules;
  }

  Balancer balancer() {
    return balancer;
  }

  UpstreamChannels upstreams() {
    return upstreams;
  }

  TokenExchange tokenExchange() {
    return tokenExchange;
  }

  Duration connectTimeout() {
    return settings.connectTimeout();
  }

  Duration responseTimeout() {
    return settings.responseTimeout();
  }

  @Override
  public void close() {
    upstreams.close();
    controlConnections.disposeLater().block(Duration.ofSeconds(5));
  }
}
