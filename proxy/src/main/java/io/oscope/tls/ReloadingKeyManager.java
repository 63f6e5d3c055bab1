package io.oscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose certificate and key come from PEM files and can be read again while the
 * proxy runs: connections opened after {@link #reload()} present the new certificate, those
 * already open keep theirs.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private final Path certificate;
  private final Path key;
  private volatile X509ExtendedKeyManager delegate;

  private ReloadingKeyManager(Path certificate, Path key) throws IOException, GeneralSecurityException {
    this.certificate = certificate;
    this.key = key;
    this.delegate = load(certificate, key);
  }

  /** Reads the certificate chain and PKCS#8 private key. */
  public static ReloadingKeyManager of(Path certificate, Path key) throws IOException, GeneralSecurityException {
    return new ReloadingKeyManager(certificate, key);
  }

  /** Reads the files again; on failure the current certificate stays in use. */
  public void reload() throws IOException, GeneralSecurityException {
    delegate = load(certificate, key);
  }

  private static X509ExtendedKeyManager load(Path certificate, Path key) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certificate)) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (chain.isEmpty()) throw new GeneralSecurityException(certificate + " holds no certificate");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("oscope", privateKey(key), new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    for (KeyManager manager : factory.getKeyManagers()) {
      if (manager instanceof X509ExtendedKeyManager extended) return extended;
    }
    throw new GeneralSecurityException("no X.509 key manager available");
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(file + ": expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
          + " convert with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 private key");
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return delegate.getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return delegate.chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return delegate.chooseEngineClientAlias(keyType, issuers, engine);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return delegate.getServerAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return delegate.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return delegate.chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return delegate.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return delegate.getPrivateKey(alias);
  }
}
