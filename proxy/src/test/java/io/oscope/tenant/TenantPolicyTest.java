package io.oscope.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantPolicyTest {

  private static TenantPolicy parse(String json) {
    return TenantPolicy.parse("policy.json", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsRolesPerServiceAndCloudsPerProject() {
    TenantPolicy policy = parse("""
        {"remote_roles": {"compute": ["admin", "cross-cloud"], "*": ["member"]},
         "project_clouds": {"p-1": ["CloudOne"]}}""");

    assertThat(policy.rolesToSendAway("compute")).containsExactlyInAnyOrder("admin", "cross-cloud");
    assertThat(policy.rolesToSendAway("image")).containsExactly("member");
    assertThat(policy.cloudsOf("p-1")).containsExactly("CloudOne");
    assertThat(policy.cloudsOf("p-2")).isNull();
    assertThat(parse("{}")).isEqualTo(TenantPolicy.NONE);
    assertThat(TenantPolicy.NONE.concerns("compute", true)).isFalse();
    assertThat(parse("{\"remote_roles\": {\"compute\": [\"admin\"]}}").concerns("compute", false)).isFalse();
  }

  @Test
  void namesEveryProblemAtOnce() {
    assertThatThrownBy(() -> parse("""
        {"remote_role": {},
         "remote_roles": {"compute": [], "bad type": ["admin"], "image": ["", 3]},
         "project_clouds": {"p-1": "CloudOne", "p-2": ["Cloud One"]}}"""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy.json: unknown field 'remote_role'")
        .hasMessageContaining("remote_roles.compute must be a non-empty array of role names")
        .hasMessageContaining("remote_roles: service type 'bad type'")
        .hasMessageContaining("remote_roles.image: \"\" is not a role name")
        .hasMessageContaining("remote_roles.image: 3 is not a role name")
        .hasMessageContaining("project_clouds.p-1 must be a non-empty array of cloud names")
        .hasMessageContaining("project_clouds.p-2: cloud 'Cloud One'");
    assertThatThrownBy(() -> parse("[")).hasMessageStartingWith("policy.json: not valid JSON");
  }

  @Test
  void theFileIsFollowedAndABadVersionKeepsThePrevious(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, "{\"project_clouds\": {\"p-1\": [\"CloudOne\"]}}");
    Instant[] now = {Instant.parse("2026-12-03T08:00:00Z")};
    TenantPolicyFile policy = TenantPolicyFile.load(file, () -> now[0]);

    Files.writeString(file, "{\"project_clouds\": {\"p-1\": [\"CloudOne\", \"CloudTwo\"]}}");
    assertThat(policy.get().cloudsOf("p-1")).as("not looked at before the interval").containsExactly("CloudOne");
    now[0] = now[0].plus(TenantPolicyFile.CHECK_EVERY);
    assertThat(policy.get().cloudsOf("p-1")).isEqualTo(Set.of("CloudOne", "CloudTwo"));

    Files.writeString(file, "{\"project_clouds\": {\"p-1\": []}}");
    now[0] = now[0].plus(TenantPolicyFile.CHECK_EVERY);
    assertThat(policy.get().cloudsOf("p-1")).isEqualTo(Set.of("CloudOne", "CloudTwo"));
  }
}
