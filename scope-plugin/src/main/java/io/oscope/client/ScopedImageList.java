package io.oscope.client;

import io.oscope.scope.Scope;
import java.net.URI;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.ProxyHost;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.openstack.OSFactory;

/**
 * A runnable example: lists the images of the cloud a scope names, with the usual {@code OS_*}
 * credentials from the environment. The scope is the argument or, as for the openstack CLI's
 * plugin, {@code OS_SCOPE}: Maven's {@code -Dexec.args} splits a JSON scope at its spaces and drops
 * its quotes, an environment variable reaches the program as written. Like the CLI, it goes through
 * {@code http_proxy} (or {@code HTTP_PROXY}) when set: that is how a client reaches oscope where the
 * catalogue has the services' own addresses.
 *
 * <pre>
 * source CloudOne/openrc
 * OS_SCOPE='{"identity": "CloudOne", "image": "CloudTwo"}' ./mvnw -q -pl scope-plugin exec:java \
 *     -Dexec.mainClass=io.oscope.client.ScopedImageList
 * </pre>
 */
public final class ScopedImageList {
  private ScopedImageList() {}

  public static void main(String[] args) {
    String json = args.length == 1 ? args[0] : System.getenv("OS_SCOPE");
    if (args.length > 1 || json == null || json.isBlank()) {
      System.err.println("usage: ScopedImageList '<scope json>', or OS_SCOPE='<scope json>' ScopedImageList"
          + "   (credentials from OS_* variables)");
      System.exit(2);
    }
    Scope scope = Scope.parse(json);
    Config config = Config.newConfig();
    String proxy = envOr("http_proxy", envOr("HTTP_PROXY", null));
    if (proxy != null) {
      URI uri = URI.create(proxy);
      config = config.withProxy(ProxyHost.of("http://" + uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()));
    }
    OSClientV3 os = OSFactory.builderV3()
        .withConfig(config)
        .endpoint(env("OS_AUTH_URL"))
        .credentials(env("OS_USERNAME"), env("OS_PASSWORD"), Identifier.byName(envOr("OS_USER_DOMAIN_NAME", "Default")))
        .scopeToProject(Identifier.byName(env("OS_PROJECT_NAME")), Identifier.byName(envOr("OS_PROJECT_DOMAIN_NAME", "Default")))
        .authenticate();
    for (Image image : Scoped.of(os, scope).imagesV2().list()) {
      System.out.println(image.getId() + "  " + image.getName());
    }
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " is not set");
    return value;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
