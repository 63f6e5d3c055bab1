package io.oscope.client;

import io.oscope.scope.Scope;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.openstack.OSFactory;

/**
 * A runnable example: lists the images of the cloud a scope names, with the usual {@code OS_*}
 * credentials from the environment.
 *
 * <pre>
 * source CloudOne/openrc
 * ./mvnw -q -pl scope-plugin exec:java -Dexec.mainClass=io.oscope.client.ScopedImageList \
 *     -Dexec.args='{"image": "CloudTwo"}'
 * </pre>
 */
public final class ScopedImageList {
  private ScopedImageList() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: ScopedImageList '<scope json>'   (credentials from OS_* variables)");
      System.exit(2);
    }
    Scope scope = Scope.parse(args[0]);
    OSClientV3 os = OSFactory.builderV3()
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
