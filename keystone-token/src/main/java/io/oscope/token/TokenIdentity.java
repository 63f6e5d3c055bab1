package io.oscope.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who a valid Keystone token names, as far as a policy at the edge needs to know: user, the
 * project (or domain, or system) it is scoped to, its expiry, and, when Keystone was asked, its
 * roles. Never the token itself.
 *
 * <pre>{@code
 * TokenIdentity who = verifier.verify(token, now);
 * who.projectId();   // "4f1c..." or null for a domain- or system-scoped token
 * who.rolesKnown();  // false: a JWS token does not carry roles; introspection tells them
 * }</pre>
 *
 * @param userId the user's ID ({@code sub} of a JWS token)
 * @param projectId the project the token is scoped to, or {@code null}
 * @param domainId the domain a domain-scoped token is scoped to, or {@code null}
 * @param system the system scope ({@code "all"}), or {@code null}
 * @param methods the authentication methods ({@code password}, {@code token}, ...)
 * @param auditIds the token's audit IDs: how logs name a token without revealing it
 * @param expiresAt when the token expires
 * @param roles the role names on its scope; empty when {@code source} is {@link Source#JWS}
 * @param source where this was learnt from
 */
public record TokenIdentity(
    String userId,
    String projectId,
    String domainId,
    String system,
    List<String> methods,
    List<String> auditIds,
    Instant expiresAt,
    Set<String> roles,
    Source source) {

  /** Where a token's identity was learnt from. */
  public enum Source {
    /** The token's own signed claims, verified offline: no roles. */
    JWS,
    /** Keystone's answer to {@code GET /v3/auth/tokens}: roles included. */
    KEYSTONE
  }

  public TokenIdentity {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(source, "source");
    methods = List.copyOf(methods);
    auditIds = List.copyOf(auditIds);
    roles = Set.copyOf(roles);
  }

  /** Whether {@link #roles} says which roles the token has (Keystone was asked). */
  public boolean rolesKnown() {
    return source == Source.KEYSTONE;
  }

  /** Whether the token has role {@code role}; {@code false} when roles are not known. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
