package io.oscope.exchange;

import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Cross-cloud token validation without patching services. A service of cloud B validates a user
 * token of cloud A with {@code GET /v3/auth/tokens}, its own B service token in
 * {@code X-Auth-Token}. The scope routes that call to A's Keystone, which does not know B's token.
 * So B's proxy signs the call ({@link PeerSignature}), and A's proxy, seeing a valid signature,
 * replaces B's service token with a token of its own service account on A's Keystone. Nothing else
 * is rewritten, and calls without a valid signature pass untouched.
 *
 * <p>B's tenant layer asks A's Keystone the same way ({@link PeerKeystone}): who a token of A names,
 * and the state of one of A's projects. That read is signed by B's tenant layer alone, never on the
 * forwarding path, so that no client can have B's proxy sign it.
 */
public final class TokenExchange implements AutoCloseable {
  private static final String AUTH_TOKENS = "/auth/tokens";
  private static final String PROJECTS = "/projects/";
  private static final String V3 = "/v3";

  private final String cloud;
  private final PeerSignature signature;
  private final ServiceTokens tokens;
  /** The connections to Keystone this exchange made for itself, or null. */
  private final ConnectionProvider connections;

  private TokenExchange(String cloud, PeerSignature signature, ServiceTokens tokens, ConnectionProvider connections) {
    this.cloud = cloud;
    this.signature = signature;
    this.tokens = tokens;
    this.connections = connections;
  }

  /**
   * The exchange of the proxy of {@code cloud}, with connections of its own to Keystone, which it
   * calls rarely (a service token lasts hours): reactor-netty's client and a small pool, apart from
   * the forwarding path.
   */
  public static TokenExchange start(String cloud, PeerTrust trust, Duration maxIdle, Duration responseTimeout) {
    ConnectionProvider connections = ConnectionProvider.builder("oscope-keystone").maxConnections(8)
        .maxIdleTime(maxIdle).build();
    HttpClient client = HttpClient.create(connections).responseTimeout(responseTimeout);
    Clock clock = Clock.systemUTC();
    ServiceTokens tokens = trust.credentials() == null ? null : new ServiceTokens(trust.credentials(), client, clock);
    return new TokenExchange(cloud, PeerSignature.of(trust.secret(), clock), tokens, connections);
  }

  /** The exchange of the proxy of {@code cloud}; {@code client} fetches its service token. */
  public static TokenExchange of(String cloud, PeerTrust trust, HttpClient client, Clock clock) {
    ServiceTokens tokens = trust.credentials() == null ? null : new ServiceTokens(trust.credentials(), client, clock);
    return new TokenExchange(cloud, PeerSignature.of(trust.secret(), clock), tokens, null);
  }

  /** What a call is to the exchange. */
  public enum PeerCall {
    /** None of its business. */
    NONE,
    /** A token validation, {@code GET} or {@code HEAD} on identity's {@code …/auth/tokens}: signed on its way to a peer. */
    VALIDATION,
    /** The read of one project, {@code GET …/v3/projects/{id}}: a peer's tenant layer asking; signed by it alone. */
    PROJECT_READ
  }

  /** What a call of {@code method} on {@code serviceType}'s {@code path} (no query) is to the exchange. */
  public static PeerCall kindOf(HttpMethod method, String serviceType, String path) {
    if (!"identity".equals(serviceType)) return PeerCall.NONE;
    boolean get = method.equals(HttpMethod.GET);
    if ((get || method.equals(HttpMethod.HEAD)) && path.endsWith(AUTH_TOKENS)) return PeerCall.VALIDATION;
    // Exactly …/v3/projects/{id}: not a list, not a project's sub-resource (tags, users' roles).
    int projects = path.lastIndexOf(PROJECTS);
    int id = projects + PROJECTS.length();
    boolean oneProject = projects >= V3.length() && path.startsWith(V3, projects - V3.length())
        && id < path.length() && path.indexOf('/', id) < 0;
    return get && oneProject ? PeerCall.PROJECT_READ : PeerCall.NONE;
  }

  /**
   * The signature ({@link PeerSignature#HEADER}'s value) of a validation call about to be sent to a
   * peer, about {@code subjectToken} (as sent upstream, without scope); null without one.
   */
  public String signature(HttpMethod method, String path, String subjectToken) {
    return subjectToken == null ? null : signature.sign(cloud, method.name(), path, subjectToken);
  }

  /**
   * Whether this proxy should swap the service token of a call of the exchange it received: it has a
   * service account, and the call bears a valid signature of a peer about {@code subjectToken} (as
   * sent upstream, without scope; empty for a project read).
   */
  public boolean accepts(String peerHeader, String subjectToken, HttpMethod method, String path) {
    return tokens != null && subjectToken != null && signature.verify(peerHeader, method.name(), path, subjectToken) != null;
  }

  /** This proxy's service tokens; only when {@link #accepts} can be true. */
  public ServiceTokens tokens() {
    return tokens;
  }

  /** Closes the connections to Keystone that {@link #start} made. */
  @Override
  public void close() {
    if (connections != null) connections.disposeLater().block(Duration.ofSeconds(5));
  }
}
