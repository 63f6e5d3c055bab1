package io.oscope.cli;

import io.oscope.admin.AdminServer;
import io.oscope.exchange.PeerTrust;
import io.oscope.exchange.ServiceCredentials;
import io.oscope.fanout.FanOutSettings;
import io.oscope.fanout.MarkerKey;
import io.oscope.notify.Notifier;
import io.oscope.tenant.TenantEvents;
import io.oscope.tenant.TenantPolicy;
import io.oscope.tenant.TenantPolicyFile;
import io.oscope.logging.AppLogLayout;
import io.oscope.pool.PoolSettings;
import io.oscope.pool.RetryBudget;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.proxy.TrustedHops;
import io.oscope.reload.RouteReloader;
import io.oscope.reload.Signals;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.tls.TlsSettings;
import io.oscope.tracing.Tracing;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code oscope proxy}: runs one cloud's proxy until it is stopped. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = "Run the scope-routing proxy of one cloud.")
final class ProxyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

  @Option(names = "--services", required = true, paramLabel = "FILE",
      description = "Route file, in the OpenStackoïd prototype's services.json format (see the README).")
  Path services;

  @Option(names = "--cloud", required = true, paramLabel = "NAME",
      description = "This proxy's cloud (a Region of the route file); services the scope does not name go here.")
  String cloud;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8888",
      converter = HostPortConverter.class, description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(names = "--allow", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "Extra destination that requests matching no service may be forwarded to; repeatable.")
  List<HostPort> allow = new ArrayList<>();

  @Option(names = "--trusted-proxy", paramLabel = "ADDR[/BITS]",
      description = "Direct peer (IP address or CIDR block) whose X-Forwarded-For/-Proto/-Host and Forwarded headers"
          + " are passed on; repeatable. The other clouds' proxies (Frontend IP addresses of the route file) are"
          + " trusted too. From any other peer they are replaced by what this proxy sees (Forwarded is dropped).")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--trusted-hops", paramLabel = "N", defaultValue = "0",
      description = "Hops in front of this proxy whose X-Forwarded-For entries are believed whatever their address"
          + " (Envoy's xff_num_trusted_hops): the client is the entry N hops from the right, the direct peer"
          + " counting as the first; their forwarding headers are passed on. Only when this proxy is reachable"
          + " through those hops alone (default: ${DEFAULT-VALUE}).")
  int trustedHops;

  @Option(names = "--proxy-protocol",
      description = "Every client connection must start with a PROXY protocol header (v1 or v2, as HAProxy's"
          + " accept-proxy), whose source becomes the client's address; one without is closed. Believed only from"
          + " the --trusted-proxy addresses if any are given, else from any peer.")
  boolean proxyProtocol;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class, description = "Upstream connect timeout (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Wait for upstream response headers, and between reads after (default: ${DEFAULT-VALUE}).")
  Duration responseTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Close keep-alive connections, from clients and to upstreams, idle this long between requests"
          + " (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--head-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "A request head must arrive whole within this time of its first byte, else 408"
          + " (default: ${DEFAULT-VALUE}).")
  Duration headTimeout;

  @Option(names = "--body-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "A request body that sends nothing for this long, while the proxy reads it, is answered 408"
          + " (or cut once the response started) (default: ${DEFAULT-VALUE}).")
  Duration bodyTimeout;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Client connections at once; beyond, the proxy stops accepting until one closes"
          + " (default: half the file descriptor limit less a reserve, 4096 at most).")
  Integer maxConnections;

  @Option(names = "--max-upstream-connections", paramLabel = "N", defaultValue = "1024",
      description = "Connections to one upstream address in use at a time, across event loops; a request beyond"
          + " gets a 503 at once (default: ${DEFAULT-VALUE}).")
  int maxUpstreamConnections;

  @Option(names = "--head-budget", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bytes of request heads held at once across all connections (512k, 32m); beyond, connections"
          + " wait before reading their next request (default: a quarter of the heap).")
  Long headBudget;

  @Option(names = "--via-name", paramLabel = "NAME",
      description = "This proxy's name in Via headers, used to detect loops (default: oscope-<cloud>).")
  String viaName;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8889",
      converter = HostPortConverter.class,
      description = "Admin listener (/healthz, /readyz, /metrics, /routes, /pools, POST /reload); a fixed port for"
          + " Prometheus to scrape, port 0 picks a free one, logged at start (default: ${DEFAULT-VALUE}).")
  HostPort admin;

  @Option(names = "--watch", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Reload the route file when it changes on disk (default: on; --no-watch turns it off)."
          + " It is also reloaded on SIGHUP and by POST /reload on the admin listener.")
  boolean watch = true;

  @Option(names = "--access-log", paramLabel = "FORMAT", defaultValue = "TEXT",
      description = "Access log on stderr (logger oscope.access): ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})."
          + " It never contains a token.")
  ProxySettings.AccessLog accessLog;

  @Option(names = "--tracing",
      description = "OpenTelemetry spans: one per request and hop, one per upstream try, in the trace of the client's"
          + " W3C traceparent, sent by OTLP/HTTP to --otlp-endpoint (default: off; off costs nothing).")
  boolean tracing;

  @Option(names = "--otlp-endpoint", paramLabel = "URL", converter = OtlpEndpointConverter.class,
      description = "Where --tracing sends spans: an OTLP/HTTP (protobuf) receiver; /v1/traces is added to a URL"
          + " without a path (default: http://localhost:4318/v1/traces).")
  URI otlpEndpoint;

  @Option(names = "--health-interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
      description = "Time between two health checks of an upstream address (default: ${DEFAULT-VALUE}).")
  Duration healthInterval;

  @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = "How long one health check may take (default: ${DEFAULT-VALUE}).")
  Duration healthTimeout;

  @Option(names = "--health-rise", paramLabel = "N", defaultValue = "2",
      description = "Passed checks that bring a down address back (default: ${DEFAULT-VALUE}).")
  int healthRise;

  @Option(names = "--health-fall", paramLabel = "N", defaultValue = "5",
      description = "Consecutive address failures (failed checks; refused, reset or silent connections; answers that are not HTTP;"
          + " never an HTTP status) that take an address down (default: ${DEFAULT-VALUE}).")
  int healthFall;

  @Option(names = "--health-path", paramLabel = "PATH",
      description = "Check with HTTP GET PATH instead of a TCP connect.")
  String healthPath;

  @Option(names = "--health-max-status", paramLabel = "CODE", defaultValue = "399",
      description = "Highest HTTP status of a passing HTTP check (default: ${DEFAULT-VALUE}).")
  int healthyStatus;

  @Option(names = "--balance", paramLabel = "HOW", defaultValue = "LEAST_OUTSTANDING",
      description = "How a pool's member is picked: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  PoolSettings.Balance balance;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
      description = "Other addresses a request may try after a connect failure (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--retry-budget", paramLabel = "PERCENT", defaultValue = "20%", converter = PercentConverter.class,
      description = "Retries in flight to a pool at a time, as a share of the requests in flight to it (Envoy's"
          + " retry_budget; 100%% turns it off); a retry beyond gets the failure it met (default: ${DEFAULT-VALUE}).")
  double retryBudget;

  @Option(names = "--retry-budget-min", paramLabel = "N", defaultValue = "3",
      description = "Retries in flight to a pool always allowed, whatever --retry-budget says (default: ${DEFAULT-VALUE}).")
  int retryBudgetMin;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Listen on HTTPS with this certificate chain.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8).")
  Path tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "PEM",
      description = "Require client certificates signed by these CAs (mutual TLS between proxies).")
  Path tlsClientCa;

  @Option(names = "--upstream-ca", paramLabel = "PEM",
      description = "CAs that https upstreams' certificates must chain to (default: the JVM's trust store).")
  Path upstreamCa;

  @Option(names = "--upstream-insecure",
      description = "Accept any certificate from https upstreams. Dangerous; logged as a warning.")
  boolean upstreamInsecure;

  @Option(names = "--upstream-client-cert", paramLabel = "PEM",
      description = "Certificate presented to upstreams that ask for one (peers with --tls-client-ca).")
  Path upstreamClientCert;

  @Option(names = "--upstream-client-key", paramLabel = "PEM", description = "The private key of --upstream-client-cert.")
  Path upstreamClientKey;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "Bearer token required by the admin endpoints (all but /healthz and /readyz);"
          + " mandatory when --admin is not a loopback address.")
  Path adminTokenFile;

  @Option(names = "--admin-host", paramLabel = "NAME",
      description = "A name that requests to a loopback admin listener may give in Host, besides localhost and"
          + " loopback addresses (with the listener's port); repeatable.")
  List<String> adminHosts = new ArrayList<>();

  @Option(names = "--grace-period", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "On SIGTERM or SIGINT, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
  Duration gracePeriod;

  @Option(names = "--peer-secret-file", paramLabel = "FILE",
      description = "Secret shared by the peer proxies (at least 32 characters) that signs cross-cloud token"
          + " validation calls. Without it, cross-cloud token validation is off.")
  Path peerSecretFile;

  @Option(names = "--service-credentials", paramLabel = "FILE",
      description = "JSON file with this cloud's Keystone service account (auth_url, username, password,"
          + " project_name, user_domain_name, project_domain_name), used to validate tokens for peers.")
  Path serviceCredentials;

  @Option(names = "--fan-out-failure", paramLabel = "POLICY", defaultValue = "FAIL",
      description = "What an '&' fan-out answers when some clouds fail: FAIL (502 naming them) or PARTIAL (what the"
          + " others answered, with X-Oscope-Fan-Out-Failed naming them) (default: ${DEFAULT-VALUE}).")
  FanOutSettings.Failure fanOutFailure;

  @Option(names = "--fan-out-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long one cloud of an '&' fan-out may take to answer; later, it has failed (default: ${DEFAULT-VALUE}).")
  Duration fanOutTimeout;

  @Option(names = "--fan-out-max-body", paramLabel = "SIZE", defaultValue = "32m", converter = SizeConverter.class,
      description = "The largest answer read from one cloud of an '&' fan-out, to merge; larger is a failure of that"
          + " cloud (default: ${DEFAULT-VALUE}).")
  long fanOutMaxBody;

  @Option(names = "--fan-out-marker-key-file", paramLabel = "FILE",
      description = "Key (at least 32 bytes) signing the markers of merged lists; the same on every instance of"
          + " this proxy behind a load balancer. Default: derived from --peer-secret-file, else drawn at start"
          + " (then markers are valid on this instance only, until it restarts).")
  Path fanOutMarkerKeyFile;

  private FanOutSettings fanOut() throws java.io.IOException {
    return new FanOutSettings(fanOutFailure, fanOutTimeout, fanOutMaxBody,
        fanOutMarkerKeyFile == null ? null : MarkerKey.of(Files.readAllBytes(fanOutMarkerKeyFile)));
  }

  @Option(names = "--maintenance",
      description = "Honour per-project maintenance mode (oscope tenant maintenance): the writes of a project in"
          + " maintenance are refused with 409. Reads the state from the local Keystone with --service-credentials.")
  boolean maintenance;

  @Option(names = "--maintenance-bypass-role", paramLabel = "ROLE", defaultValue = "admin",
      description = "The Keystone role whose tokens write through maintenance, for the migration tool itself"
          + " (default: ${DEFAULT-VALUE}; 'none' for no one).")
  String maintenanceBypassRole;

  @Option(names = "--tenant-state-ttl", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
      description = "How long a project's maintenance state is used before Keystone is asked again: a toggle takes"
          + " effect on every proxy within it (default: ${DEFAULT-VALUE}).")
  Duration tenantStateTtl;

  @Option(names = "--jws-public-keys", paramLabel = "DIR",
      description = "Keystone's JWS public key directory ([jwt_tokens] jws_public_key_repository), when Keystone"
          + " issues JWS tokens: their project is then read offline, with no Keystone call.")
  Path jwsPublicKeys;

  @Option(names = "--tenant-policy", paramLabel = "FILE",
      description = "Tenant policy (JSON): roles needed to send a service to another cloud (remote_roles), clouds"
          + " each project may use (project_clouds). Followed on disk; needs --service-credentials.")
  Path tenantPolicy;

  @Option(names = "--home-clouds",
      description = "Send a project's requests whose scope names no cloud for a service (identity aside) to its home"
          + " cloud (oscope tenant home-cloud), read from the local Keystone with --service-credentials.")
  boolean homeClouds;

  @Mixin
  NotificationOptions notifications = new NotificationOptions();

  /** The tenant policies, or {@code null} with none of --maintenance, --home-clouds, --tenant-policy. */
  private Tenants.Policy tenants(String proxyName, Notifier notifier, java.util.function.Consumer<String> introspected,
      Tenants.Peers peers) throws java.io.IOException {
    if (!maintenance && !homeClouds && tenantPolicy == null) {
      if (jwsPublicKeys != null) {
        throw new IllegalArgumentException("--jws-public-keys needs --maintenance, --home-clouds or --tenant-policy");
      }
      return null;
    }
    if (serviceCredentials == null) {
      throw new IllegalArgumentException("--maintenance, --home-clouds and --tenant-policy need --service-credentials");
    }
    java.util.function.Supplier<TenantPolicy> policy = tenantPolicy == null ? () -> TenantPolicy.NONE
        : TenantPolicyFile.load(tenantPolicy, java.time.InstantSource.system());
    return Tenants.policy(ServiceCredentials.read(serviceCredentials), maintenance, homeClouds, policy, jwsPublicKeys,
        maintenanceBypassRole.equals("none") ? null : maintenanceBypassRole, tenantStateTtl,
        new TenantEvents(notifier, proxyName), introspected, peers);
  }

  private PeerTrust peerTrust() throws java.io.IOException {
    if (peerSecretFile == null) {
      if (serviceCredentials != null && !maintenance && !homeClouds && tenantPolicy == null) {
        throw new IllegalArgumentException(
            "--service-credentials needs --peer-secret-file, --maintenance or --tenant-policy");
      }
      return null;
    }
    String secret = Files.readString(peerSecretFile).strip();
    return new PeerTrust(secret, serviceCredentials == null ? null : ServiceCredentials.read(serviceCredentials));
  }

  /** Where spans go, or null when tracing is off. */
  private URI traces() {
    if (!tracing) {
      if (otlpEndpoint != null) throw new IllegalArgumentException("--otlp-endpoint needs --tracing");
      return null;
    }
    return otlpEndpoint != null ? otlpEndpoint : Tracing.DEFAULT_ENDPOINT;
  }

  @Override
  public Integer call() throws Exception {
    // Before anything binds: a refused start must leave no port taken.
    URI traces = traces();
    String token = adminTokenFile == null ? null : Files.readString(adminTokenFile).strip();
    AdminServer.requireProtected(admin, token);
    RouteTable table = RouteTable.load(services, cloud);
    Set<String> allowed = new TreeSet<>();
    allow.forEach(address -> allowed.add(address.toString()));
    ProxySettings settings = new ProxySettings(cloud, listen, allowed, connectTimeout, responseTimeout,
        idleTimeout, viaName != null ? viaName : "oscope-" + cloud, peerTrust(), accessLog,
        new PoolSettings(healthInterval, healthTimeout, healthRise, healthFall, healthPath, healthyStatus, retries, balance,
            new RetryBudget(retryBudget, retryBudgetMin)),
        new TlsSettings(tlsCert, tlsKey, tlsClientCa, upstreamCa, upstreamInsecure, upstreamClientCert, upstreamClientKey),
        new ProxySettings.ClientLimits(headTimeout, bodyTimeout,
            maxConnections != null ? maxConnections : ProxySettings.ClientLimits.defaultMaxConnections(),
            headBudget != null ? headBudget : ProxySettings.ClientLimits.defaults().headBudget()),
        maxUpstreamConnections,
        TrustedHops.parse(trustedProxies).withHopCount(trustedHops), proxyProtocol, fanOut(), traces);
    AppLogLayout.nameProxy(settings.viaName());
    if (notifications.url != null && !maintenance && tenantPolicy == null) {
      throw new IllegalArgumentException("--notifications needs --maintenance or --tenant-policy");
    }
    // Counted in the proxy's metrics, which exist once it has started (no event comes before).
    AtomicReference<ScopeProxy> started = new AtomicReference<>();
    Notifier notifier = notifications.start(result -> {
      ScopeProxy running = started.get();
      if (running != null) running.metrics().notification(result);
    });
    java.util.function.Supplier<RouteTable> tables = () -> started.get() == null ? table : started.get().table();
    Tenants.Policy tenants = tenants(settings.viaName(), notifier, result -> {
      ScopeProxy running = started.get();
      if (running != null) running.metrics().tokenIntrospection(result);
    }, new Tenants.Peers(cloud, settings.peerTrust(), tables, () -> started.get().upstreamTls()));
    ScopeProxy proxy = ScopeProxy.start(table, settings, io.netty.util.concurrent.Ticker.systemTicker(),
        tenants == null ? null : tenants.gate());
    started.set(proxy);
    RouteReloader reloader = RouteReloader.start(services, cloud, proxy::swap, table);
    reloader.onReload(outcome -> proxy.metrics().reloaded(outcome.result(), java.time.Instant.now()));
    if (watch) reloader.watch();
    Signals.onHangup(() -> {
      LOG.info("SIGHUP: reloading the route file {} and the TLS certificates", services);
      reloader.reload();
      proxy.reloadTls();
    });
    AdminServer adminServer;
    try {
      adminServer = AdminServer.start(admin, reloader, proxy, token, Set.copyOf(adminHosts),
          tenants == null ? null : tenants.toggles());
    } catch (RuntimeException e) {
      // The admin port in use: free the main port too, as if the proxy had never started.
      reloader.close();
      proxy.close(Duration.ZERO);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Before the last start line: whoever waits for it (a supervisor, a test) may signal at once.
    Signals.onTerminate(() -> {
      LOG.info("stopping: no new connections, {} for requests in flight", gracePeriod);
      proxy.close(gracePeriod);
      reloader.close();
      adminServer.close();
      if (notifier != null) notifier.close();
      LOG.info("stopped");
      stopped.countDown();
    });
    LOG.info("admin listener on {} (GET /healthz /readyz /metrics /routes /pools, POST /reload{}){}",
        adminServer.address(), tenants == null || tenants.toggles() == null ? ""
            : ", GET /tenants, PUT|DELETE /tenants/{project}/maintenance",
        token == null ? "" : ", token required");
    // The server stops accepting at once on SIGTERM; this thread waits for the graceful end.
    stopped.await();
    return Oscope.OK;
  }
}
