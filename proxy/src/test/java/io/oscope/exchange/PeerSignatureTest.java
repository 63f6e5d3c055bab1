package io.oscope.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeerSignatureTest {
  private static final String SECRET = "a-secret-shared-by-the-peer-proxies";
  private static final Instant NOW = Instant.parse("2026-11-22T01:00:00Z");
  private final PeerSignature signer = PeerSignature.of(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

  private static PeerSignature verifierAt(Instant now, String secret) {
    return PeerSignature.of(secret, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aSignatureVerifiesForTheSameCallAndNamesTheSigner() {
    String header = signer.sign("CloudTwo", "GET", "/v3/auth/tokens", "user-token");

    assertThat(header).startsWith("CloudTwo:" + NOW.getEpochSecond() + ":");
    assertThat(verifierAt(NOW.plusSeconds(5), SECRET).verify(header, "GET", "/v3/auth/tokens", "user-token"))
        .isEqualTo("CloudTwo");
  }

  @Test
  void aSignatureIsBoundToTheTokenTheCallAndTheSecret() {
    String header = signer.sign("CloudTwo", "GET", "/v3/auth/tokens", "user-token");

    assertThat(signer.verify(header, "GET", "/v3/auth/tokens", "another-token")).isNull();
    assertThat(signer.verify(header, "HEAD", "/v3/auth/tokens", "user-token")).isNull();
    assertThat(signer.verify(header, "GET", "/identity/v3/auth/tokens", "user-token")).isNull();
    assertThat(signer.verify(header.replace("CloudTwo:", "CloudOne:"), "GET", "/v3/auth/tokens", "user-token")).isNull();
    assertThat(verifierAt(NOW, SECRET + "x").verify(header, "GET", "/v3/auth/tokens", "user-token")).isNull();
  }

  @Test
  void aSignatureExpiresAfterItsWindow() {
    String header = signer.sign("CloudTwo", "GET", "/v3/auth/tokens", "user-token");

    assertThat(verifierAt(NOW.plus(PeerSignature.window()), SECRET).verify(header, "GET", "/v3/auth/tokens", "user-token"))
        .isEqualTo("CloudTwo");
    assertThat(verifierAt(NOW.plus(PeerSignature.window()).plusSeconds(1), SECRET)
        .verify(header, "GET", "/v3/auth/tokens", "user-token")).isNull();
    assertThat(verifierAt(NOW.minus(PeerSignature.window()).minusSeconds(1), SECRET)
        .verify(header, "GET", "/v3/auth/tokens", "user-token")).isNull();
  }

  @Test
  void garbageNeverVerifies() {
    for (String header : new String[] {null, "", "CloudTwo", "CloudTwo:x:y", "CloudTwo:1:", ":::"}) {
      assertThat(signer.verify(header, "GET", "/v3/auth/tokens", "user-token")).as(header).isNull();
    }
  }

  @Test
  void shortSecretsAreRefused() {
    assertThatThrownBy(() -> PeerSignature.of("short", Clock.systemUTC()))
        .hasMessage("the peer secret must have at least 32 characters");
  }
}
