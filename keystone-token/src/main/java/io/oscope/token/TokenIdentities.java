package io.oscope.token;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Who tokens name, learnt as cheaply as each request allows and remembered by the token's hash:
 * a JWS token is verified offline when its claims say enough; any other token, or one whose roles
 * are needed, is introspected with Keystone once, however many requests carry it at the same time.
 *
 * <p>A valid token is remembered until it expires or for {@link Settings#maxTtl} (at most 300 s, as
 * keystonemiddleware), whichever comes first; a token Keystone refused, for {@link
 * Settings#invalidTtl}; a failure to ask (Keystone unreachable, 5xx: {@link TokenVerdict.Unavailable}) not at all, so the next request
 * asks again while what is cached keeps serving.
 *
 * <pre>{@code
 * TokenIdentities identities = new TokenIdentities(() -> jws, keystone::introspect,
 *     Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
 * identities.identify(token, true).thenAccept(verdict -> ...);
 * }</pre>
 */
public final class TokenIdentities {

  /** How long what is learnt of tokens is remembered, and how many tokens at most. */
  public record Settings(Duration maxTtl, Duration invalidTtl, long maxTokens) {
    public static final Duration LONGEST_TTL = Duration.ofSeconds(300);
    public static final Settings DEFAULT = new Settings(LONGEST_TTL, Duration.ofSeconds(10), 100_000);

    public Settings {
      if (maxTtl.isNegative() || maxTtl.compareTo(LONGEST_TTL) > 0) {
        throw new IllegalArgumentException("token cache TTL " + maxTtl + " is not within 0..300 s");
      }
      if (invalidTtl.isNegative() || invalidTtl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException("invalid-token TTL " + invalidTtl + " is not within 0.." + maxTtl);
      }
      if (maxTokens < 1) throw new IllegalArgumentException("token cache size " + maxTokens + " is below 1");
    }
  }

  /** Asks Keystone who a token names ({@code GET /v3/auth/tokens}). */
  @FunctionalInterface
  public interface Introspection {
    /**
     * Completes with the token's identity (roles included); exceptionally with {@link
     * InvalidTokenException} when Keystone says the token is not valid (404, 401 on the subject),
     * or with any other exception when Keystone could not answer.
     */
    CompletableFuture<TokenIdentity> introspect(String token);
  }

  private final Supplier<JwsVerifier> jws;
  private final Introspection introspection;
  private final InstantSource clock;
  private final Cache<TokenKey, TokenVerdict> verified;
  private final AsyncCache<TokenKey, TokenVerdict> introspected;

  /**
   * @param jws the verifier of the moment (keys are reloaded), or a supplier of {@code null} when
   *     Keystone does not issue JWS tokens
   * @param ticker Caffeine's time, for expiry; {@code clock} the wall time tokens expire in
   */
  public TokenIdentities(Supplier<JwsVerifier> jws, Introspection introspection, Settings settings,
      Ticker ticker, InstantSource clock) {
    this.jws = Objects.requireNonNull(jws, "jws");
    this.introspection = Objects.requireNonNull(introspection, "introspection");
    this.clock = Objects.requireNonNull(clock, "clock");
    Expiry<TokenKey, TokenVerdict> expiry = new VerdictExpiry(settings, clock);
    // Maintenance (expiry, eviction) runs on the calling thread: a few map operations, no pool hop,
    // and tests see its effects without waiting.
    this.verified = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(settings.maxTokens())
        .expireAfter(expiry).build();
    this.introspected = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker)
        .maximumSize(settings.maxTokens()).expireAfter(expiry).buildAsync();
  }

  /**
   * What is known of {@code token} without waiting: its verdict if cached or verifiable offline,
   * else {@code null} (then {@link #identify} asks Keystone).
   *
   * @param needRoles whether the caller needs the token's roles, which only Keystone tells
   */
  public TokenVerdict known(String token, boolean needRoles) {
    TokenKey key = TokenKey.of(token);
    if (!needRoles) {
      TokenVerdict offline = verifiedOffline(key, token);
      if (offline != null) return offline;
    }
    CompletableFuture<TokenVerdict> asked = introspected.getIfPresent(key);
    if (asked == null || !asked.isDone()) return null;
    TokenVerdict verdict = asked.join();
    return verdict instanceof TokenVerdict.Unavailable ? null : verdict;
  }

  /**
   * What is known of {@code token}: from the caches, offline, or from Keystone; {@link
   * TokenVerdict.Unavailable} when Keystone had to be asked and could not answer. Never completes
   * exceptionally. One hash of the token, whatever the path: no need to ask {@link #known} first;
   * a cached verdict is answered as the future it is kept in.
   */
  public CompletableFuture<TokenVerdict> identify(String token, boolean needRoles) {
    TokenKey key = TokenKey.of(token);
    if (!needRoles) {
      TokenVerdict offline = verifiedOffline(key, token);
      if (offline != null) return CompletableFuture.completedFuture(offline);
    }
    // A hit answers the cached future and allocates nothing (get would make its mapping function).
    CompletableFuture<TokenVerdict> cached = introspected.getIfPresent(key);
    return cached != null ? cached : introspected.get(key, (k, executor) -> ask(token));
  }

  /** How many tokens are remembered, both caches together (for metrics and tests). */
  public long size() {
    verified.cleanUp();
    introspected.synchronous().cleanUp();
    return verified.estimatedSize() + introspected.synchronous().estimatedSize();
  }

  private TokenVerdict verifiedOffline(TokenKey key, String token) {
    JwsVerifier verifier = jws.get();
    if (verifier == null || !JwsVerifier.looksLikeJws(token)) return null;
    return verified.get(key, k -> {
      try {
        return new TokenVerdict.Known(verifier.verify(token, clock.instant()));
      } catch (InvalidTokenException e) {
        return new TokenVerdict.Invalid(e.getMessage());
      }
    });
  }

  /**
   * Keystone's verdict. A failure to ask completes normally, as {@link TokenVerdict.Unavailable}
   * that expires at once: the requests waiting for this answer share it, the next one asks again,
   * and Caffeine does not log a stack trace per token while Keystone is down.
   */
  private CompletableFuture<TokenVerdict> ask(String token) {
    return Settled.of(() -> introspection.introspect(token), (identity, cause) -> {
      if (cause == null) return new TokenVerdict.Known(identity);
      if (cause instanceof InvalidTokenException invalid) return new TokenVerdict.Invalid(invalid.getMessage());
      return new TokenVerdict.Unavailable(String.valueOf(cause.getMessage()));
    });
  }

  /** A valid token until it expires, capped by the TTL; a refused one for the invalid TTL. */
  private record VerdictExpiry(Settings settings, InstantSource clock) implements Expiry<TokenKey, TokenVerdict> {
    @Override
    public long expireAfterCreate(TokenKey key, TokenVerdict verdict, long now) {
      if (verdict instanceof TokenVerdict.Known known) {
        Duration left = Duration.between(clock.instant(), known.identity().expiresAt());
        if (left.isNegative()) return 0;
        return Math.min(left.toNanos(), settings.maxTtl().toNanos());
      }
      return verdict instanceof TokenVerdict.Invalid ? settings.invalidTtl().toNanos() : 0;
    }

    @Override
    public long expireAfterUpdate(TokenKey key, TokenVerdict verdict, long now, long currentDuration) {
      return expireAfterCreate(key, verdict, now);
    }

    @Override
    public long expireAfterRead(TokenKey key, TokenVerdict verdict, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
