package io.oscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.oscope.exchange.ServiceCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The openstack CLI's {@code clouds.yaml}: the password credentials of the cloud that {@code
 * OS_CLOUD} (or {@code --os-cloud}) names, from the first file that exists where openstacksdk
 * looks: {@code OS_CLIENT_CONFIG_FILE}, {@code ./clouds.yaml}, {@code
 * ~/.config/openstack/clouds.yaml}, {@code /etc/openstack/clouds.yaml}. {@code OS_PASSWORD} stands
 * in for a password the file leaves out (kept in {@code secure.yaml}, which is not read).
 *
 * <pre>{@code
 * ServiceCredentials admin = CloudsYaml.credentials("CloudOne", System.getenv());
 * }</pre>
 */
final class CloudsYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CloudsYaml() {}

  /** The files looked at, in order, for the environment {@code env}. */
  static List<Path> searchPath(Map<String, String> env) {
    List<Path> files = new ArrayList<>();
    String explicit = env.get("OS_CLIENT_CONFIG_FILE");
    if (explicit != null && !explicit.isBlank()) files.add(Path.of(explicit));
    files.add(Path.of("clouds.yaml"));
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    if (home != null) files.add(Path.of(home, ".config", "openstack", "clouds.yaml"));
    files.add(Path.of("/etc/openstack/clouds.yaml"));
    return files;
  }

  /**
   * The credentials of {@code cloud}.
   *
   * @throws IllegalArgumentException naming the file and what is missing, when no file exists, the
   *     cloud is not in it, or its {@code auth} lacks a key
   */
  static ServiceCredentials credentials(String cloud, Map<String, String> env) throws IOException {
    List<Path> searched = searchPath(env);
    Path file = searched.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
        new IllegalArgumentException("OS_CLOUD names " + cloud + " but there is no clouds.yaml (looked at "
            + String.join(", ", searched.stream().map(Path::toString).toList()) + ")"));
    JsonNode clouds = YAML.readTree(file.toFile()).path("clouds");
    JsonNode entry = clouds.get(cloud);
    if (entry == null) {
      List<String> known = new ArrayList<>();
      clouds.fieldNames().forEachRemaining(known::add);
      throw new IllegalArgumentException("no cloud '" + cloud + "' in " + file + "; clouds there: "
          + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
    JsonNode auth = entry.path("auth");
    String password = text(auth, "password", env.get("OS_PASSWORD"));
    List<String> missing = new ArrayList<>();
    for (String key : List.of("auth_url", "username", "project_name")) {
      if (text(auth, key, null) == null) missing.add(key);
    }
    if (password == null) missing.add("password (or OS_PASSWORD)");
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("cloud '" + cloud + "' in " + file + " has no auth " + String.join(", ", missing));
    }
    String domain = text(auth, "domain_name", "Default");
    return new ServiceCredentials(ServiceCredentials.identityV3(text(auth, "auth_url", null)), text(auth, "username", null),
        password, text(auth, "project_name", null), text(auth, "user_domain_name", domain),
        text(auth, "project_domain_name", domain));
  }

  private static String text(JsonNode auth, String key, String otherwise) {
    JsonNode value = auth.get(key);
    return value == null || value.isNull() || value.asText().isBlank() ? otherwise : value.asText();
  }
}
