package io.oscope.client;

import io.oscope.scope.Scope;
import java.util.HashMap;
import java.util.Map;
import org.openstack4j.api.OSClient;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;

/**
 * Scopes an openstack4j client: every request it sends from now on carries the scope, in
 * {@code X-Scope} and on its {@code X-Auth-Token}.
 *
 * <pre>{@code
 * OSClientV3 os = OSFactory.builderV3().endpoint(authUrl).credentials(user, password, domain)
 *     .scopeToProject(project).authenticate();
 * Scoped.of(os, Scope.parse("{\"image\": \"CloudTwo\"}")).imagesV2().list();
 * }</pre>
 *
 * <p>The scope rides on the token the client holds when {@code of} is called: call it again after
 * the client re-authenticates (the {@code X-Scope} header alone still routes the client's own
 * requests, but services only pass the token on).
 */
public final class Scoped {
  private Scoped() {}

  /**
   * Scopes {@code client} (it is changed in place and returned): its requests carry
   * {@code X-Scope}, and, for a Keystone v3 session, a token with the scope appended. openstack4j
   * sets {@code X-Auth-Token} from the session's token after any custom header, so the suffix
   * goes on the token itself.
   */
  public static <T extends OSClient<T>> T of(T client, Scope scope) {
    Map<String, String> headers = new HashMap<>();
    headers.put(ScopeHeaders.X_SCOPE, scope.toJson());
    if (client instanceof OSClient.OSClientV3 v3 && v3.getToken() instanceof KeystoneToken token) {
      token.setId(ScopeHeaders.of(token.getId(), scope).get(ScopeHeaders.X_AUTH_TOKEN));
    }
    return client.headers(headers);
  }
}
