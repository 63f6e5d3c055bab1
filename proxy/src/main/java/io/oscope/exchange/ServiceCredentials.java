package io.oscope.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local Keystone service account this proxy uses to validate tokens for its peers. Read from
 * a JSON file: {@code {"auth_url": "http://127.0.0.1:5000/v3", "username": "glance", "password":
 * "…", "project_name": "service", "user_domain_name": "Default", "project_domain_name":
 * "Default"}}. {@link #toString()} never shows the password.
 *
 * @param authUrl Keystone's v3 URL, kept without a trailing '/': the one place it is trimmed, so
 *     that whoever appends a path to it ({@link ServiceTokens}, {@link TokenIntrospection}, {@link
 *     KeystoneProjects}) appends to a URL without one
 */
public record ServiceCredentials(String authUrl, String username, String password, String projectName,
    String userDomainName, String projectDomainName) {

  public ServiceCredentials {
    if (authUrl != null && authUrl.endsWith("/")) authUrl = authUrl.substring(0, authUrl.length() - 1);
  }

  /**
   * Keystone's v3 URL, or path, from one as catalogues and clients write it: with or without
   * {@code /v3} or a final {@code /} ({@code http://h:5000}, {@code /identity}, {@code /identity/v3/}).
   */
  public static String identityV3(String url) {
    String trimmed = url.replaceAll("/+$", "");
    return trimmed.endsWith("/v3") ? trimmed : trimmed + "/v3";
  }

  /** Reads the file, naming every missing field at once. */
  public static ServiceCredentials read(Path file) throws IOException {
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    List<String> missing = new ArrayList<>();
    String[] values = new String[6];
    String[] names = {"auth_url", "username", "password", "project_name", "user_domain_name", "project_domain_name"};
    for (int i = 0; i < names.length; i++) {
      JsonNode value = json == null ? null : json.get(names[i]);
      if (value == null || !value.isTextual() || value.asText().isBlank()) {
        if (i >= 4) {
          values[i] = "Default";
        } else {
          missing.add(names[i]);
        }
      } else {
        values[i] = value.asText();
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": missing or empty: " + String.join(", ", missing));
    }
    return new ServiceCredentials(values[0], values[1], values[2], values[3], values[4], values[5]);
  }

  @Override
  public String toString() {
    return "ServiceCredentials[" + username + "@" + projectName + " on " + authUrl + "]";
  }
}
