package io.oscope.tenant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.notify.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of the tenant policies: every maintenance toggle and every refused request is a log
 * line, a count (the proxy's {@code oscope_tenant_refusals_total}, by its error mapper), and, with
 * {@code --notifications}, an oslo.messaging notification (event types {@link #MAINTENANCE_ON},
 * {@link #MAINTENANCE_OFF}, {@link #REQUEST_REFUSED}). Neither ever holds a token.
 *
 * <pre>{@code
 * TenantEvents events = new TenantEvents(notifierOrNull, "oscope-CloudOne");
 * events.refused(userId, projectId, name, "in maintenance: moving", "compute", "POST", "/servers", "CloudOne");
 * }</pre>
 */
public final class TenantEvents {
  private static final Logger LOG = LoggerFactory.getLogger(TenantEvents.class);
  public static final String MAINTENANCE_ON = "oscope.tenant.maintenance.on";
  public static final String MAINTENANCE_OFF = "oscope.tenant.maintenance.off";
  public static final String REQUEST_REFUSED = "oscope.tenant.request.refused";
  public static final String HOME_CLOUD_SET = "oscope.tenant.home_cloud.set";
  public static final String HOME_CLOUD_CLEAR = "oscope.tenant.home_cloud.clear";
  /** Events logged only. */
  public static final TenantEvents LOG_ONLY = new TenantEvents(null, null);

  private final Notifier notifier;
  private final String proxyName;

  /**
   * @param notifier where notifications go, or {@code null} for none
   * @param proxyName the proxy that saw the event (its Via name), or {@code null} for the command line
   */
  public TenantEvents(Notifier notifier, String proxyName) {
    this.notifier = notifier;
    this.proxyName = proxyName;
  }

  /**
   * A project was put in maintenance or taken out of it.
   *
   * @param via who toggled it: {@code cli} or {@code admin}
   */
  public void toggled(TenantState project, boolean on, String via) {
    String type = on ? MAINTENANCE_ON : MAINTENANCE_OFF;
    LOG.info("event={} project_id={} project_name={} reason=\"{}\" since={} via={}", type, project.projectId(),
        project.name(), on ? project.maintenance() : "", on ? project.maintenanceSince() : "", via);
    if (notifier == null) return;
    ObjectNode payload = JsonNodeFactory.instance.objectNode()
        .put("project_id", project.projectId())
        .put("project_name", project.name())
        .put("maintenance", on);
    if (on) payload.put("reason", project.maintenance()).put("since", project.maintenanceSince());
    payload.put("via", via).put("proxy", proxyName);
    notifier.notify(type, payload);
  }

  /**
   * A project's home cloud was set (the cloud of {@code project}) or cleared ({@code null} there):
   * all its requests that name no cloud move.
   *
   * @param via who changed it: {@code cli}
   */
  public void homeCloudChanged(TenantState project, String via) {
    String type = project.homeCloud() == null ? HOME_CLOUD_CLEAR : HOME_CLOUD_SET;
    LOG.info("event={} project_id={} project_name={} home_cloud={} via={}", type, project.projectId(), project.name(),
        project.homeCloud(), via);
    if (notifier == null) return;
    notifier.notify(type, JsonNodeFactory.instance.objectNode()
        .put("project_id", project.projectId())
        .put("project_name", project.name())
        .put("home_cloud", project.homeCloud())
        .put("via", via)
        .put("proxy", proxyName));
  }

  /**
   * A request was refused by a tenant policy.
   *
   * @param userId the token's user, or {@code null} when it could not be known
   * @param projectId the token's project, or {@code null} when it could not be known
   * @param projectName its name when known (a project in maintenance), else {@code null}
   * @param path the request's path, without the query
   */
  public void refused(String userId, String projectId, String projectName, String reason, String service, String method,
      String path, String cloud) {
    LOG.info("event={} user_id={} project_id={} project_name={} service={} method={} path={} cloud={}: {}",
        REQUEST_REFUSED, userId, projectId, projectName, service, method, path, cloud, reason);
    if (notifier == null) return;
    notifier.notify(REQUEST_REFUSED, JsonNodeFactory.instance.objectNode()
        .put("user_id", userId)
        .put("project_id", projectId)
        .put("project_name", projectName)
        .put("reason", reason)
        .put("service", service)
        .put("method", method)
        .put("path", path)
        .put("cloud", cloud)
        .put("proxy", proxyName));
  }
}
