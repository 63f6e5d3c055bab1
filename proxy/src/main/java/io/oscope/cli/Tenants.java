package io.oscope.cli;

import com.github.benmanes.caffeine.cache.Ticker;
import io.oscope.exchange.ServiceCredentials;
import io.oscope.exchange.KeystoneProjects;
import io.oscope.exchange.MaintenanceToggles;
import io.oscope.exchange.ServiceTokens;
import io.oscope.exchange.TokenIntrospection;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.netty.http.client.HttpClient;

/**
 * Builds the tenant policy of a proxy from its options: the local Keystone, reached with the service
 * account, tells who tokens name and what state projects are in.
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
        result -> { }).gate();
  }

  /**
   * As {@link #gate}, with the maintenance toggles of the admin listener (or {@code null} without
   * maintenance mode).
   *
   * @param events where refusals and toggles are told
   * @param introspected told the result of each token introspection: {@code valid}, {@code invalid} or
   *     {@code unavailable}
   */
  static Policy policy(ServiceCredentials account, boolean maintenance, boolean homeClouds,
      Supplier<TenantPolicy> policy, Path jwsKeys, String bypassRole, Duration fresh, TenantEvents events,
      Consumer<String> introspected) throws IOException {
    HttpClient client = HttpClient.create();
    ServiceTokens tokens = new ServiceTokens(account, client, Clock.systemUTC());
    Supplier<JwsVerifier> jws = () -> null;
    if (jwsKeys != null) jws = JwsKeyDirectory.load(jwsKeys, JWS_SKEW, InstantSource.system());
    TokenIdentities identities = new TokenIdentities(jws,
        counted(new TokenIntrospection(tokens, client, account.authUrl(), KEYSTONE_TIMEOUT), introspected),
        TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
    KeystoneProjects projects = new KeystoneProjects(tokens, client, account.authUrl(), KEYSTONE_TIMEOUT);
    TenantStates states = maintenance || homeClouds
        ? new TenantStates(projects::state, fresh, STALE, Ticker.systemTicker()) : null;
    return new Policy(new TenantGate(identities, states, maintenance, bypassRole, policy, homeClouds, events),
        maintenance ? new MaintenanceToggles(projects, states, events, "admin", Clock.systemUTC()) : null);
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
