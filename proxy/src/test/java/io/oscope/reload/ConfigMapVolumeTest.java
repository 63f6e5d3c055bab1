package io.oscope.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.RouteTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route file in a Kubernetes ConfigMap volume is reloaded when the ConfigMap changes. The kubelet
 * lays the volume out as {@code services.json -> ..data/services.json}, {@code ..data ->
 * ..<timestamp>}, and updates it by writing a new {@code ..<timestamp>} folder and renaming a new
 * {@code ..data} symlink over the old one: {@code services.json} itself never changes.
 */
class ConfigMapVolumeTest {
  private final ManualTimer timer = new ManualTimer();
  private final BlockingQueue<RouteReloader.Outcome> outcomes = new LinkedBlockingQueue<>();
  private final AtomicReference<RouteTable> live = new AtomicReference<>();
  private RouteReloader reloader;

  @AfterEach
  void stop() {
    if (reloader != null) reloader.close();
  }

  @Test
  void aConfigMapUpdateSwappingTheDataSymlinkIsReloaded(@TempDir Path volume) throws Exception {
    Path first = writeVersion(volume, "..2026_12_02_18_00_00.1", "b:9292");
    Files.createSymbolicLink(volume.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(volume.resolve("services.json"), Path.of("..data", "services.json"));
    RouteTable table = RouteTable.load(file, "Solo");
    live.set(table);
    reloader = RouteReloader.start(file, "Solo", live::set, table, timer);
    reloader.onReload(outcomes::add);
    reloader.watch();

    // What the kubelet's atomic writer does on an update.
    Path second = writeVersion(volume, "..2026_12_02_18_01_00.2", "c:9292");
    Path swap = Files.createSymbolicLink(volume.resolve("..data_tmp"), second.getFileName());
    Files.move(swap, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.delete(first.resolve("services.json"));
    Files.delete(first);

    timer.awaitScheduled();
    assertThat(timer.advance(RouteReloader.QUIET)).isEqualTo(1);
    RouteReloader.Outcome outcome = outcomes.poll(30, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(RouteReloader.Outcome.Swapped.class);
    assertThat(live.get().localBackends().get("image").toString()).isEqualTo("[c:9292]");
  }

  private static Path writeVersion(Path volume, String name, String backend) throws Exception {
    Path folder = Files.createDirectory(volume.resolve(name));
    Files.writeString(folder.resolve("services.json"),
        "{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"f:8888/image\","
            + " \"Region\": \"Solo\", \"Frontend\": \"f:8888\", \"Backend\": \"" + backend + "\"}]}\n");
    return folder;
  }
}
