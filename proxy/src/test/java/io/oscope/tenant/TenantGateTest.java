package io.oscope.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.TokenIdentities;
import io.oscope.token.TokenIdentity;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TenantGateTest {
  private static final TenantState MOVING = new TenantState("p-moving", "moving", "moving to CloudTwo", "2026-12-03T07:00:00Z", null);
  private static final TenantState STAYING = new TenantState("p-staying", "staying", null, null, null);

  /** Tokens Keystone knows: token -> identity; a token absent is invalid; "down" fails. */
  private final Map<String, TokenIdentity> tokens = Map.of(
      "tok-moving-member", identity("p-moving", "member"),
      "tok-moving-admin", identity("p-moving", "admin", "member"),
      "tok-staying", identity("p-staying", "member"),
      "tok-domain", identity(null, "admin"));
  private final List<String> introspected = new ArrayList<>();
  private final List<String> projectsRead = new ArrayList<>();
  private boolean keystoneDown;

  private final TokenIdentities identities = new TokenIdentities(() -> null, token -> {
    introspected.add(token);
    if (keystoneDown) return CompletableFuture.failedFuture(new IOException("connection refused"));
    TokenIdentity who = tokens.get(token);
    return who != null ? CompletableFuture.completedFuture(who)
        : CompletableFuture.failedFuture(new InvalidTokenException("Keystone does not know the token (404)"));
  }, TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
  private final TenantStates states = new TenantStates(project -> {
    projectsRead.add(project);
    if (keystoneDown) return CompletableFuture.failedFuture(new IOException("connection refused"));
    return CompletableFuture.completedFuture(project.equals("p-moving") ? MOVING : STAYING);
  }, Duration.ofSeconds(5), Duration.ofMinutes(10), Ticker.systemTicker());
  private TenantPolicy policy = TenantPolicy.NONE;
  private final TenantGate gate = new TenantGate(identities, states, "admin", () -> policy);

  private static TokenIdentity identity(String project, String... roles) {
    return new TokenIdentity("u", project, project == null ? "default" : null, null, List.of("password"), List.of("a"),
        Instant.now().plusSeconds(3600), Set.of(roles), TokenIdentity.Source.KEYSTONE);
  }

  private TenantGate.Refusal admit(HttpMethod method, String path, String token) {
    return admit(gate, "compute", method, path, "Solo", false, token).refusal();
  }

  private static TenantGate.Admission admit(TenantGate gate, String service, HttpMethod method, String path,
      String cloud, boolean remote, String token) {
    return gate.admit(new TenantGate.Call(service, method, path, cloud, remote, token, false)).join();
  }

  @Test
  void readsPassWithoutALookAtTheToken() {
    assertThat(admit(HttpMethod.GET, "/servers/detail", "tok-moving-member")).isNull();
    assertThat(admit(gate, "identity", HttpMethod.POST, "/v3/auth/tokens", "Solo", false, "tok-moving-member").admitted())
        .isTrue();
    assertThat(gate.concerns("compute", HttpMethod.GET, "/servers", true, true)).isFalse();
    assertThat(introspected).isEmpty();
  }

  @Test
  void refusesTheWritesOfAProjectInMaintenance() {
    assertThat(admit(HttpMethod.POST, "/servers", "tok-moving-member")).isEqualTo(new TenantGate.Refusal.InMaintenance(MOVING));
    assertThat(admit(HttpMethod.POST, "/servers/1234/action", "tok-moving-member")).isInstanceOf(TenantGate.Refusal.InMaintenance.class);
    assertThat(admit(HttpMethod.DELETE, "/servers/1234", "tok-moving-member")).isInstanceOf(TenantGate.Refusal.InMaintenance.class);
  }

  @Test
  void letsOtherProjectsWriteAndAsksKeystoneOncePerTokenAndProject() {
    for (int i = 0; i < 3; i++) assertThat(admit(HttpMethod.POST, "/servers", "tok-staying")).isNull();

    assertThat(introspected).containsExactly("tok-staying");
    assertThat(projectsRead).containsExactly("p-staying");
  }

  /**
   * A token of another cloud is checked by that cloud's Keystone, and its project's state read
   * there: the local Keystone, which would call it invalid and let it write, is not asked.
   */
  @Test
  void aTokenOfAnotherCloudIsCheckedWhereItComesFrom() {
    List<String> askedThere = new ArrayList<>();
    TokenIdentities theirs = new TokenIdentities(() -> null, token -> {
      askedThere.add(token);
      return CompletableFuture.completedFuture(identity("p-theirs", "member"));
    }, TokenIdentities.Settings.DEFAULT, Ticker.systemTicker(), InstantSource.system());
    TenantState inMaintenanceThere = new TenantState("p-theirs", "theirs", "moving", null, null);
    TenantStates statesThere = new TenantStates(project -> CompletableFuture.completedFuture(inMaintenanceThere),
        Duration.ofSeconds(5), Duration.ofMinutes(10), Ticker.systemTicker());
    TenantGate peered = gate.withPeers(cloud -> cloud.equals("CloudTwo") ? new IdentityCloud(theirs, statesThere) : null);

    TenantGate.Admission there = peered.admit(new TenantGate.Call("compute", HttpMethod.POST, "/servers", "Solo", false,
        "tok-of-cloudtwo", false, "CloudTwo")).join();

    assertThat(there.refusal()).isEqualTo(new TenantGate.Refusal.InMaintenance(inMaintenanceThere));
    assertThat(there.projectId()).isEqualTo("p-theirs");
    assertThat(askedThere).containsExactly("tok-of-cloudtwo");
    assertThat(introspected).isEmpty();
    assertThat(projectsRead).isEmpty();
  }

  @Test
  void aTokenOfACloudThatCannotBeAskedIsUnavailableNotPassed() {
    TenantGate.Refusal refusal = gate.admit(new TenantGate.Call("compute", HttpMethod.POST, "/servers", "Solo", false,
        "tok-of-cloudthree", false, "CloudThree")).join().refusal();

    assertThat(refusal).isInstanceOf(TenantGate.Refusal.Unavailable.class);
    assertThat(((TenantGate.Refusal.Unavailable) refusal).reason()).contains("CloudThree", "--peer-secret-file");
    assertThat(introspected).isEmpty();
  }

  @Test
  void theBypassRoleWritesThroughMaintenance() {
    assertThat(admit(HttpMethod.POST, "/servers", "tok-moving-admin")).isNull();
  }

  @Test
  void withoutABypassRoleNobodyWritesThroughMaintenance() {
    TenantGate strict = new TenantGate(identities, states, null, () -> TenantPolicy.NONE);

    assertThat(admit(strict, "compute", HttpMethod.POST, "/servers", "Solo", false, "tok-moving-admin").refusal())
        .isInstanceOf(TenantGate.Refusal.InMaintenance.class);
  }

  @Test
  void anInvalidTokenOrOneWithoutProjectIsLeftToTheService() {
    assertThat(admit(HttpMethod.POST, "/servers", "tok-nobody-knows")).isNull();
    assertThat(admit(HttpMethod.POST, "/servers", "tok-domain")).isNull();
    assertThat(admit(HttpMethod.POST, "/servers", null)).isNull();
    assertThat(projectsRead).isEmpty();
  }

  @Test
  void aWriteKeystoneCannotTellAboutIsUnavailableNeverLetThrough() {
    keystoneDown = true;

    assertThat(admit(HttpMethod.POST, "/servers", "tok-moving-member")).isInstanceOf(TenantGate.Refusal.Unavailable.class);
  }

  @Test
  void whatIsRememberedKeepsDecidingWhileKeystoneIsDown() {
    assertThat(admit(HttpMethod.POST, "/servers", "tok-moving-member")).isInstanceOf(TenantGate.Refusal.InMaintenance.class);
    keystoneDown = true;

    assertThat(admit(HttpMethod.POST, "/servers", "tok-moving-member")).isInstanceOf(TenantGate.Refusal.InMaintenance.class);
  }

  @Test
  void sendingAServiceAwayNeedsARoleOfThePolicy() {
    policy = new TenantPolicy(Map.of("compute", Set.of("admin", "cross-cloud")), Map.of());

    TenantGate.Admission member = admit(gate, "compute", HttpMethod.GET, "/servers", "CloudTwo", true, "tok-staying");
    TenantGate.Admission admin = admit(gate, "compute", HttpMethod.GET, "/servers", "CloudTwo", true, "tok-moving-admin");
    TenantGate.Admission local = admit(gate, "compute", HttpMethod.GET, "/servers", "Solo", false, "tok-staying");
    TenantGate.Admission image = admit(gate, "image", HttpMethod.GET, "/v2/images", "CloudTwo", true, "tok-staying");

    assertThat(member.refusal()).isEqualTo(
        new TenantGate.Refusal.RoleRequired("compute", "CloudTwo", Set.of("admin", "cross-cloud")));
    assertThat(member.projectId()).isEqualTo("p-staying");
    assertThat(admin.admitted()).isTrue();
    assertThat(local.admitted()).isTrue();
    assertThat(image.admitted()).isTrue();
    assertThat(admit(gate, "compute", HttpMethod.GET, "/servers", "CloudTwo", true, "tok-nobody-knows").refusal())
        .isInstanceOf(TenantGate.Refusal.RoleRequired.class);
    assertThat(admit(gate, "compute", HttpMethod.GET, "/servers", "CloudTwo", true, null).refusal())
        .isInstanceOf(TenantGate.Refusal.RoleRequired.class);
  }

  @Test
  void aProjectUsesOnlyTheCloudsThePolicyGivesIt() {
    policy = new TenantPolicy(Map.of(), Map.of("p-staying", Set.of("Solo")));

    assertThat(admit(gate, "image", HttpMethod.GET, "/v2/images", "CloudTwo", true, "tok-staying").refusal())
        .isEqualTo(new TenantGate.Refusal.CloudNotAllowed("p-staying", "CloudTwo", Set.of("Solo")));
    assertThat(admit(gate, "image", HttpMethod.GET, "/v2/images", "Solo", false, "tok-staying").admitted()).isTrue();
    assertThat(admit(gate, "image", HttpMethod.GET, "/v2/images", "CloudTwo", true, "tok-moving-member").admitted())
        .as("a project the policy does not list").isTrue();
  }

  @Test
  void aDefaultedCallOfAProjectWithAHomeCloudGoesThere() {
    TenantStates homes = new TenantStates(project -> CompletableFuture.completedFuture(project.equals("p-moving")
        ? new TenantState("p-moving", "moving", null, null, "CloudTwo") : STAYING),
        Duration.ofSeconds(5), Duration.ofMinutes(10), Ticker.systemTicker());
    TenantGate homing = new TenantGate(identities, homes, false, "admin", () -> TenantPolicy.NONE, true);

    TenantGate.Admission moved = homing.admit(
        new TenantGate.Call("image", HttpMethod.GET, "/v2/images", "Solo", false, "tok-moving-member", true)).join();
    TenantGate.Admission named = homing.admit(
        new TenantGate.Call("image", HttpMethod.GET, "/v2/images", "Solo", false, "tok-moving-member", false)).join();
    TenantGate.Admission stays = homing.admit(
        new TenantGate.Call("image", HttpMethod.POST, "/v2/images", "Solo", false, "tok-staying", true)).join();

    assertThat(moved).isEqualTo(new TenantGate.Admission(null, "u", "p-moving", "CloudTwo"));
    assertThat(named.homeCloud()).as("the client's scope wins").isNull();
    assertThat(stays.homeCloud()).isNull();
    assertThat(homing.concerns("image", HttpMethod.GET, "/v2/images", false, true)).isTrue();
    assertThat(homing.concerns("image", HttpMethod.POST, "/v2/images", false, false)).as("no maintenance").isFalse();
  }
}
