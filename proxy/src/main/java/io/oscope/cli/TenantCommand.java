package io.oscope.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.exchange.ServiceCredentials;
import io.oscope.exchange.ServiceTokens;
import io.oscope.exchange.KeystoneProjects;
import io.oscope.notify.Notifier;
import io.oscope.exchange.MaintenanceToggles;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.UnknownProjectException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.netty.http.client.HttpClient;

/**
 * {@code oscope tenant}: the tenant state every proxy reads from Keystone, set by an operator or a
 * migration tool. It is written on the project in Keystone, so every proxy in front of the cloud
 * sees it within its few seconds of cache.
 *
 * <pre>{@code
 * oscope tenant maintenance on demo --reason "moving to CloudTwo"
 * oscope tenant maintenance list
 * oscope tenant home-cloud set demo CloudTwo
 * }</pre>
 */
@Command(name = "tenant", sortOptions = false,
    description = "Per-project maintenance mode and home cloud, kept in Keystone.",
    subcommands = {TenantCommand.Maintenance.class, TenantCommand.HomeCloud.class})
public final class TenantCommand implements Callable<Integer> {
  /** How long the command waits for its notification to reach RabbitMQ. */
  private static final Duration NOTIFY_GRACE = Duration.ofSeconds(15);

  @Spec
  CommandSpec spec;

  @Option(names = "--service-credentials", paramLabel = "FILE",
      description = "Credentials of an account allowed to update projects, as the proxy's --service-credentials"
          + " file (default: OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME,"
          + " OS_PROJECT_DOMAIN_NAME).")
  Path credentialsFile;

  @Option(names = "--os-cloud", scope = CommandLine.ScopeType.INHERIT, paramLabel = "NAME",
      description = "A cloud of the openstack CLI's clouds.yaml (default: OS_CLOUD), instead of the OS_* variables.")
  String osCloud;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @CommandLine.Mixin
  NotificationOptions notifications = new NotificationOptions();

  private final Map<String, String> env;

  public TenantCommand() {
    this(System.getenv());
  }

  /** The command with {@code env} in place of the process's environment; tests inject it. */
  public TenantCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand: maintenance or home-cloud");
  }

  /** Keystone's projects, as the account of --service-credentials, of clouds.yaml (--os-cloud, OS_CLOUD) or of OS_*. */
  KeystoneProjects projects() throws IOException {
    String cloud = osCloud != null ? osCloud : env.get("OS_CLOUD");
    ServiceCredentials account = credentialsFile != null ? ServiceCredentials.read(credentialsFile)
        : cloud != null && !cloud.isBlank() ? CloudsYaml.credentials(cloud, env) : fromEnvironment();
    HttpClient client = HttpClient.create();
    return new KeystoneProjects(new ServiceTokens(account, client, Clock.systemUTC()), client, account.authUrl(),
        Duration.ofSeconds(30));
  }

  private ServiceCredentials fromEnvironment() {
    List<String> missing = new ArrayList<>();
    for (String name : List.of("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME")) {
      if (env.getOrDefault(name, "").isBlank()) missing.add(name);
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("no credentials: set " + String.join(", ", missing)
          + " (source an openrc), OS_CLOUD (a cloud of clouds.yaml), or give --service-credentials FILE");
    }
    return new ServiceCredentials(ServiceCredentials.identityV3(env.get("OS_AUTH_URL")), env.get("OS_USERNAME"), env.get("OS_PASSWORD"), env.get("OS_PROJECT_NAME"),
        env.getOrDefault("OS_USER_DOMAIN_NAME", "Default"), env.getOrDefault("OS_PROJECT_DOMAIN_NAME", "Default"));
  }

  /** Runs one maintenance toggle as {@link #change} does. */
  int toggle(CommandSpec spec, java.util.function.Function<MaintenanceToggles, TenantState> step) {
    return change(spec, events -> step.apply(new MaintenanceToggles(projects(), null, events, "cli", Clock.systemUTC())));
  }

  /**
   * Runs one change of a project's state, which tells its event, and prints the project's new state;
   * with --notifications, waits for the notification: 1 if it could not be sent (the change itself is
   * done, and says so).
   */
  int change(CommandSpec spec, ChangeStep step) {
    Notifier notifier = notifications.start(result -> { });
    try {
      int done = run(spec, out -> print(out, step.run(new TenantEvents(notifier, null))));
      if (notifier == null || done != Oscope.OK) return done;
      notifier.close(NOTIFY_GRACE);
      if (notifier.sent() > 0) return Oscope.OK;
      spec.commandLine().getErr().println("oscope: the toggle is done, but its notification could not be sent to "
          + notifier.target() + " (see the log)");
      return Oscope.FAILURE;
    } finally {
      if (notifier != null) notifier.close(Duration.ZERO);
    }
  }

  /** Runs {@code step}, printing a Keystone failure as one line: 1, or 2 for a project that does not exist. */
  static int run(CommandSpec spec, KeystoneStep step) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      step.run(spec.commandLine().getOut());
      return Oscope.OK;
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      err.println("oscope: " + cause.getMessage());
      return cause instanceof UnknownProjectException ? Oscope.BAD_INPUT : Oscope.FAILURE;
    } catch (IOException e) {
      err.println("oscope: " + e.getMessage());
      return Oscope.FAILURE;
    }
  }

  /** A change of a project's state in Keystone, telling its event to {@code events}; the new state. */
  interface ChangeStep {
    TenantState run(TenantEvents events) throws IOException;
  }

  /** A step that talks to Keystone and prints to {@code out}. */
  interface KeystoneStep {
    void run(PrintWriter out) throws IOException;
  }

  static void print(PrintWriter out, TenantState state) {
    out.printf("%s (%s): %s; home cloud %s%n", state.name(), state.projectId(),
        state.inMaintenance() ? "in maintenance since " + state.maintenanceSince() + ": " + state.maintenance()
            : "not in maintenance",
        state.homeCloud() == null ? "none (the proxy's own)" : state.homeCloud());
    out.flush();
  }

  /** {@code oscope tenant maintenance on|off|list}. */
  @Command(name = "maintenance", description = "Read-only mode of a project: its writes are refused with 409.")
  static final class Maintenance {
    @CommandLine.ParentCommand
    TenantCommand tenant;

    @Spec
    CommandSpec spec;

    @Command(name = "on", description = "Put a project in maintenance: every proxy refuses its writes.")
    int on(@Parameters(paramLabel = "PROJECT", description = "Name or ID.") String project,
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Why, as the refused clients and the notifications will read it.") String reason) {
      if (reason.isBlank()) throw new CommandLine.ParameterException(spec.commandLine(), "--reason is empty");
      return tenant.toggle(spec, toggles -> toggles.on(project, reason).join());
    }

    @Command(name = "off", description = "Take a project out of maintenance.")
    int off(@Parameters(paramLabel = "PROJECT", description = "Name or ID.") String project) {
      return tenant.toggle(spec, toggles -> toggles.off(project).join());
    }

    @Command(name = "list", description = "The projects in maintenance or with a home cloud.")
    int list() {
      return run(spec, out -> {
        for (TenantState state : tenant.projects().withState().join()) print(out, state);
      });
    }
  }

  /** {@code oscope tenant home-cloud set|clear}. */
  @Command(name = "home-cloud",
      description = "Where a project's requests that name no cloud go, instead of the proxy's own cloud.")
  static final class HomeCloud {
    @CommandLine.ParentCommand
    TenantCommand tenant;

    @Spec
    CommandSpec spec;

    @Command(name = "set", description = "Send the project's unscoped requests to CLOUD.")
    int set(@Parameters(index = "0", paramLabel = "PROJECT", description = "Name or ID.") String project,
        @Parameters(index = "1", paramLabel = "CLOUD", description = "A cloud of the route file.") String cloud) {
      return tenant.change(spec, events -> homeCloud(events, project, cloud));
    }

    @Command(name = "clear", description = "Send the project's unscoped requests to the proxy's own cloud again.")
    int clear(@Parameters(paramLabel = "PROJECT", description = "Name or ID.") String project) {
      return tenant.change(spec, events -> homeCloud(events, project, null));
    }

    /** Sets the project's home cloud ({@code null}: clears it) and tells the event. */
    private TenantState homeCloud(TenantEvents events, String project, String cloud) throws IOException {
      KeystoneProjects projects = tenant.projects();
      TenantState found = projects.find(project).join();
      TenantState changed = projects.update(found.projectId(), cloud == null
          ? JsonNodeFactory.instance.objectNode().putNull(TenantState.HOME_CLOUD)
          : JsonNodeFactory.instance.objectNode().put(TenantState.HOME_CLOUD, cloud)).join();
      events.homeCloudChanged(changed, "cli");
      return changed;
    }
  }
}
