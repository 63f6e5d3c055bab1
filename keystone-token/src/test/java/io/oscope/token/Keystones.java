package io.oscope.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** A Keystone node's JWS key pair, made in the test, signing tokens the way Keystone does. */
final class Keystones {
  final ECKey key;

  Keystones() {
    try {
      key = new ECKeyGenerator(Curve.P_256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as Keystone writes it in {@code jws_public_key_repository}. */
  String publicPem() {
    try {
      byte[] der = key.toECPublicKey().getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keystone's claims for a project-scoped password token, issued at {@code issued}. */
  static JWTClaimsSet.Builder projectToken(Instant issued, Instant expires) {
    return new JWTClaimsSet.Builder()
        .subject("u-1234")
        .issueTime(Date.from(issued))
        .expirationTime(Date.from(expires))
        .claim("openstack_methods", List.of("password"))
        .claim("openstack_audit_ids", List.of("aUd1t"))
        .claim("openstack_project_id", "p-5678");
  }

  String sign(JWTClaimsSet claims) {
    return sign(claims, UnaryOperator.identity());
  }

  String sign(JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
    try {
      SignedJWT jwt = new SignedJWT(
          header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
