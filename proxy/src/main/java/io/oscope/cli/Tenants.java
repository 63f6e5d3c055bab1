package io.oscope.cli;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.ssl.SslContext;
import io.oscope.exchange.KeystoneAccess;
import io.oscope.exchange.LocalKeystone;
import io.oscope.exchange.PeerKeystone;
import io.oscope.exchange.PeerSignature;
import io.oscope.exchange.PeerTrust;
import io.oscope.exchange.ServiceCredentials;
import io.oscope.exchange.KeystoneProjects;
import io.oscope.exchange.MaintenanceToggles;
import io.oscope.exchange.ServiceTokens;
import io.oscope.exchange.TokenIntrospection;
import io.oscope.routes.RouteTable;
import io.oscope.tenant.IdentityCloud;
import io.oscope.tenant.JwsKeyDirectory;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantPolicy;
import io.oscope.tenant.TenantStates;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.JwsVerifier;
import io.oscope.token.Settled;
import io.oscope.token.TokenIdentities;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.netty.http.client.HttpClient;

/**
 * Builds the tenant policy of a proxy from its options: the local Keystone, reached with the service
 * account, tells who its tokens name and what state its projects are in; another cloud's Keystone,
 * asked through that cloud's proxy (the token exchange's signature), tells the same of its own
 * tokens and projects, each cloud with caches of its own.
 *
 * <pre>{@code
 * Tenants.Policy tenants = Tenants.policy(account, true, false, () -> TenantPolicy.NONE, keysOrNull, "admin",
 *     Duration.ofSeconds(5), events, metrics::tokenIntrospection);
 * tenants.gate()     // the request path's step
 * tenants.toggles()  // the admin listener's maintenance on/off (null without maintenance mode)
 * }</pre>
 */
final class Tenants {
  /** The gate of a proxy, and the maintenance toggles of its admin listener, sharing its cache. */
  record Policy(TenantGate gate, MaintenanceToggles toggles) { }

  /**
   * How the tokens of other clouds are checked: by their own Keystone, through their proxies, which
   * accept calls signed with {@code trust}'s secret.
   *
   * @param cloud this proxy's cloud
   * @param trust the peers' secret, or {@code null}: then other clouds' tokens cannot be checked
   * @param table the route table of the moment, which says where each cloud's identity and proxies are
   * @param upstreamTls the proxy's context for https upstreams, which https peers are asked with too
   */
  record Peers(String cloud, PeerTrust trust, Supplier<RouteTable> table, Supplier<SslContext> upstreamTls) {
    static final Peers NONE = new Peers(null, null, null, null);
  }

  /** How long one Keystone call may take on behalf of a waiting request. */
  private static final Duration KEYSTONE_TIMEOUT = Duration.ofSeconds(10);
  /** How long a project's last known state keeps serving while Keystone cannot be reached. */
  private static final Duration STALE = Duration.ofMinutes(10);
  private static final Duration JWS_SKEW = Duration.ofSeconds(30);

  private Tenants() {}

  /**
   * The tenant gate of a proxy.
   *
   * @param maintenance whether maintenance mode is honoured
   * @param homeClouds whether projects' home clouds serve their calls that name no cloud
   * @param policy the tenant policy of the moment ({@link TenantPolicy#NONE} for none)
   * @param jwsKeys Keystone's JWS public key directory, or {@code null} when it issues Fernet tokens
   * @param bypassRole the role that writes through maintenance, or {@code null}
   * @param fresh how long a project's state is used before it is read again
   * @throws IOException when the key directory cannot be read
   */
  static TenantGate gate(ServiceCredentials account, boolean maintenance, boolean homeClouds,
      Supplier<TenantPolicy> policy, Path jwsKeys, String bypassRole, Duration fresh) throws IOException {
    return policy(account, maintenance, homeClouds, policy, jwsKeys, bypassRole, fresh, TenantEvents.LOG_ONLY,
        result -> { }, Peers.NONE).gate();
  }

  /**
   * As {@link #gate}, with the maintenance toggles of the admin listener (or {@code null} without
   * maintenance mode).
   *
   * @param events where refusals and toggles are told
   * @param introspected told the result of each token introspection: {@code valid}, {@code invalid} or
   *     {@code unavailable}
   * @param peers how other clouds' tokens are checked
   */
  static Policy policy(ServiceCredentials account, boolean maintenance, boolean homeClouds,
      Supplier<TenantPolicy> policy, Path jwsKeys, String bypassRole, Duration fresh, TenantEvents events,
      Consumer<String> introspected, Peers peers) throws IOException {
    HttpClient client = HttpClient.create();
    ServiceTokens tokens = new ServiceTokens(account, client, Clock.systemUTC());
    Supplier<JwsVerifier> jws = () -> null;
    if (jwsKeys != null) jws = JwsKeyDirectory.load(jwsKeys, JWS_SKEW, InstantSource.system());
    boolean states = maintenance || homeClouds;
    KeystoneAccess keystone = new LocalKeystone(tokens, client, account.authUrl());
    IdentityCloud local = identityCloud(keystone, jws, states, fresh, introspected);
    TenantGate gate = new TenantGate(local.identities(), local.states(), maintenance, bypassRole, policy, homeClouds,
        events).withPeers(peers(peers, client, states, fresh, introspected));
    return new Policy(gate,
        maintenance ? new MaintenanceToggles(new KeystoneProjects(keystone, KEYSTONE_TIMEOUT), local.states(), events,
            "admin", Clock.systemUTC()) : null);
  }

  /** The caches of one identity cloud, whose Keystone {@code keystone} reaches. */
  private static IdentityCloud identityCloud(KeystoneAccess keystone, Supplier<JwsVerifier> jws, boolean states,
      Duration fresh, Consumer<String> introspected) {
    TokenIdentities identities = new TokenIdentities(jws, counted(new TokenIntrospection(keystone, KEYSTONE_TIMEOUT),
        introspected), TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
    KeystoneProjects projects = new KeystoneProjects(keystone, KEYSTONE_TIMEOUT);
    return new IdentityCloud(identities,
        states ? new TenantStates(projects::state, fresh, STALE, Ticker.systemTicker()) : null);
  }

  /**
   * The other clouds' caches, made on a cloud's first token and kept: one per cloud of the route
   * file, whose names the router has checked before a request reaches the gate. None without the
   * peers' secret. Their tokens are introspected: this proxy has no JWS keys of theirs.
   */
  private static Function<String, IdentityCloud> peers(Peers peers, HttpClient client, boolean states, Duration fresh,
      Consumer<String> introspected) {
    if (peers.trust() == null) return cloud -> null;
    PeerSignature signature = PeerSignature.of(peers.trust().secret(), Clock.systemUTC());
    Supplier<HttpClient> https = () -> client.secure(spec -> spec.sslContext(peers.upstreamTls().get()));
    Map<String, IdentityCloud> clouds = new ConcurrentHashMap<>();
    return cloud -> clouds.computeIfAbsent(cloud, name ->
        identityCloud(new PeerKeystone(peers.cloud(), name, signature, peers.table(), client, https), () -> null,
            states, fresh, introspected));
  }

  /** {@code introspection}, telling {@code results} how each call ended. */
  private static TokenIdentities.Introspection counted(TokenIdentities.Introspection introspection,
      Consumer<String> results) {
    return token -> introspection.introspect(token).whenComplete((identity, failure) -> {
      Throwable cause = failure == null ? null : Settled.causeOf(failure);
      results.accept(cause == null ? "valid" : cause instanceof InvalidTokenException ? "invalid" : "unavailable");
    });
  }
}
