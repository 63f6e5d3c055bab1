package io.oscope.tenant;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.oscope.token.TokenVerdict;
import java.util.concurrent.CompletableFuture;

/**
 * Maintenance mode at the edge: refuses the writes of a project in maintenance (its state in
 * Keystone, {@link TenantStates}), unless the token has the bypass role, so that the migration tool
 * itself can work. Reads and authentication pass without a look at the token ({@link
 * MaintenanceCalls}); a write costs two cache lookups once its token and project are known; a JWS
 * token is read offline, and Keystone is asked for roles only when the project is in maintenance.
 *
 * <p>What cannot be known is never guessed: a write whose token or project state Keystone cannot
 * tell now is refused as {@link Refusal.Unavailable} (503, which OpenStack clients retry). A token
 * Keystone says is not valid passes: the service refuses it as it would without oscope.
 *
 * <pre>{@code
 * TenantGate gate = new TenantGate(identities, states, "admin");
 * gate.admit("compute", HttpMethod.POST, "/servers", token)  // completes with null or a Refusal
 * }</pre>
 */
public final class TenantGate {
  private static final CompletableFuture<Refusal> ADMITTED = CompletableFuture.completedFuture(null);

  /** Why a request is refused. */
  public sealed interface Refusal {
    /** The token's project is in maintenance and the call would change state. */
    record InMaintenance(TenantState project) implements Refusal {}

    /** What the decision needs cannot be read from Keystone now. */
    record Unavailable(String reason) implements Refusal {}
  }

  private final TokenIdentities identities;
  private final TenantStates states;
  private final String bypassRole;

  /** @param bypassRole the role that lets a project's writes through its maintenance, or {@code null} */
  public TenantGate(TokenIdentities identities, TenantStates states, String bypassRole) {
    this.identities = identities;
    this.states = states;
    this.bypassRole = bypassRole;
  }

  /**
   * Completes with {@code null} when the call may go on, or with why not. Never fails.
   *
   * @param servicePath the path after the service's endpoint path, without the query
   * @param token the request's token without any scope suffix, or {@code null}
   */
  public CompletableFuture<Refusal> admit(String serviceType, HttpMethod method, String servicePath, String token) {
    if (token == null || MaintenanceCalls.allowed(serviceType, method, servicePath)) return ADMITTED;
    TokenVerdict known = identities.known(token, false);
    if (known != null) return admit(known, token);
    return identities.identify(token, false).thenCompose(verdict -> admit(verdict, token));
  }

  private CompletableFuture<Refusal> admit(TokenVerdict verdict, String token) {
    if (verdict instanceof TokenVerdict.Unavailable unavailable) {
      return CompletableFuture.completedFuture(new Refusal.Unavailable(unavailable.reason()));
    }
    if (!(verdict instanceof TokenVerdict.Known known) || known.identity().projectId() == null) return ADMITTED;
    TokenIdentity identity = known.identity();
    TenantStates.Lookup state = states.known(identity.projectId());
    if (state != null) return admit(state, identity, token);
    return states.lookup(identity.projectId()).thenCompose(lookup -> admit(lookup, identity, token));
  }

  private CompletableFuture<Refusal> admit(TenantStates.Lookup lookup, TokenIdentity identity, String token) {
    if (lookup instanceof TenantStates.Lookup.Unavailable unavailable) {
      return CompletableFuture.completedFuture(new Refusal.Unavailable(unavailable.reason()));
    }
    TenantState project = ((TenantStates.Lookup.Known) lookup).state();
    if (!project.inMaintenance()) return ADMITTED;
    Refusal refusal = new Refusal.InMaintenance(project);
    if (bypassRole == null) return CompletableFuture.completedFuture(refusal);
    if (identity.rolesKnown()) return CompletableFuture.completedFuture(identity.hasRole(bypassRole) ? null : refusal);
    return identities.identify(token, true).thenApply(verdict -> {
      if (verdict instanceof TokenVerdict.Unavailable unavailable) return new Refusal.Unavailable(unavailable.reason());
      boolean bypasses = verdict instanceof TokenVerdict.Known withRoles && withRoles.identity().hasRole(bypassRole);
      return bypasses ? null : refusal;
    });
  }
}
