package io.oscope.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwsVerifierTest {
  private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final Keystones node1 = new Keystones();
  private final Keystones node2 = new Keystones();
  private final JwsVerifier verifier =
      JwsVerifier.of(Map.of("node1.pem", node1.publicPem(), "node2.pem", node2.publicPem()), SKEW);

  @Test
  void readsTheClaimsKeystoneWritesOfAValidToken() throws Exception {
    String token = node2.sign(Keystones.projectToken(NOW.minusSeconds(60), NOW.plusSeconds(3600)).build());

    TokenIdentity who = verifier.verify(token, NOW);

    assertThat(who.userId()).isEqualTo("u-1234");
    assertThat(who.projectId()).isEqualTo("p-5678");
    assertThat(who.domainId()).isNull();
    assertThat(who.methods()).containsExactly("password");
    assertThat(who.auditIds()).containsExactly("aUd1t");
    assertThat(who.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(who.source()).isEqualTo(TokenIdentity.Source.JWS);
    assertThat(who.rolesKnown()).isFalse();
    assertThat(JwsVerifier.looksLikeJws(token)).isTrue();
  }

  @Test
  void readsADomainScopedToken() throws Exception {
    JWTClaimsSet claims = Keystones.projectToken(NOW, NOW.plusSeconds(60))
        .claim("openstack_project_id", null).claim("openstack_domain_id", "default").build();

    TokenIdentity who = verifier.verify(node1.sign(claims), NOW);

    assertThat(who.projectId()).isNull();
    assertThat(who.domainId()).isEqualTo("default");
  }

  @Test
  void acceptsATokenWithinTheSkewAndRefusesOneBeyondIt() throws Exception {
    String token = node1.sign(Keystones.projectToken(NOW.minusSeconds(3600), NOW).build());

    assertThat(verifier.verify(token, NOW.plus(SKEW)).userId()).isEqualTo("u-1234");
    assertThatThrownBy(() -> verifier.verify(token, NOW.plus(SKEW).plusSeconds(1)))
        .isInstanceOf(InvalidTokenException.class).hasMessage("token expired at " + NOW);
  }

  @Test
  void refusesATokenSignedByAnUnknownKey() {
    String token = new Keystones().sign(Keystones.projectToken(NOW, NOW.plusSeconds(60)).build());

    assertThatThrownBy(() -> verifier.verify(token, NOW))
        .isInstanceOf(InvalidTokenException.class).hasMessage("JWS signature matches none of the public keys");
  }

  @Test
  void refusesATokenWhosePayloadWasChanged() {
    String token = node1.sign(Keystones.projectToken(NOW, NOW.plusSeconds(60)).build());
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.replace("p-5678", "p-admin").getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> verifier.verify(parts[0] + "." + forged + "." + parts[2], NOW))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("signature");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sub", "exp", "openstack_methods", "openstack_audit_ids"})
  void refusesATokenMissingAClaimKeystoneAlwaysWrites(String claim) {
    JWTClaimsSet.Builder claims = Keystones.projectToken(NOW, NOW.plusSeconds(60));
    claims.claim(claim, null);

    assertThatThrownBy(() -> verifier.verify(node1.sign(claims.build()), NOW))
        .isInstanceOf(InvalidTokenException.class).hasMessage("JWS token has no '" + claim + "' claim");
  }

  @Test
  void refusesAClaimOfTheWrongType() {
    JWTClaimsSet claims = Keystones.projectToken(NOW, NOW.plusSeconds(60)).claim("openstack_methods", 42).build();

    assertThatThrownBy(() -> verifier.verify(node1.sign(claims), NOW))
        .isInstanceOf(InvalidTokenException.class).hasMessage("JWS claim 'openstack_methods' is not a list of strings");
  }

  @Test
  void refusesAnUnsignedTokenAndAFernetToken() {
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"u\"}".getBytes());
    String fernet = "gAAAAABnX0Jm4Yq6-9pTc7VxK0S2";

    assertThatThrownBy(() -> verifier.verify(header + "." + body + ".", NOW)).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> verifier.verify(fernet, NOW))
        .isInstanceOf(InvalidTokenException.class).hasMessageStartingWith("not a JWS token");
    assertThat(JwsVerifier.looksLikeJws(fernet)).isFalse();
  }

  @Test
  void namesEveryFileThatHoldsNoUsableKey() {
    assertThatThrownBy(() -> JwsVerifier.of(Map.of("a.pem", "garbage", "b.pem", node1.publicPem(),
        "c.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), SKEW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.pem: ").hasMessageContaining("c.pem: ").hasMessageNotContaining("b.pem");
    assertThatThrownBy(() -> JwsVerifier.of(Map.of(), SKEW)).hasMessageContaining("no public key");
  }
}
