package io.oscope.reload;

import io.oscope.routes.ConfigException;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a proxy's route table in step with its file: reloads on request (SIGHUP, the admin
 * endpoint) and when the file changes on disk. Every reload compiles the new table on the
 * reloader's own thread, off the event loops; a bad file is rejected whole, its problems logged,
 * and the previous table stays live.
 *
 * <pre>{@code
 * RouteReloader reloader = RouteReloader.start(file, "CloudOne", proxy::swap, initialTable);
 * reloader.watch();          // follow the file on disk
 * reloader.reload().get();   // what SIGHUP and POST /reload do
 * }</pre>
 */
public final class RouteReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

  private final Path file;
  private final String cloud;
  private final Consumer<RouteTable> swap;
  private final Clock clock;
  private final ExecutorService worker;
  private final List<Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
  private volatile Loaded current;
  private volatile WatchService watcher;

  /** The table in use, where it came from and when it was loaded. */
  public record Loaded(RouteTable table, Path file, Instant loadedAt) {}

  /** What one reload did. */
  public sealed interface Outcome {
    /** A new table is live. */
    record Swapped(Loaded loaded, String previousVersion) implements Outcome {}

    /** The file compiles to the table already in use. */
    record Unchanged(Loaded loaded) implements Outcome {}

    /** The file is bad; the previous table stays live. */
    record Rejected(List<Problem> problems, Loaded kept) implements Outcome {}
  }

  private RouteReloader(Path file, String cloud, Consumer<RouteTable> swap, RouteTable initial, Clock clock) {
    this.file = file;
    this.cloud = cloud;
    this.swap = swap;
    this.clock = clock;
    this.current = new Loaded(initial, file, clock.instant());
    this.worker = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "oscope-route-reloader");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A reloader for the proxy of {@code cloud}, whose table {@code initial} was loaded from {@code file}. */
  public static RouteReloader start(Path file, String cloud, Consumer<RouteTable> swap, RouteTable initial) {
    return new RouteReloader(file, cloud, swap, initial, Clock.systemUTC());
  }

  /** The table in use. */
  public Loaded current() {
    return current;
  }

  /** Calls {@code listener} after every reload, on the reloader's thread. */
  public void onReload(Consumer<Outcome> listener) {
    listeners.add(listener);
  }

  /** Reloads the file on the reloader's thread. */
  public CompletableFuture<Outcome> reload() {
    return CompletableFuture.supplyAsync(this::reloadNow, worker);
  }

  private Outcome reloadNow() {
    Outcome outcome;
    try {
      RouteTable table = RouteTable.load(file, cloud);
      Loaded previous = current;
      if (table.version().equals(previous.table().version())) {
        outcome = new Outcome.Unchanged(previous);
      } else {
        swap.accept(table);
        current = new Loaded(table, file, clock.instant());
        outcome = new Outcome.Swapped(current, previous.table().version());
        LOG.info("route table reloaded from {}: version {} (was {})", file, table.version(),
            previous.table().version());
      }
    } catch (ConfigException e) {
      outcome = new Outcome.Rejected(e.problems(), current);
      LOG.error("route file rejected, keeping version {}: {}", current.table().version(), e.getMessage());
    } catch (RuntimeException e) {
      outcome = new Outcome.Rejected(List.of(Problem.of(file.toString(), e.toString())), current);
      LOG.error("route file reload failed, keeping version {}", current.table().version(), e);
    }
    for (Consumer<Outcome> listener : listeners) listener.accept(outcome);
    return outcome;
  }

  /**
   * Reloads whenever the file is written, created or replaced (editors and atomic writers rename a
   * new file over the old one, so the folder is watched, not the file).
   */
  public void watch() throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    WatchService service = FileSystems.getDefault().newWatchService();
    folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    watcher = service;
    Thread thread = new Thread(() -> follow(service, file.getFileName()), "oscope-route-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow(WatchService service, Path name) {
    try {
      while (true) {
        WatchKey key = service.take();
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
          ours |= event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context());
        }
        key.reset();
        if (ours) reload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  @Override
  public void close() {
    WatchService service = watcher;
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.debug("closing the route file watcher", e);
      }
    }
    worker.shutdownNow();
  }
}
