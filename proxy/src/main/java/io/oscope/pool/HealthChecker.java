package io.oscope.pool;

import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.oscope.routes.HostPort;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.TcpClient;

/**
 * Checks every upstream address of the route table in use, every {@code interval}: a TCP connect,
 * or an HTTP {@code GET path} whose status must be at most {@code healthyStatus}, over TLS for
 * the addresses of https pools (verified as requests to them are). Results feed the
 * {@link Balancer}: {@code fall} failures take an address down, {@code rise} successes bring it
 * back; a check that failed for want of local resources (file descriptors) counts for neither.
 * Each round first forgets the addresses no longer in the table. Checks are non-blocking and run
 * concurrently.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final Balancer balancer;
  private final Supplier<Map<HostPort, Boolean>> addresses;
  private final Supplier<SslContext> upstreamTls;
  /** The clients of HTTP checks, made at the first (with a health path only; TCP checks need none). */
  private HttpClient http;
  private HttpClient https;
  private Disposable schedule;
  private Mono<Void> first = Mono.empty();

  /**
   * @param addresses the addresses to check, each with whether it speaks TLS; read again at each
   *     round (the table may change)
   * @param upstreamTls the context requests to https upstreams use, asked for at the first check
   *     over TLS; null for the JDK's defaults
   */
  public HealthChecker(Balancer balancer, Supplier<Map<HostPort, Boolean>> addresses,
      Supplier<SslContext> upstreamTls) {
    this.balancer = balancer;
    this.addresses = addresses;
    this.upstreamTls = upstreamTls;
  }

  /**
   * The client of HTTP checks, over TLS or not, made at its first use: not at start, where an
   * https client's TLS context would cost JSSE's start (BENCHMARKS.md, "Start-up and size").
   */
  private synchronized HttpClient client(boolean tls) {
    if (http == null) {
      http = HttpClient.create(ConnectionProvider.newConnection())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) balancer.settings().timeout().toMillis())
          .responseTimeout(balancer.settings().timeout());
    }
    if (tls && https == null) {
      SslContext context = upstreamTls == null ? null : upstreamTls.get();
      https = context == null ? http.secure() : http.secure(spec -> spec.sslContext(context));
    }
    return tls ? https : http;
  }

  /** Starts checking, the first round at once. */
  public HealthChecker start() {
    first = round().cache();
    first.subscribe();
    schedule = Flux.interval(balancer.settings().interval(), balancer.settings().interval())
        .onBackpressureDrop()
        .concatMap(tick -> round(), 1)
        .subscribe(done -> { }, error -> LOG.error("health checks stopped", error));
    return this;
  }

  /** Completes when the first round of checks has judged every address. */
  public Mono<Void> firstRound() {
    return first;
  }

  /**
   * One round: forgets the addresses no longer in the table, then checks every address once. A
   * check that failed for a reason of this host (out of file descriptors) judges nothing.
   */
  public Mono<Void> round() {
    Map<HostPort, Boolean> current = addresses.get();
    balancer.retain(current.keySet());
    current.keySet().forEach(balancer::member);
    return Flux.fromIterable(current.entrySet())
        .flatMap(target -> check(target.getKey(), target.getValue())
            .doOnNext(outcome -> balancer.checked(target.getKey(), outcome)))
        .then();
  }

  /** What checking {@code address} tells: {@link Outcome#ANSWERED} when it passes. */
  private Mono<Outcome> check(HostPort address, boolean tls) {
    PoolSettings settings = balancer.settings();
    Mono<Outcome> probe;
    if (settings.path() == null) {
      probe = TcpClient.create(ConnectionProvider.newConnection())
          .host(address.host()).port(address.port())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.timeout().toMillis())
          .connect()
          .map(connection -> {
            connection.dispose();
            return Outcome.ANSWERED;
          });
    } else {
      probe = client(tls).get().uri((tls ? "https://" : "http://") + address + settings.path())
          .responseSingle((response, body) -> body.then(Mono.just(response.status().code() <= settings.healthyStatus()
              ? Outcome.ANSWERED : new Outcome.AddressFailure("health check answered " + response.status().code()))));
    }
    return probe
        .timeout(settings.timeout().multipliedBy(2))
        .onErrorResume(error -> {
          if (Outcome.of(error) instanceof Outcome.AddressFailure failure) {
            return Mono.just(new Outcome.AddressFailure("health check failed: " + failure.problem()));
          }
          LOG.warn("health check of {} failed on this host, which says nothing about the address: {}", address, error.toString());
          return Mono.just(Outcome.NOTHING_LEARNED);
        });
  }

  @Override
  public void close() {
    if (schedule != null) schedule.dispose();
  }
}
