package io.oscope.tenant;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.oscope.token.TokenVerdict;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The tenant policies at the edge, for one request: maintenance mode (a project in maintenance
 * cannot write, its state in Keystone, {@link TenantStates}, unless the token has the bypass role)
 * and the {@link TenantPolicy} (roles needed to send a service to another cloud, clouds a project
 * may use). A request none of them concerns costs nothing: reads and authentication under
 * maintenance alone ({@link MaintenanceCalls}), local requests under role rules alone. Otherwise a
 * request costs cache lookups once its token and project are known; a JWS token is read offline,
 * and Keystone is asked for roles only when a rule needs them.
 *
 * <p>What cannot be known is never guessed: a request whose token or project state Keystone cannot
 * tell now is refused as {@link Refusal.Unavailable} (503, which OpenStack clients retry). A token
 * Keystone says is not valid passes where only its project matters (the service refuses it as it
 * would without oscope), and is refused where a role is needed.
 *
 * <pre>{@code
 * TenantGate gate = new TenantGate(identities, states, "admin", () -> policy);
 * gate.admit(new Call("compute", HttpMethod.POST, "/servers", "CloudTwo", true, token)) // an Admission
 * }</pre>
 */
public final class TenantGate {
  private static final CompletableFuture<Admission> PASS = CompletableFuture.completedFuture(Admission.PASS);

  /** One request as the policies see it: its call, where it goes, and its token (no scope suffix, or null). */
  public record Call(String serviceType, HttpMethod method, String servicePath, String cloud, boolean remote,
      String token) {}

  /** The decision for one request, and who sent it when that is known (for the access log). */
  public record Admission(Refusal refusal, String userId, String projectId) {
    static final Admission PASS = new Admission(null, null, null);

    public boolean admitted() {
      return refusal == null;
    }
  }

  /** Why a request is refused. */
  public sealed interface Refusal {
    /** The token's project is in maintenance and the call would change state (409). */
    record InMaintenance(TenantState project) implements Refusal {}

    /** Sending {@code serviceType} to {@code cloud} needs one of {@code roles}, which the token has not (403). */
    record RoleRequired(String serviceType, String cloud, Set<String> roles) implements Refusal {}

    /** The token's project may not use {@code cloud}; it may use {@code allowed} (403). */
    record CloudNotAllowed(String projectId, String cloud, Set<String> allowed) implements Refusal {}

    /** What the decision needs cannot be read from Keystone now (503). */
    record Unavailable(String reason) implements Refusal {}
  }

  private final TokenIdentities identities;
  private final TenantStates states;
  private final String bypassRole;
  private final Supplier<TenantPolicy> policy;

  /**
   * @param states the projects' maintenance state, or {@code null} when maintenance mode is off
   * @param bypassRole the role that lets a project's writes through its maintenance, or {@code null}
   * @param policy the policy of the moment (it is reloaded); {@link TenantPolicy#NONE} for none
   */
  public TenantGate(TokenIdentities identities, TenantStates states, String bypassRole, Supplier<TenantPolicy> policy) {
    this.identities = identities;
    this.states = states;
    this.bypassRole = bypassRole;
    this.policy = policy;
  }

  /** Whether a request of this call and destination is any policy's business: if not, {@link #admit} passes it. */
  public boolean concerns(String serviceType, HttpMethod method, String servicePath, boolean remote) {
    return states != null && !MaintenanceCalls.allowed(serviceType, method, servicePath)
        || policy.get().concerns(serviceType, remote);
  }

  /** The decision for {@code call}. Never fails. */
  public CompletableFuture<Admission> admit(Call call) {
    TenantPolicy rules = policy.get();
    boolean maintenance = states != null && !MaintenanceCalls.allowed(call.serviceType(), call.method(), call.servicePath());
    Set<String> roles = call.remote() ? rules.rolesToSendAway(call.serviceType()) : null;
    boolean clouds = !rules.projectClouds().isEmpty();
    if (!maintenance && roles == null && !clouds) return PASS;
    if (call.token() == null) {
      return roles == null ? PASS : refused(new Refusal.RoleRequired(call.serviceType(), call.cloud(), roles), null);
    }
    TokenVerdict known = identities.known(call.token(), roles != null);
    CompletableFuture<TokenVerdict> verdict = known != null ? CompletableFuture.completedFuture(known)
        : identities.identify(call.token(), roles != null);
    return verdict.thenCompose(v -> decide(v, call, rules, maintenance, roles));
  }

  private CompletableFuture<Admission> decide(TokenVerdict verdict, Call call, TenantPolicy rules, boolean maintenance,
      Set<String> roles) {
    if (verdict instanceof TokenVerdict.Unavailable unavailable) return refused(new Refusal.Unavailable(unavailable.reason()), null);
    if (!(verdict instanceof TokenVerdict.Known known)) {
      return roles == null ? PASS : refused(new Refusal.RoleRequired(call.serviceType(), call.cloud(), roles), null);
    }
    TokenIdentity who = known.identity();
    if (roles != null && Collections.disjoint(roles, who.roles())) {
      return refused(new Refusal.RoleRequired(call.serviceType(), call.cloud(), roles), who);
    }
    Set<String> allowed = who.projectId() == null ? null : rules.cloudsOf(who.projectId());
    if (allowed != null && !allowed.contains(call.cloud())) {
      return refused(new Refusal.CloudNotAllowed(who.projectId(), call.cloud(), allowed), who);
    }
    if (!maintenance || who.projectId() == null) return admitted(who);
    TenantStates.Lookup state = states.known(who.projectId());
    if (state != null) return underMaintenance(state, who, call.token());
    return states.lookup(who.projectId()).thenCompose(lookup -> underMaintenance(lookup, who, call.token()));
  }

  private CompletableFuture<Admission> underMaintenance(TenantStates.Lookup lookup, TokenIdentity who, String token) {
    if (lookup instanceof TenantStates.Lookup.Unavailable unavailable) {
      return refused(new Refusal.Unavailable(unavailable.reason()), who);
    }
    TenantState project = ((TenantStates.Lookup.Known) lookup).state();
    if (!project.inMaintenance()) return admitted(who);
    Refusal refusal = new Refusal.InMaintenance(project);
    if (bypassRole == null) return refused(refusal, who);
    if (who.rolesKnown()) return who.hasRole(bypassRole) ? admitted(who) : refused(refusal, who);
    return identities.identify(token, true).thenApply(verdict -> {
      if (verdict instanceof TokenVerdict.Unavailable unavailable) {
        return admission(new Refusal.Unavailable(unavailable.reason()), who);
      }
      boolean bypasses = verdict instanceof TokenVerdict.Known withRoles && withRoles.identity().hasRole(bypassRole);
      return admission(bypasses ? null : refusal, who);
    });
  }

  private static CompletableFuture<Admission> admitted(TokenIdentity who) {
    return CompletableFuture.completedFuture(admission(null, who));
  }

  private static CompletableFuture<Admission> refused(Refusal refusal, TokenIdentity who) {
    return CompletableFuture.completedFuture(admission(refusal, who));
  }

  private static Admission admission(Refusal refusal, TokenIdentity who) {
    return who == null ? new Admission(refusal, null, null) : new Admission(refusal, who.userId(), who.projectId());
  }
}
