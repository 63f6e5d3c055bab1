package io.oscope.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies Keystone JWS tokens ({@code [token] provider = jws}) offline, as Keystone itself does:
 * an ES256 signature by any of the public keys of Keystone's nodes, then the expiry and the claims
 * Keystone writes ({@code sub}, {@code exp}, {@code openstack_methods}, {@code openstack_audit_ids},
 * and the scope: {@code openstack_project_id}, {@code openstack_domain_id} or {@code
 * openstack_system}). Immutable and thread-safe; make a new one when the keys change.
 *
 * <pre>{@code
 * JwsVerifier verifier = JwsVerifier.of(Map.of("node1.pem", pem), Duration.ofSeconds(30));
 * TokenIdentity who = verifier.verify(token, Instant.now()); // or InvalidTokenException
 * }</pre>
 *
 * <p>A token Keystone has revoked still verifies here until it expires: what oscope learns from a
 * token only ever restricts a request or picks its cloud, and the service that receives the request
 * validates the token with Keystone itself.
 */
public final class JwsVerifier {
  private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String PEM_END = "-----END PUBLIC KEY-----";
  private final List<ECDSAVerifier> verifiers;
  private final Duration skew;

  private JwsVerifier(List<ECDSAVerifier> verifiers, Duration skew) {
    this.verifiers = verifiers;
    this.skew = skew;
  }

  /**
   * A verifier trusting the P-256 public keys in PEM form of {@code pemByName} (Keystone's {@code
   * jws_public_key_repository}: one file per node), accepting tokens up to {@code skew} past their
   * expiry.
   *
   * @throws IllegalArgumentException naming every file that holds no P-256 public key, or when
   *     there is no key at all
   */
  public static JwsVerifier of(Map<String, String> pemByName, Duration skew) {
    if (skew.isNegative()) throw new IllegalArgumentException("clock skew " + skew + " is negative");
    List<String> problems = new ArrayList<>();
    List<ECDSAVerifier> verifiers = new ArrayList<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(pemByName).entrySet()) {
      try {
        ECPublicKey key = publicKeyOf(entry.getValue());
        if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
          problems.add(entry.getKey() + ": not a P-256 (ES256) public key");
        } else {
          verifiers.add(new ECDSAVerifier(key));
        }
      } catch (GeneralSecurityException | JOSEException | IllegalArgumentException e) {
        problems.add(entry.getKey() + ": no PEM EC public key (" + e.getMessage() + ")");
      }
    }
    if (pemByName.isEmpty()) problems.add("no public key: Keystone's public key repository is empty");
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    return new JwsVerifier(List.copyOf(verifiers), skew);
  }

  /** The key of a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo), as Keystone writes it. */
  private static ECPublicKey publicKeyOf(String pem) throws GeneralSecurityException {
    int begin = pem.indexOf(PEM_BEGIN);
    int end = pem.indexOf(PEM_END);
    if (begin < 0 || end < begin) throw new IllegalArgumentException("no '" + PEM_BEGIN + "' block");
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    return (ECPublicKey) key;
  }

  /** Whether {@code token} has the shape of a JWS (three base64url parts), not of a Fernet token. */
  public static boolean looksLikeJws(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.startsWith("eyJ");
  }

  /** How many keys this verifier trusts. */
  public int keyCount() {
    return verifiers.size();
  }

  /**
   * Who {@code token} names, verified at {@code now}.
   *
   * @throws InvalidTokenException when it is not a JWS, not ES256, signed by no trusted key,
   *     expired (beyond the skew), or lacks a claim Keystone always writes
   */
  public TokenIdentity verify(String token, Instant now) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a JWS token: " + e.getMessage());
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("JWS algorithm " + jwt.getHeader().getAlgorithm() + " is not ES256");
    }
    if (!signedByATrustedKey(jwt)) throw new InvalidTokenException("JWS signature matches none of the public keys");
    try {
      return identityOf(jwt.getJWTClaimsSet(), now);
    } catch (ParseException e) {
      throw new InvalidTokenException("JWS claims are not a JSON object: " + e.getMessage());
    }
  }

  private boolean signedByATrustedKey(SignedJWT jwt) {
    for (ECDSAVerifier verifier : verifiers) {
      try {
        if (jwt.verify(verifier)) return true;
      } catch (JOSEException e) {
        // A key that cannot check this signature is a key that did not make it: try the next.
      }
    }
    return false;
  }

  private TokenIdentity identityOf(JWTClaimsSet claims, Instant now) throws InvalidTokenException {
    String user = claims.getSubject();
    Date expiry = claims.getExpirationTime();
    List<String> methods = stringList(claims, "openstack_methods");
    List<String> auditIds = stringList(claims, "openstack_audit_ids");
    if (user == null || user.isEmpty()) throw missing("sub");
    if (expiry == null) throw missing("exp");
    if (methods == null) throw missing("openstack_methods");
    if (auditIds == null) throw missing("openstack_audit_ids");
    Instant expiresAt = expiry.toInstant();
    if (now.isAfter(expiresAt.plus(skew))) throw new InvalidTokenException("token expired at " + expiresAt);
    return new TokenIdentity(user, string(claims, "openstack_project_id"), string(claims, "openstack_domain_id"),
        string(claims, "openstack_system"), methods, auditIds, expiresAt, Set.of(), TokenIdentity.Source.JWS);
  }

  private static InvalidTokenException missing(String claim) {
    return new InvalidTokenException("JWS token has no '" + claim + "' claim");
  }

  private static List<String> stringList(JWTClaimsSet claims, String name) throws InvalidTokenException {
    try {
      return claims.getStringListClaim(name);
    } catch (ParseException e) {
      throw new InvalidTokenException("JWS claim '" + name + "' is not a list of strings");
    }
  }

  private static String string(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value == null ? null : value.toString();
  }
}
