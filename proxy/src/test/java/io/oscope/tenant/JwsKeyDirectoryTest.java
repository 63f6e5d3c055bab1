package io.oscope.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oscope.token.JwsVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwsKeyDirectoryTest {
  private static final Duration SKEW = Duration.ofSeconds(30);

  @TempDir Path keys;
  private Instant now = Instant.parse("2026-12-03T08:00:00Z");
  private final InstantSource clock = () -> now;

  /** A node's public key as {@code keystone-manage create_jws_keypair} writes it. */
  private static String publicPem() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] der = generator.generateKeyPair().getPublic().getEncoded();
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void readsEveryKeyAndSkipsHiddenEntries() throws Exception {
    Files.writeString(keys.resolve("node1.pem"), publicPem());
    Files.writeString(keys.resolve("node2.pem"), publicPem());
    Files.createDirectory(keys.resolve("..2026_12_03_08_00_00.123"));
    Files.writeString(keys.resolve(".hidden"), "not a key");

    assertThat(JwsKeyDirectory.load(keys, SKEW, clock).get().keyCount()).isEqualTo(2);
  }

  @Test
  void followsKeysAddedAndRemovedOnceTheCheckIsDue() throws Exception {
    Files.writeString(keys.resolve("node1.pem"), publicPem());
    JwsKeyDirectory directory = JwsKeyDirectory.load(keys, SKEW, clock);
    JwsVerifier first = directory.get();

    Files.writeString(keys.resolve("node2.pem"), publicPem());
    now = now.plus(JwsKeyDirectory.CHECK_EVERY).minusMillis(1);
    assertThat(directory.get()).isSameAs(first);
    now = now.plusMillis(1);
    assertThat(directory.get().keyCount()).isEqualTo(2);

    Files.delete(keys.resolve("node1.pem"));
    now = now.plus(JwsKeyDirectory.CHECK_EVERY);
    assertThat(directory.get().keyCount()).isEqualTo(1);
  }

  @Test
  void keepsTheVerifierWhenNothingChanged() throws Exception {
    Files.writeString(keys.resolve("node1.pem"), publicPem());
    JwsKeyDirectory directory = JwsKeyDirectory.load(keys, SKEW, clock);
    JwsVerifier first = directory.get();

    now = now.plus(JwsKeyDirectory.CHECK_EVERY.multipliedBy(3));

    assertThat(directory.get()).isSameAs(first);
  }

  @Test
  void keepsThePreviousKeysWhenTheDirectoryNoLongerMakesAVerifier() throws Exception {
    Files.writeString(keys.resolve("node1.pem"), publicPem());
    JwsKeyDirectory directory = JwsKeyDirectory.load(keys, SKEW, clock);
    JwsVerifier first = directory.get();

    Files.writeString(keys.resolve("node2.pem"), "-----BEGIN PUBLIC KEY-----\nhalf a ke");
    now = now.plus(JwsKeyDirectory.CHECK_EVERY);
    assertThat(directory.get()).isSameAs(first);

    Files.writeString(keys.resolve("node2.pem"), publicPem());
    now = now.plus(JwsKeyDirectory.CHECK_EVERY);
    assertThat(directory.get().keyCount()).isEqualTo(2);
  }

  @Test
  void refusesToStartWithoutAKey() throws Exception {
    Files.writeString(keys.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> JwsKeyDirectory.load(keys, SKEW, clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private.pem");
  }
}
