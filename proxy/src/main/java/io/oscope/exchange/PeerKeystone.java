package io.oscope.exchange;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A peer cloud's Keystone, which this proxy has no account on, asked through that cloud's proxy:
 * each call is signed ({@link PeerSignature}, as the token exchange signs validations) and sent
 * without a token of ours; the peer's proxy, seeing the signature, puts a token of its own service
 * account on it ({@link TokenExchange#accepts}). Only the calls {@link TokenExchange#kindOf} names
 * are accepted there: token validations and the read of one project.
 *
 * <p>Where the peer is comes from the route table of the moment: its identity URL (whose authority
 * and path the peer's proxy routes by) and its proxies, taken in turn, so that a failing one is not
 * asked again and again while another can answer.
 */
public final class PeerKeystone implements KeystoneAccess {
  private final String ownCloud;
  private final String peerCloud;
  private final PeerSignature signature;
  private final Supplier<RouteTable> table;
  private final HttpClient http;
  private final Supplier<HttpClient> https;
  private final AtomicInteger turn = new AtomicInteger();

  /**
   * @param ownCloud this proxy's cloud, which signs
   * @param peerCloud the cloud whose Keystone is asked
   * @param table the route table of the moment
   * @param http the client for proxies that speak HTTP; {@code https} gives the one for those that speak HTTPS
   */
  public PeerKeystone(String ownCloud, String peerCloud, PeerSignature signature, Supplier<RouteTable> table,
      HttpClient http, Supplier<HttpClient> https) {
    this.ownCloud = ownCloud;
    this.peerCloud = peerCloud;
    this.signature = signature;
    this.table = table;
    this.http = http;
    this.https = https;
  }

  @Override
  public Mono<Call> call(HttpMethod method, String path, String subjectToken) {
    return Mono.defer(() -> {
      RouteTable routes = table.get();
      ServiceUrl identity = routes.identityOf(peerCloud);
      Pool proxies = routes.frontendOf(peerCloud);
      if (identity == null || proxies == null) {
        return Mono.error(new IOException("the route table has no identity service or proxy for " + peerCloud));
      }
      String pathAndQuery = ServiceCredentials.identityV3(identity.path()) + path;
      int query = pathAndQuery.indexOf('?');
      String signed = signature.sign(ownCloud, method.name(), query < 0 ? pathAndQuery : pathAndQuery.substring(0, query),
          subjectToken == null ? "" : subjectToken);
      HostPort proxy = proxies.addresses().get(Math.floorMod(turn.getAndIncrement(), proxies.addresses().size()));
      String host = identity.address().toString();
      return Mono.just(new Call(proxies.tls() ? https.get() : http, proxies.scheme() + "://" + proxy + pathAndQuery,
          headers -> {
            headers.set("Host", host);
            headers.set(PeerSignature.HEADER, signed);
            if (subjectToken != null) headers.set("X-Subject-Token", subjectToken);
          }, null));
    });
  }

  @Override
  public void refused(Call call) {
    // The peer's proxy swaps in its token: nothing of ours to forget.
  }

  @Override
  public String describe() {
    return peerCloud + "'s Keystone through its proxy";
  }
}
