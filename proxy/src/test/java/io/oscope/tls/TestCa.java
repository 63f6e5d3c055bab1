package io.oscope.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority for tests, made with the {@code openssl} command: it signs server
 * certificates for 127.0.0.1 and client certificates, all PEM, keys PKCS#8.
 */
final class TestCa {
  final Path dir;
  final String name;
  final Path cert;
  final Path key;

  private TestCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.cert = dir.resolve(name + "-ca.crt");
    this.key = dir.resolve(name + "-ca.key");
  }

  /** Whether the {@code openssl} command can be run. */
  static boolean opensslAvailable() {
    try {
      return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static TestCa create(Path dir, String name) throws IOException, InterruptedException {
    TestCa ca = new TestCa(dir, name);
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ca.key.toString());
    openssl(dir, "req", "-x509", "-new", "-key", ca.key.toString(), "-days", "2", "-subj", "/CN=" + name + " test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", ca.cert.toString());
    return ca;
  }

  /** A certificate for {@code 127.0.0.1}, usable by servers and clients; returns {cert, key}. */
  Path[] issue(String cn) throws IOException, InterruptedException {
    Path key = dir.resolve(name + "-" + cn + ".key");
    Path csr = dir.resolve(name + "-" + cn + ".csr");
    Path cert = dir.resolve(name + "-" + cn + ".crt");
    Path extensions = dir.resolve(name + "-" + cn + ".ext");
    java.nio.file.Files.writeString(extensions,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n");
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + cn, "-out", csr.toString());
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", this.cert.toString(), "-CAkey", this.key.toString(),
        "-CAcreateserial", "-days", "2", "-extfile", extensions.toString(), "-out", cert.toString());
    return new Path[] {cert, key};
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
  }
}
