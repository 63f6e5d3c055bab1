package io.oscope.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link TlsSettings} to the proxy's server and upstream client. The frontend's key
 * manager is kept so that its certificate can be reloaded without a restart.
 */
public final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  private final TlsSettings settings;
  private final ReloadingKeyManager serverKeys;
  private final ReloadingKeyManager clientKeys;
  /** The context for https upstreams, once made. */
  private volatile SslContext upstream;

  private TlsContexts(TlsSettings settings) throws IOException, GeneralSecurityException {
    this.settings = settings;
    this.serverKeys = settings.serverTls() ? ReloadingKeyManager.of(settings.serverCert(), settings.serverKey()) : null;
    this.clientKeys = settings.clientCert() != null ? ReloadingKeyManager.of(settings.clientCert(), settings.clientKey()) : null;
    if (settings.upstreamInsecure()) {
      LOG.warn("upstream TLS certificates are NOT verified (--upstream-insecure): anyone on the path can"
          + " impersonate the backends and peers");
    }
  }

  /** Reads the certificate and key files named by {@code settings}. */
  public static TlsContexts of(TlsSettings settings) throws IOException, GeneralSecurityException {
    return new TlsContexts(settings);
  }

  /** The frontend's TLS context, or null when the proxy serves plain HTTP. */
  public SslContext server() throws SSLException {
    if (serverKeys == null) return null;
    SslContextBuilder builder = SslContextBuilder.forServer(serverKeys);
    if (settings.clientCa() != null) builder.trustManager(settings.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
    return builder.build();
  }

  /**
   * The context for https upstreams: verifies their certificates (chain and host name) against the
   * configured CAs or the JVM's, and presents our certificate where one is configured. Made at the
   * first call and kept: JSSE's provider and the JVM's trust store take 0.2-0.3 s to load, which a
   * proxy without https upstreams need not spend at start.
   *
   * @throws UncheckedIOException if the CA file cannot be read
   */
  public SslContext upstream() {
    SslContext made = upstream;
    if (made != null) return made;
    synchronized (this) {
      if (upstream == null) {
        try {
          upstream = newUpstream();
        } catch (SSLException e) {
          throw new UncheckedIOException(e);
        }
      }
      return upstream;
    }
  }

  /**
   * Whether anything of the upstream side is configured (a CA file, a client certificate, no
   * verification): then its context is best made at start, so that a bad file stops the start.
   */
  public boolean upstreamConfigured() {
    return settings.upstreamInsecure() || settings.upstreamCa() != null || clientKeys != null;
  }

  private SslContext newUpstream() throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
    if (settings.upstreamInsecure()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    } else if (settings.upstreamCa() != null) {
      builder.trustManager(settings.upstreamCa().toFile());
    }
    if (clientKeys != null) builder.keyManager(clientKeys);
    return builder.build();
  }

  /** Reads the certificates and keys again (on SIGHUP); new connections use them. */
  public void reload() throws IOException, GeneralSecurityException {
    if (serverKeys != null) serverKeys.reload();
    if (clientKeys != null) clientKeys.reload();
    if (serverKeys != null || clientKeys != null) LOG.info("TLS certificates reloaded");
  }
}
