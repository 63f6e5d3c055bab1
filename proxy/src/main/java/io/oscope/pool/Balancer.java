package io.oscope.pool;

import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the address of a pool a request goes to: among the members that are up and not yet tried
 * by this request, the one with the fewest requests outstanding (ties in turn), or simply the next
 * in turn ({@link PoolSettings.Balance#ROUND_ROBIN}). Keeps the state of every address of the
 * route table in use, across reloads, and takes members down after {@code fall} consecutive
 * address failures (passive ejection, see {@link Outcome}); the {@link HealthChecker} brings them
 * back, and forgets the addresses a reload removed.
 *
 * <pre>{@code
 * Member member = balancer.pick(pool, tried);
 * balancer.begin(member);
 * ... balancer.end(member, Outcome.ANSWERED);
 * }</pre>
 */
public final class Balancer {
  private static final Logger LOG = LoggerFactory.getLogger(Balancer.class);

  private final PoolSettings settings;
  private final ConcurrentHashMap<HostPort, Member> members = new ConcurrentHashMap<>();
  /** Per pool, as the route file writes it: the same pool in two tables is one. */
  private final ConcurrentHashMap<Pool, PoolLoad> loads = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  public Balancer(PoolSettings settings) {
    this.settings = settings;
  }

  public PoolSettings settings() {
    return settings;
  }

  /** The state of {@code address}, created up on first sight. */
  public Member member(HostPort address) {
    return members.computeIfAbsent(address, Member::new);
  }

  /** Every address of the table in use (and those of tables requests in flight started with). */
  public Collection<Member> members() {
    return members.values();
  }

  /** The requests and retries in flight to {@code pool}, for its retry budget. */
  public PoolLoad load(Pool pool) {
    PoolLoad load = loads.get(pool);
    return load != null ? load : loads.computeIfAbsent(pool, p -> new PoolLoad());
  }

  /** The member to try next, or {@code null} when every member is down or tried. */
  public Member pick(Pool pool, Set<HostPort> tried) {
    var addresses = pool.addresses();
    int size = addresses.size();
    int start = size == 1 ? 0 : Math.floorMod(turn.getAndIncrement(), size);
    Member best = null;
    for (int i = 0; i < size; i++) {
      HostPort address = addresses.get((start + i) % size);
      if (tried.contains(address)) continue;
      Member candidate = member(address);
      if (!candidate.isUp()) continue;
      if (settings.balance() == PoolSettings.Balance.ROUND_ROBIN) return candidate;
      if (best == null || candidate.outstanding() < best.outstanding()) best = candidate;
    }
    return best;
  }

  /** Marks the start of a request to {@code member}. */
  public void begin(Member member) {
    member.begin();
  }

  /**
   * Marks the end of a try to {@code member}, with what it told about the address: only an
   * {@link Outcome.AddressFailure} counts toward {@code fall}; an HTTP answer, whatever its status,
   * is a success; {@link Outcome#NOTHING_LEARNED} counts for neither.
   */
  public void end(Member member, Outcome outcome) {
    member.end();
    report(member, outcome);
  }

  /** Records the outcome of an active check of {@code address}, unless the address was forgotten. */
  void checked(HostPort address, Outcome outcome) {
    Member member = members.get(address);
    if (member == null || outcome instanceof Outcome.NothingLearned) return;
    member.checked(outcome instanceof Outcome.Answered);
    report(member, outcome);
  }

  /**
   * Forgets the addresses that are not in {@code current} (a reload removed them): they leave
   * {@code /pools} and the metrics. Those still in it keep their state.
   */
  void retain(Set<HostPort> current) {
    for (HostPort address : members.keySet()) {
      if (!current.contains(address) && members.remove(address) != null) {
        LOG.info("upstream {} is no longer in the route table: forgotten", address);
      }
    }
    // A pool none of whose addresses is left gets no new request: its count goes once idle.
    loads.entrySet().removeIf(entry -> entry.getValue().idle()
        && entry.getKey().addresses().stream().noneMatch(current::contains));
  }

  private void report(Member member, Outcome outcome) {
    if (outcome instanceof Outcome.Answered) {
      if (member.succeeded(settings.rise())) LOG.info("upstream {} is UP again", member.address());
    } else if (outcome instanceof Outcome.AddressFailure failure && member.failed(settings.fall(), failure.problem())) {
      LOG.warn("upstream {} is DOWN ({})", member.address(), member.lastProblem());
    }
  }
}
