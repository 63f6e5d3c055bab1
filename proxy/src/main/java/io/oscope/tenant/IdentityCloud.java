package io.oscope.tenant;

import io.oscope.token.TokenIdentities;

/**
 * What the tenant gate reads of one identity cloud, the cloud whose Keystone issued a request's
 * token: who its tokens name, and the state of its projects (maintenance, home cloud), which live in
 * that Keystone too.
 *
 * @param identities who the cloud's tokens name
 * @param states its projects' state, or {@code null} when neither maintenance nor home clouds is on
 */
public record IdentityCloud(TokenIdentities identities, TenantStates states) {}
