package io.oscope.tenant;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.oscope.token.TokenVerdict;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tenant policies at the edge, for one request: maintenance mode (a project in maintenance
 * cannot write, its state in Keystone, {@link TenantStates}, unless the token has the bypass role)
 * and the {@link TenantPolicy} (roles needed to send a service to another cloud, clouds a project
 * may use), and home clouds (a project's calls whose scope names no cloud go to the home cloud its
 * Keystone project names). A request none of them concerns costs nothing: reads and authentication under
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
 * gate.admit(new Call("compute", HttpMethod.POST, "/servers", "CloudTwo", true, token, false)) // an Admission
 * }</pre>
 */
public final class TenantGate {
  private static final CompletableFuture<Admission> PASS = CompletableFuture.completedFuture(Admission.PASS);

  /**
   * One request as the policies see it: its call, where it goes, its token (no scope suffix, or
   * null), whether its cloud is the default one (the client's scope names none for the service,
   * which is not identity: then the project's home cloud, if it has one, serves it instead), and
   * the cloud whose Keystone issued the token, which the scope names for identity ({@code null}:
   * this proxy's own).
   */
  public record Call(String serviceType, HttpMethod method, String servicePath, String cloud, boolean remote,
      String token, boolean defaulted, String identityCloud) {
    /** A call whose token this proxy's own Keystone issued. */
    public Call(String serviceType, HttpMethod method, String servicePath, String cloud, boolean remote, String token,
        boolean defaulted) {
      this(serviceType, method, servicePath, cloud, remote, token, defaulted, null);
    }
  }

  /**
   * The decision for one request, who sent it when that is known (for the access log), and the home
   * cloud its project's requests go to when the call was defaulted and the project has one.
   */
  public record Admission(Refusal refusal, String userId, String projectId, String homeCloud) {
    static final Admission PASS = new Admission(null, null, null, null);

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

  private final IdentityCloud local;
  /** The other identity clouds by name; null for a cloud whose Keystone cannot be asked from here. */
  private final Function<String, IdentityCloud> peers;
  private final String bypassRole;
  private final Supplier<TenantPolicy> policy;
  private final boolean maintenanceOn;
  private final boolean homeClouds;
  private final TenantEvents events;

  /** Maintenance mode when {@code states} is given, and the policy; no home clouds. */
  public TenantGate(TokenIdentities identities, TenantStates states, String bypassRole, Supplier<TenantPolicy> policy) {
    this(identities, states, states != null, bypassRole, policy, false);
  }

  /**
   * @param states the projects' state (maintenance, home cloud), or {@code null} when neither is used
   * @param maintenanceOn whether maintenance mode is honoured
   * @param bypassRole the role that lets a project's writes through its maintenance, or {@code null}
   * @param policy the policy of the moment (it is reloaded); {@link TenantPolicy#NONE} for none
   * @param homeClouds whether a project's home cloud serves its defaulted calls ({@code states}
   *     then tells it)
   */
  public TenantGate(TokenIdentities identities, TenantStates states, boolean maintenanceOn, String bypassRole,
      Supplier<TenantPolicy> policy, boolean homeClouds) {
    this(identities, states, maintenanceOn, bypassRole, policy, homeClouds, TenantEvents.LOG_ONLY);
  }

  /** As above; {@code events} is where refusals are told (the log, and notifications when configured). */
  public TenantGate(TokenIdentities identities, TenantStates states, boolean maintenanceOn, String bypassRole,
      Supplier<TenantPolicy> policy, boolean homeClouds, TenantEvents events) {
    this(new IdentityCloud(identities, states), cloud -> null, maintenanceOn, bypassRole, policy, homeClouds, events);
  }

  private TenantGate(IdentityCloud local, Function<String, IdentityCloud> peers, boolean maintenanceOn,
      String bypassRole, Supplier<TenantPolicy> policy, boolean homeClouds, TenantEvents events) {
    if ((homeClouds || maintenanceOn) && local.states() == null) {
      throw new IllegalArgumentException("the projects' states are needed");
    }
    this.maintenanceOn = maintenanceOn;
    this.local = local;
    this.peers = peers;
    this.bypassRole = bypassRole;
    this.policy = policy;
    this.homeClouds = homeClouds;
    this.events = events;
  }

  /**
   * This gate, the tokens of other clouds checked with {@code peers}: a cloud's {@link
   * IdentityCloud} (its Keystone asked through its proxy), or {@code null} when it cannot be asked
   * from here; a request with such a token that a policy concerns is then refused as unavailable.
   */
  public TenantGate withPeers(Function<String, IdentityCloud> peers) {
    return new TenantGate(local, peers, maintenanceOn, bypassRole, policy, homeClouds, events);
  }

  /** Where the refusals of this gate are told. */
  public TenantEvents events() {
    return events;
  }

  /** Whether a project's home cloud serves its defaulted calls: then {@link #concerns} takes {@code defaulted}. */
  public boolean homeClouds() {
    return homeClouds;
  }

  /** Whether a request of this call and destination is any policy's business: if not, {@link #admit} passes it. */
  public boolean concerns(String serviceType, HttpMethod method, String servicePath, boolean remote, boolean defaulted) {
    return homeClouds && defaulted || maintenance(serviceType, method, servicePath)
        || policy.get().concerns(serviceType, remote);
  }

  private boolean maintenance(String serviceType, HttpMethod method, String servicePath) {
    return maintenanceOn && !MaintenanceCalls.allowed(serviceType, method, servicePath);
  }

  /** The decision for {@code call}. Never fails. */
  public CompletableFuture<Admission> admit(Call call) {
    TenantPolicy rules = policy.get();
    boolean maintenance = maintenance(call.serviceType(), call.method(), call.servicePath());
    Set<String> roles = call.remote() ? rules.rolesToSendAway(call.serviceType()) : null;
    boolean clouds = !rules.projectClouds().isEmpty();
    boolean home = homeClouds && call.defaulted();
    if (!maintenance && roles == null && !clouds && !home) return PASS;
    if (call.token() == null) {
      return roles == null ? PASS : refused(new Refusal.RoleRequired(call.serviceType(), call.cloud(), roles), null);
    }
    IdentityCloud issuer = call.identityCloud() == null ? local : peers.apply(call.identityCloud());
    if (issuer == null) {
      return refused(new Refusal.Unavailable("the token comes from " + call.identityCloud()
          + ", whose Keystone this proxy cannot ask (it needs --peer-secret-file, and that cloud's proxy"
          + " --service-credentials)"), null);
    }
    // identify answers what is cached or verifiable offline as a done future: one hash of the token.
    return issuer.identities().identify(call.token(), roles != null)
        .thenCompose(v -> decide(issuer, v, call, rules, maintenance, roles, home));
  }

  private CompletableFuture<Admission> decide(IdentityCloud issuer, TokenVerdict verdict, Call call, TenantPolicy rules,
      boolean maintenance, Set<String> roles, boolean home) {
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
    if (!maintenance && !home || who.projectId() == null) return admitted(who, null);
    TenantStates.Lookup state = issuer.states().known(who.projectId());
    if (state != null) return withState(issuer, state, who, call.token(), maintenance, home);
    return issuer.states().lookup(who.projectId())
        .thenCompose(lookup -> withState(issuer, lookup, who, call.token(), maintenance, home));
  }

  private CompletableFuture<Admission> withState(IdentityCloud issuer, TenantStates.Lookup lookup, TokenIdentity who,
      String token, boolean maintenance, boolean home) {
    if (lookup instanceof TenantStates.Lookup.Unavailable unavailable) {
      return refused(new Refusal.Unavailable(unavailable.reason()), who);
    }
    TenantState project = ((TenantStates.Lookup.Known) lookup).state();
    String homeCloud = home ? project.homeCloud() : null;
    if (!maintenance || !project.inMaintenance()) return admitted(who, homeCloud);
    Refusal refusal = new Refusal.InMaintenance(project);
    if (bypassRole == null) return refused(refusal, who);
    if (who.rolesKnown()) return who.hasRole(bypassRole) ? admitted(who, homeCloud) : refused(refusal, who);
    return issuer.identities().identify(token, true).thenApply(verdict -> {
      if (verdict instanceof TokenVerdict.Unavailable unavailable) {
        return admission(new Refusal.Unavailable(unavailable.reason()), who, null);
      }
      boolean bypasses = verdict instanceof TokenVerdict.Known withRoles && withRoles.identity().hasRole(bypassRole);
      return bypasses ? admission(null, who, homeCloud) : admission(refusal, who, null);
    });
  }

  private static CompletableFuture<Admission> admitted(TokenIdentity who, String homeCloud) {
    return CompletableFuture.completedFuture(admission(null, who, homeCloud));
  }

  private static CompletableFuture<Admission> refused(Refusal refusal, TokenIdentity who) {
    return CompletableFuture.completedFuture(admission(refusal, who, null));
  }

  private static Admission admission(Refusal refusal, TokenIdentity who, String homeCloud) {
    return who == null ? new Admission(refusal, null, null, null)
        : new Admission(refusal, who.userId(), who.projectId(), homeCloud);
  }
}
