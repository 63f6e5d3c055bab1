import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;

/**
 * For bench/run's JWS case: a fresh P-256 key pair, its public key written as Keystone's JWS key
 * repository holds it (DIR/bench.pem, a PEM PUBLIC KEY), and a token signed with it printed, with
 * the claims Keystone's JWS provider writes for a project-scoped password token, valid for an hour.
 *
 * <pre>java bench/JwsToken.java DIR USER_ID PROJECT_ID</pre>
 */
public final class JwsToken {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: JwsToken DIR USER_ID PROJECT_ID");
      System.exit(2);
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Path dir = Files.createDirectories(Path.of(args[0]));
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    Files.writeString(dir.resolve("bench.pem"), pem, StandardCharsets.US_ASCII);

    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
    String claims = "{\"sub\":\"" + args[1] + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600)
        + ",\"openstack_methods\":[\"password\"],\"openstack_audit_ids\":[\"f5eSR3bRQVOkRCYSc0nzGQ\"],"
        + "\"openstack_project_id\":\"" + args[2] + "\"}";
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    // JWS wants the signature as r || s (64 bytes), not the DER sequence the plain algorithm gives.
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(pair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    System.out.println(signingInput + "." + url.encodeToString(signer.sign()));
  }
}
