package io.oscope.exchange;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.TenantStates;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a project's maintenance on and off in Keystone ({@link KeystoneProjects}), for {@code oscope tenant maintenance} and
 * the admin listener alike: each toggle is written on the project, told as an event ({@link
 * TenantEvents}), and forgotten by this proxy's cache so that it applies here at once (the other
 * proxies see it within their {@code --tenant-state-ttl}).
 *
 * <pre>{@code
 * TenantState state = toggles.on("demo", "moving to CloudTwo").join();
 * }</pre>
 */
public final class MaintenanceToggles {
  private final KeystoneProjects projects;
  private final TenantStates states;
  private final TenantEvents events;
  private final String via;
  private final Clock clock;

  /**
   * @param states this proxy's cache of project states, or {@code null} (the command line)
   * @param via who toggles, as events name it: {@code cli} or {@code admin}
   */
  public MaintenanceToggles(KeystoneProjects projects, TenantStates states, TenantEvents events, String via, Clock clock) {
    this.projects = projects;
    this.states = states;
    this.events = events;
    this.via = via;
    this.clock = clock;
  }

  /** Puts project {@code nameOrId} in maintenance for {@code reason}; answers its new state. */
  public CompletableFuture<TenantState> on(String nameOrId, String reason) {
    if (reason == null || reason.isBlank()) throw new IllegalArgumentException("the maintenance reason is empty");
    ObjectNode properties = JsonNodeFactory.instance.objectNode()
        .put(TenantState.MAINTENANCE, reason)
        .put(TenantState.MAINTENANCE_SINCE, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    return toggle(nameOrId, properties, true);
  }

  /** Takes project {@code nameOrId} out of maintenance; answers its new state. */
  public CompletableFuture<TenantState> off(String nameOrId) {
    ObjectNode properties = JsonNodeFactory.instance.objectNode()
        .putNull(TenantState.MAINTENANCE).putNull(TenantState.MAINTENANCE_SINCE);
    return toggle(nameOrId, properties, false);
  }

  /** The projects in maintenance or with a home cloud. */
  public CompletableFuture<List<TenantState>> list() {
    return projects.withState();
  }

  private CompletableFuture<TenantState> toggle(String nameOrId, ObjectNode properties, boolean on) {
    return projects.find(nameOrId)
        .thenCompose(found -> projects.update(found.projectId(), properties))
        .thenApply(state -> {
          if (states != null) states.forget(state.projectId());
          events.toggled(state, on, via);
          return state;
        });
  }
}
