package io.oscope.proxy;

import io.oscope.http1.RequestHead;
import io.oscope.scope.ScopedToken;
import io.oscope.tenant.TenantGate;
import java.util.concurrent.CompletableFuture;

/**
 * The tenant policies' step of a request, between its route and its first try: what {@link
 * TenantGate} says of it, as the {@link ProxyError} to answer; who sent it goes to the request's
 * record (the access log's user and project). Every refusal is an event in the log (project, call,
 * reason; never the token) and in {@code oscope_tenant_refusals_total}.
 */
final class TenantAdmission {
  private static final String IDENTITY = "identity";

  private TenantAdmission() {}

  /** What to do with the request: answer {@code error}, or go on, to {@code homeCloud} if not null. */
  record Decision(ProxyError error, String homeCloud) {
    static final Decision GO_ON = new Decision(null, null);
  }

  /**
   * The decision for {@code route}; {@code null} when the request is none of the policies' business
   * (none configured, passed through, a read under maintenance alone): nothing to wait for and
   * nothing allocated.
   *
   * @param homeAllowed whether a home cloud may still replace the route (not once it did)
   */
  static CompletableFuture<Decision> check(TenantGate gate, ScopeRouter router, RequestHead request, Route route,
      RequestRecord record, boolean homeAllowed) {
    if (gate == null || route.passThrough()) return null;
    String path = ScopeRouter.pathOnly(route.pathAndQuery());
    // Only a single-cloud route its client did not choose goes home: compound scopes name their clouds.
    boolean defaulted = homeAllowed && gate.homeClouds() && !IDENTITY.equals(route.serviceType())
        && route.fallbacks().isEmpty() && route.fanOut().isEmpty() && !router.names(request, route.serviceType());
    if (!gate.concerns(route.serviceType(), request.method(), path, route.toPeer(), defaulted)) return null;
    String token = request.value(HeaderRules.X_AUTH_TOKEN);
    if (token != null) token = ScopedToken.tokenOf(token);
    // The token is checked where it comes from: the cloud the scope names for identity.
    String issuer = route.scope().identityCloud();
    if (issuer != null && issuer.equals(router.table().localCloud())) issuer = null;
    TenantGate.Call call = new TenantGate.Call(route.serviceType(), request.method(), path, route.cloud(), route.toPeer(),
        token, defaulted, issuer);
    return gate.admit(call).thenApply(admission -> {
      record.userId = admission.userId();
      record.projectId = admission.projectId();
      if (admission.admitted()) {
        String home = admission.homeCloud();
        return home == null || home.equals(route.cloud()) ? Decision.GO_ON : new Decision(null, home);
      }
      ProxyError error = errorOf(admission.refusal());
      gate.events().refused(admission.userId(), admission.projectId(),
          admission.refusal() instanceof TenantGate.Refusal.InMaintenance in ? in.project().name() : null,
          error.message(), route.serviceType(), request.method().name(), path, route.cloud());
      return new Decision(error, null);
    });
  }

  private static ProxyError errorOf(TenantGate.Refusal refusal) {
    if (refusal instanceof TenantGate.Refusal.InMaintenance maintenance) {
      return new ProxyError.ProjectInMaintenance(maintenance.project().projectId(), maintenance.project().name(),
          maintenance.project().maintenance(), maintenance.project().maintenanceSince());
    }
    if (refusal instanceof TenantGate.Refusal.RoleRequired role) {
      return new ProxyError.RoleRequired(role.serviceType(), role.cloud(), role.roles());
    }
    if (refusal instanceof TenantGate.Refusal.CloudNotAllowed cloud) {
      return new ProxyError.CloudNotAllowed(cloud.projectId(), cloud.cloud(), cloud.allowed());
    }
    return new ProxyError.TenantUnknown(((TenantGate.Refusal.Unavailable) refusal).reason());
  }
}
