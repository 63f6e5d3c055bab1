package io.oscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream TLS context: made once, and at start only when something of it is configured. */
class TlsContextsTest {
  @TempDir
  Path dir;

  @Test
  void withNothingConfiguredTheUpstreamContextWaitsForItsFirstUseAndIsKept() throws Exception {
    TlsContexts tls = TlsContexts.of(TlsSettings.none());
    assertThat(tls.upstreamConfigured()).isFalse();
    assertThat(tls.upstream()).isNotNull().isSameAs(tls.upstream());
  }

  @Test
  void aConfiguredUpstreamSideIsMadeAtStartSoThatABadFileStopsIt() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThat(TlsContexts.of(new TlsSettings(null, null, null, null, true, null, null)).upstreamConfigured()).isTrue();
    TlsContexts tls = TlsContexts.of(new TlsSettings(null, null, null, notPem, false, null, null));
    assertThat(tls.upstreamConfigured()).isTrue();
    assertThatThrownBy(tls::upstream).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.pem");
  }
}
