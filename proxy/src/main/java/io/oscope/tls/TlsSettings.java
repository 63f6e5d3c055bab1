package io.oscope.tls;

import java.nio.file.Path;

/**
 * TLS on both sides of the proxy. Every path is a PEM file; {@code null} turns the feature off.
 *
 * @param serverCert the frontend's certificate chain: with {@code serverKey}, the proxy listens on HTTPS
 * @param serverKey the frontend's private key (PKCS#8 PEM, as {@code openssl genpkey} writes)
 * @param clientCa when set, the frontend requires client certificates signed by these CAs (mutual TLS
 *     between proxies)
 * @param upstreamCa the CAs that upstream certificates (https backends and peers) must chain to;
 *     {@code null} means the JVM's default trust store
 * @param upstreamInsecure accept any upstream certificate: explicit, and logged as a warning
 * @param clientCert the certificate this proxy presents to upstreams that ask for one (peers with
 *     {@code clientCa})
 * @param clientKey its private key
 */
public record TlsSettings(Path serverCert, Path serverKey, Path clientCa, Path upstreamCa, boolean upstreamInsecure,
    Path clientCert, Path clientKey) {

  public TlsSettings {
    if ((serverCert == null) != (serverKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("--upstream-client-cert and --upstream-client-key go together");
    }
    if (clientCa != null && serverCert == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
    }
    if (upstreamInsecure && upstreamCa != null) {
      throw new IllegalArgumentException("--upstream-insecure and --upstream-ca exclude each other");
    }
  }

  /** No TLS anywhere but what the JVM's defaults give https upstreams. */
  public static TlsSettings none() {
    return new TlsSettings(null, null, null, null, false, null, null);
  }

  public boolean serverTls() {
    return serverCert != null;
  }
}
