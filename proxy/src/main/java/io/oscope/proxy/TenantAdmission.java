package io.oscope.proxy;

import io.oscope.http1.RequestHead;
import io.oscope.scope.ScopedToken;
import io.oscope.tenant.MaintenanceCalls;
import io.oscope.tenant.TenantGate;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant policy's step of a request, between its route and its first try: what {@link
 * TenantGate} says of it, as the {@link ProxyError} to answer. Every refusal is an event in the log
 * (project, call, reason; never the token) and in {@code oscope_tenant_refusals_total}.
 */
final class TenantAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(TenantAdmission.class);

  private TenantAdmission() {}

  /**
   * Completes with the error to answer, or {@code null} to go on; {@code null} itself when the
   * request is none of the policy's business (no policy, passed through, a read): nothing to wait
   * for and nothing allocated.
   */
  static CompletableFuture<ProxyError> check(TenantGate gate, RequestHead request, Route route) {
    if (gate == null || route.passThrough()) return null;
    String path = ScopeRouter.pathOnly(route.pathAndQuery());
    if (MaintenanceCalls.allowed(route.serviceType(), request.method(), path)) return null;
    String token = request.value(HeaderRules.X_AUTH_TOKEN);
    if (token != null) token = ScopedToken.tokenOf(token);
    return gate.admit(route.serviceType(), request.method(), path, token).thenApply(refusal -> {
      if (refusal == null) return null;
      ProxyError error = refusal instanceof TenantGate.Refusal.InMaintenance maintenance
          ? new ProxyError.ProjectInMaintenance(maintenance.project().projectId(), maintenance.project().name(),
              maintenance.project().maintenance(), maintenance.project().maintenanceSince())
          : new ProxyError.TenantUnknown(((TenantGate.Refusal.Unavailable) refusal).reason());
      LOG.info("tenant policy refused {} {} to {} {}: {}", request.method(), path, route.cloud(), route.serviceType(),
          error.message());
      return error;
    });
  }
}
