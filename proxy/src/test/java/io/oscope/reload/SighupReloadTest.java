package io.oscope.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.demo.StandInService;
import io.oscope.proxy.ProxyProcess;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -HUP} makes a running {@code oscope proxy} reload its route file, and say so when nothing changed. */
class SighupReloadTest {

  @Test
  void sighupReloadsARunningProxy(@TempDir Path dir) throws Exception {
    HostPort front = new HostPort("127.0.0.1", FreePorts.next());
    Path file = dir.resolve("services.json");
    try (StandInService first = StandInService.start("Solo", "first", new HostPort("127.0.0.1", 0));
        StandInService second = StandInService.start("Solo", "second", new HostPort("127.0.0.1", 0))) {
      Files.writeString(file, routes(front, first.address()));
      try (ProxyProcess process = ProxyProcess.start(List.of("-Xmx64m"), "proxy", "--services", file.toString(),
          "--cloud", "Solo", "--listen", front.toString(), "--admin", "127.0.0.1:0", "--no-watch")) {
        if (hangupIgnored()) {
          // Inherited from this JVM (a build started under nohup): the proxy must say it cannot reload on SIGHUP.
          assertThat(process.awaitLine("SIGHUP is ignored")).contains("cannot be handled");
          process.drain();
          return;
        }
        // The last start line: the signal handlers are in place once it is logged.
        process.awaitLine("admin listener on");
        assertThat(get(front)).contains("\"service\" : \"first\"");
        Files.writeString(file, routes(front, second.address()));

        process.signal("HUP");

        assertThat(process.awaitLine("route table reloaded"))
            .contains("version " + RouteTable.load(file, "Solo").version());
        assertThat(get(front)).contains("\"service\" : \"second\"");

        process.signal("HUP");

        assertThat(process.awaitLine("reloaded unchanged"))
            .contains("version " + RouteTable.load(file, "Solo").version() + " stays live");
        process.drain();
      }
    }
  }

  /** Whether this JVM runs with SIGHUP ignored, which the processes it starts inherit. */
  private static boolean hangupIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) return false;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1) != 0;
    }
    return false;
  }

  private static String routes(HostPort front, HostPort backend) {
    return String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"%s/image\","
        + " \"Region\": \"Solo\", \"Frontend\": \"%s\", \"Backend\": \"%s\"}]}", front, front, backend);
  }

  private static String get(HostPort front) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + front + "/image/v2/images")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
