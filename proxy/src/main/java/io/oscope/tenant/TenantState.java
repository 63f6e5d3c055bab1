package io.oscope.tenant;

import java.util.Objects;

/**
 * What oscope keeps of a project in Keystone, as properties of the project itself ({@code
 * openstack project show} lists them): whether it is in maintenance and why, and its home cloud.
 *
 * @param projectId the project's ID
 * @param name its name
 * @param maintenance why the project is in maintenance, or {@code null} when it is not
 * @param maintenanceSince when maintenance was turned on (ISO-8601), or {@code null}
 * @param homeCloud the cloud its unscoped requests go to, or {@code null} for the proxy's own
 */
public record TenantState(String projectId, String name, String maintenance, String maintenanceSince, String homeCloud) {
  /** The project property that holds the maintenance reason. */
  public static final String MAINTENANCE = "oscope_maintenance";
  public static final String MAINTENANCE_SINCE = "oscope_maintenance_since";
  /** The project property that holds the home cloud. */
  public static final String HOME_CLOUD = "oscope_home_cloud";

  public TenantState {
    Objects.requireNonNull(projectId, "projectId");
  }

  public boolean inMaintenance() {
    return maintenance != null;
  }
}
