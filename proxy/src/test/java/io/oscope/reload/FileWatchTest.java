package io.oscope.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.RouteTable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file watcher reloads a file once it is quiet, so a file rewritten in place is read whole. */
class FileWatchTest {
  private static final Duration JUST_BEFORE = RouteReloader.QUIET.minusMillis(1);

  private final ManualTimer timer = new ManualTimer();
  private final BlockingQueue<RouteReloader.Outcome> outcomes = new LinkedBlockingQueue<>();
  private final AtomicReference<RouteTable> live = new AtomicReference<>();
  private Path file;
  private RouteReloader reloader;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    file = dir.resolve("services.json");
    Files.writeString(file, routes("b:9292"));
    RouteTable table = RouteTable.load(file, "Solo");
    live.set(table);
    reloader = RouteReloader.start(file, "Solo", live::set, table, timer);
    reloader.onReload(outcomes::add);
  }

  @AfterEach
  void stop() {
    reloader.close();
  }

  @Test
  void aBurstOfChangesIsOneReloadOnceTheFileIsQuiet() throws Exception {
    Files.writeString(file, routes("c:9292"));

    reloader.changed();
    assertThat(timer.advance(JUST_BEFORE)).isZero();
    reloader.changed();
    assertThat(timer.advance(JUST_BEFORE)).isZero();
    reloader.changed();
    assertThat(timer.pending()).isEqualTo(1);
    assertThat(timer.advance(JUST_BEFORE)).isZero();
    assertThat(timer.advance(Duration.ofMillis(1))).isEqualTo(1);

    assertThat(next()).isInstanceOf(RouteReloader.Outcome.Swapped.class);
    // The reloader has one thread: a reload asked for now comes after any the watcher started.
    assertThat(reloader.reload().get(30, TimeUnit.SECONDS)).isInstanceOf(RouteReloader.Outcome.Unchanged.class);
    assertThat(next()).isInstanceOf(RouteReloader.Outcome.Unchanged.class);
    assertThat(live.get().localBackends().get("image").toString()).isEqualTo("[c:9292]");
  }

  @Test
  void aFileRewrittenInPlaceIsReloadedWholeWithoutARejection() throws Exception {
    reloader.watch();
    byte[] next = routes("c:9292").getBytes(StandardCharsets.UTF_8);

    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      timer.awaitScheduled(); // the watcher saw the truncation; the file is empty now
      assertThat(timer.advance(JUST_BEFORE)).isZero();
      channel.write(ByteBuffer.wrap(next, 0, next.length / 2));
      timer.awaitScheduled(); // and the first half
      assertThat(timer.advance(JUST_BEFORE)).isZero();
      channel.write(ByteBuffer.wrap(next, next.length / 2, next.length - next.length / 2));
      timer.awaitScheduled();
    }
    assertThat(timer.advance(RouteReloader.QUIET)).isEqualTo(1);

    assertThat(next()).isInstanceOf(RouteReloader.Outcome.Swapped.class);
    assertThat(live.get().localBackends().get("image").toString()).isEqualTo("[c:9292]");
  }

  private RouteReloader.Outcome next() throws InterruptedException {
    RouteReloader.Outcome outcome = outcomes.poll(30, TimeUnit.SECONDS);
    assertThat(outcome).as("a reload within 30 s").isNotNull();
    return outcome;
  }

  private static String routes(String backend) {
    return "{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"f:8888/image\","
        + " \"Region\": \"Solo\", \"Frontend\": \"f:8888\", \"Backend\": \"" + backend + "\"}]}\n";
  }
}
