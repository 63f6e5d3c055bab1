package io.oscope.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.tenant.TenantGate;
import io.oscope.tenant.TenantPolicy;
import io.oscope.tenant.TenantState;
import io.oscope.tenant.TenantStates;
import io.oscope.token.JwsVerifier;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import io.oscope.token.TokenVerdict;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the tenant policies cost a request (issue 15): a JWS token verified offline (once per
 * token), then the cache hits every later request of the token pays; the gate's decision for a
 * write with warm caches (maintenance and roles), and for a read (nothing to do).
 *
 * <pre>{@code java -jar benchmarks/target/benchmarks.jar Tenant -prof gc}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TenantBenchmark {
  private JwsVerifier verifier;
  private String jws;
  private TokenIdentities identities;
  private TenantGate gate;
  private TenantGate.Call write;
  private TenantGate.Call read;

  @Setup
  public void setUp() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(key.toECPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    verifier = JwsVerifier.of(Map.of("node.pem", pem), Duration.ofSeconds(30));
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("9a4f0c2e6b1d4e8f").issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
        .claim("openstack_methods", List.of("password")).claim("openstack_audit_ids", List.of("k8Hc3kBJT0WvD0sOqDy0Lg"))
        .claim("openstack_project_id", "7d5ab2f4c1e94b0a").build();
    SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
    token.sign(new ECDSASigner(key));
    jws = token.serialize();
    TokenIdentity admin = new TokenIdentity("9a4f0c2e6b1d4e8f", "7d5ab2f4c1e94b0a", null, null, List.of("password"),
        List.of("k8Hc3kBJT0WvD0sOqDy0Lg"), Instant.now().plusSeconds(3600), Set.of("admin", "member"),
        TokenIdentity.Source.KEYSTONE);
    identities = new TokenIdentities(() -> verifier, t -> CompletableFuture.completedFuture(admin),
        TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
    TenantStates states = new TenantStates(p -> CompletableFuture.completedFuture(
        new TenantState(p, "demo", "moving to CloudTwo", null, null)), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Ticker.systemTicker());
    gate = new TenantGate(identities, states, true, "admin",
        () -> new TenantPolicy(Map.of("compute", Set.of("admin")), Map.of()), false);
    write = new TenantGate.Call("compute", HttpMethod.POST, "/v2.1/servers", "CloudTwo", true, jws, false);
    read = new TenantGate.Call("compute", HttpMethod.GET, "/v2.1/servers", "CloudOne", false, jws, false);
    if (gate.admit(write).join().refusal() != null) throw new IllegalStateException("the admin should pass");
  }

  /** Verifying a Keystone JWS token offline: what its first request costs. */
  @Benchmark
  public TokenIdentity verifyJws() throws Exception {
    return verifier.verify(jws, Instant.now());
  }

  /** A JWS token already verified: its project known from the cache. */
  @Benchmark
  public TokenVerdict knownJws() {
    return identities.known(jws, false);
  }

  /** A token already introspected: its roles known from the cache. */
  @Benchmark
  public TokenVerdict knownWithRoles() {
    return identities.known(jws, true);
  }

  /** A write sent to another cloud, its project in maintenance, the admin bypassing: every cache warm. */
  @Benchmark
  public TenantGate.Admission admitWarmWrite() {
    return gate.admit(write).join();
  }

  /** A read of the proxy's own cloud: none of the policies' business. */
  @Benchmark
  public boolean readConcernsNoPolicy() {
    return gate.concerns(read.serviceType(), read.method(), read.servicePath(), read.remote(), read.defaulted());
  }
}
