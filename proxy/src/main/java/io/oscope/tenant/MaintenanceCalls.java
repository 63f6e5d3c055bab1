package io.oscope.tenant;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * Which calls a project in maintenance may still make: the one table of it (the README shows it).
 * Reads pass ({@code GET}, {@code HEAD}, {@code OPTIONS}); so do the identity calls without which
 * nobody could log in to list anything (authentication, token validation and revocation). Every
 * other call changes state and is refused: creating, deleting, resizing, suspending or rebooting a
 * server (server actions are {@code POST}s), images and their data, networks, ports, volumes,
 * placement, identity writes.
 *
 * <p>A server action names itself in the body ({@code {"os-getConsoleOutput": ...}} reads, {@code
 * {"suspend": null}} writes). oscope streams bodies and decides before reading one, so every action
 * is refused, the few read-only ones included.
 */
public final class MaintenanceCalls {

  /**
   * A write that maintenance lets through: {@code method} on {@code path} and below it (on every
   * path starting with it when it ends with {@code /}).
   */
  record Exemption(String serviceType, HttpMethod method, String path, String why) {
    boolean matches(String serviceType, HttpMethod method, String servicePath) {
      if (!this.serviceType.equals(serviceType) || !this.method.equals(method)) return false;
      if (path.endsWith("/")) return servicePath.startsWith(path);
      return servicePath.equals(path) || servicePath.startsWith(path + "/");
    }
  }

  /** Paths are Keystone's own, from {@code /auth/}: any prefix of its endpoint ({@code /v3}, {@code /identity/v3}) aside. */
  static final List<Exemption> EXEMPTIONS = List.of(
      new Exemption("identity", HttpMethod.POST, "/auth/", "authentication: a token for the project's users"),
      new Exemption("identity", HttpMethod.DELETE, "/auth/tokens", "revoking one's own token (logout)"));

  private MaintenanceCalls() {}

  /**
   * Whether a project in maintenance may make this call.
   *
   * @param servicePath the request's path, without the query
   */
  public static boolean allowed(String serviceType, HttpMethod method, String servicePath) {
    if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS)) return true;
    String path = servicePath;
    if ("identity".equals(serviceType)) {
      // Keystone's own path, whatever prefix its endpoint has: /v3, /identity/v3 (devstack), none.
      int auth = path.indexOf("/auth/");
      if (auth >= 0) path = path.substring(auth);
    }
    for (Exemption exemption : EXEMPTIONS) {
      if (exemption.matches(serviceType, method, path)) return true;
    }
    return false;
  }
}
