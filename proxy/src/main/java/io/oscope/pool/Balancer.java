package io.oscope.pool;

import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the address of a pool a request goes to: among the members that are up and not yet tried
 * by this request, the one with the fewest requests outstanding (ties in turn), or simply the next
 * in turn ({@link PoolSettings.Balance#ROUND_ROBIN}). Keeps the
 * state of every address it has seen, and takes members down after {@code fall} consecutive
 * failures (passive ejection); the {@link HealthChecker} brings them back.
 */
public final class Balancer {
  private static final Logger LOG = LoggerFactory.getLogger(Balancer.class);

  private final PoolSettings settings;
  private final ConcurrentHashMap<HostPort, Member> members = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private final CopyOnWriteArrayList<BiConsumer<Member, Boolean>> listeners = new CopyOnWriteArrayList<>();

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

  /** Every address seen so far. */
  public Collection<Member> members() {
    return members.values();
  }

  /** Calls {@code listener} with a member and its new state ({@code true} = up) on every change. */
  public void onChange(BiConsumer<Member, Boolean> listener) {
    listeners.add(listener);
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

  /** Marks its end: {@code problem} is null on success, else what went wrong (a connect failure, a 5xx). */
  public void end(Member member, String problem) {
    member.end();
    report(member, problem);
  }

  /** Records the outcome of an active check. */
  void checked(Member member, String problem) {
    member.checked(problem == null);
    report(member, problem);
  }

  /** Records the outcome of a check or a request. */
  void report(Member member, String problem) {
    if (problem == null) {
      if (member.succeeded(settings.rise())) changed(member, true);
    } else if (member.failed(settings.fall(), problem)) {
      changed(member, false);
    }
  }

  private void changed(Member member, boolean up) {
    if (up) {
      LOG.info("upstream {} is UP again", member.address());
    } else {
      LOG.warn("upstream {} is DOWN ({})", member.address(), member.lastProblem());
    }
    for (BiConsumer<Member, Boolean> listener : listeners) listener.accept(member, up);
  }
}
