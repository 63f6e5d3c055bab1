package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.HostPort;
import io.oscope.routes.Interface;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteFile;
import io.oscope.routes.ServiceEntry;
import io.oscope.routes.ServiceUrl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFileWriterTest {
  @TempDir
  Path temp;

  private static final List<ServiceEntry> ENTRIES = List.of(
      new ServiceEntry(0, "identity", Interface.PUBLIC, ServiceUrl.parse("h/v3/"), "A", Pool.parse("p:8888"), Pool.parse("h")),
      new ServiceEntry(1, "odd\"type", Interface.ADMIN, ServiceUrl.parse("https://h/x\\y"), "A", Pool.parse("p:8888"), null));

  @Test
  void writesOneEntryPerLineInTheSeedsKeyOrderWithNormalisedUrls() {
    assertThat(new String(RouteFileWriter.format(ENTRIES), StandardCharsets.UTF_8)).isEqualTo("""
        {
          "services": [
            {"Service Type": "identity", "Interface": "public", "URL": "http://h:80/v3", "Region": "A", "Frontend": "p:8888", "Backend": "h:80"},
            {"Service Type": "odd\\"type", "Interface": "admin", "URL": "https://h:443/x\\\\y", "Region": "A", "Frontend": "p:8888"}
          ]
        }
        """);
    assertThat(new String(RouteFileWriter.format(List.of()), StandardCharsets.UTF_8)).isEqualTo("{\n  \"services\": []\n}\n");
  }

  @Test
  void replacesTheFileAtomicallyKeepingItsPermissionsAndLeavesNoTemporaryFile() throws Exception {
    Path file = temp.resolve("routes.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    assertThat(RouteFileWriter.write(file, ENTRIES.subList(0, 1))).isTrue();

    assertThat(Files.readAllBytes(file)).isEqualTo(RouteFileWriter.format(ENTRIES.subList(0, 1)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    assertThat(RouteFile.read(file)).containsExactly(ENTRIES.get(0));
    try (var files = Files.list(temp)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aNewFileIsReadableByAll() throws Exception {
    Path file = temp.resolve("new.json");

    RouteFileWriter.write(file, ENTRIES);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
  }

  @Test
  void leavesAnUnchangedFileAlone() throws Exception {
    Path file = temp.resolve("routes.json");
    RouteFileWriter.write(file, ENTRIES);
    FileTime old = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(file, old);

    assertThat(RouteFileWriter.write(file, ENTRIES)).isFalse();
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }
}
