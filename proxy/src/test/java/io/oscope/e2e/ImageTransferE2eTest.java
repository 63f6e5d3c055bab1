package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 64 MiB image created in the other cloud: CloudOne's credentials, {@code {"image": "CloudTwo"}}.
 * Upload, show, download and delete go through CloudOne's proxy to CloudTwo's; the image is then in
 * CloudTwo (its own credentials list it, its store has the file) and not in CloudOne.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class ImageTransferE2eTest {
  private static final long SIZE = 64L << 20;
  private static final String SCOPE = "{\"image\": \"CloudTwo\"}";

  @TempDir Path tmp;

  @Test
  void createShowSaveDeleteInTheOtherCloud(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    Path file = tmp.resolve("image.raw");
    String[] digests = Steps.time("generate a 64 MiB random image file, its sha256, sha512, md5", () -> randomFile(file));
    String name = "oscope-e2e-" + UUID.randomUUID();
    String id = null;
    boolean deleted = false;
    try {
      Cli.Result created = cli.run("image create --file (64 MiB), CloudOne's credentials, " + SCOPE, one.demo(),
          "image", "create", "--os-scope", SCOPE, "--file", file.toString(), "--disk-format", "raw",
          "--container-format", "bare", "-f", "json", name);
      assertThat(created.exit()).as(created.describe()).isZero();
      id = created.json().get("id").asText();
      assertThat(id).isNotBlank();

      Cli.Result shown = cli.run("image show, " + SCOPE, one.demo(), "image", "show", "--os-scope", SCOPE, "-f", "json", id);
      assertThat(shown.exit()).as(shown.describe()).isZero();
      JsonNode image = shown.json();
      assertThat(image.get("name").asText()).isEqualTo(name);
      assertThat(image.get("status").asText()).isEqualTo("active");
      assertThat(image.get("size").asLong()).isEqualTo(SIZE);
      JsonNode properties = image.path("properties");
      assertThat(properties.path("os_hash_algo").asText()).as(shown.describe()).isEqualTo("sha512");
      assertThat(properties.path("os_hash_value").asText()).as("Glance's sha512 of what it stored").isEqualTo(digests[1]);
      assertThat(image.path("checksum").asText()).as("Glance's md5 of what it stored").isEqualTo(digests[2]);

      Path saved = tmp.resolve("saved.raw");
      Cli.Result save = cli.run("image save (download 64 MiB), " + SCOPE, one.demo(), "image", "save", "--os-scope",
          SCOPE, "--file", saved.toString(), id);
      assertThat(save.exit()).as(save.describe()).isZero();
      String savedSha256 = Steps.time("sha256 of the downloaded file", () -> digest(saved, "SHA-256"));
      assertThat(savedSha256).as("sha256 of the download vs the upload").isEqualTo(digests[0]);
      assertThat(Files.size(saved)).isEqualTo(SIZE);

      // In CloudTwo, not in CloudOne. The owner is CloudOne's demo project (not a project of
      // CloudTwo) and the image is not public: each cloud's admin sees every image of its cloud.
      Cli.Result inTwo = cli.run("image list, CloudTwo's own admin credentials", two.admin(), "image", "list", "-f", "json");
      assertThat(inTwo.exit()).as(inTwo.describe()).isZero();
      assertThat(ids(inTwo)).as("CloudTwo's images").contains(id, two.imageId());
      Cli.Result inOne = cli.run("image list, CloudOne's own admin credentials", one.admin(), "image", "list", "-f", "json");
      assertThat(inOne.exit()).as(inOne.describe()).isZero();
      assertThat(ids(inOne)).as("CloudOne's images").contains(one.imageId()).doesNotContain(id);
      assertThat(two.file("images").resolve(id)).as("CloudTwo's image store").isRegularFile();
      assertThat(Files.size(two.file("images").resolve(id))).isEqualTo(SIZE);
      assertThat(one.file("images").resolve(id)).as("CloudOne's image store").doesNotExist();

      Cli.Result delete = cli.run("image delete, " + SCOPE, one.demo(), "image", "delete", "--os-scope", SCOPE, id);
      assertThat(delete.exit()).as(delete.describe()).isZero();
      deleted = true;
      Cli.Result after = cli.run("image list after delete, CloudTwo's own admin credentials", two.admin(),
          "image", "list", "-f", "json");
      assertThat(after.exit()).as(after.describe()).isZero();
      assertThat(ids(after)).doesNotContain(id).contains(two.imageId());
      assertThat(two.file("images").resolve(id)).as("CloudTwo's image store after delete").doesNotExist();
    } finally {
      if (id != null && !deleted) {  // leave no 64 MiB image behind: CloudTwo's admin deletes it
        Cli.Result cleanup = cli.run("clean-up: image delete, CloudTwo's admin credentials", two.admin(),
            "image", "delete", id);
        if (cleanup.exit() != 0) System.out.println("[e2e] clean-up failed: " + cleanup.describe());
      }
    }
  }

  private static List<String> ids(Cli.Result list) throws Exception {
    return list.ids();
  }

  /** Writes SIZE random bytes; their sha256, sha512 and md5, in hex. */
  private static String[] randomFile(Path file) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    Random random = new Random();
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < SIZE; written += buffer.length) {
        random.nextBytes(buffer);
        sha256.update(buffer);
        sha512.update(buffer);
        md5.update(buffer);
        out.write(buffer);
      }
    }
    HexFormat hex = HexFormat.of();
    return new String[] {hex.formatHex(sha256.digest()), hex.formatHex(sha512.digest()), hex.formatHex(md5.digest())};
  }

  private static String digest(Path file, String algorithm) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) md.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
