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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a proxy's route table in step with its file: reloads on request (SIGHUP, the admin
 * endpoint) and when the file changes on disk. Every reload compiles the new table on the
 * reloader's own thread, off the event loops; a bad file is rejected whole, its problems logged,
 * and the previous table stays live.
 *
 * <p>A file rewritten in place ({@code cp}, {@code >}) is truncated, then written, and each step
 * is an event: the watcher reloads once the file has had no event for {@link #QUIET}, so that it
 * reads the file as written, not half of it.
 *
 * <pre>{@code
 * RouteReloader reloader = RouteReloader.start(file, "CloudOne", proxy::swap, initialTable);
 * reloader.watch();          // follow the file on disk
 * reloader.reload().get();   // what SIGHUP and POST /reload do
 * }</pre>
 */
public final class RouteReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
  /** How long the file must have had no event before the watcher reloads it. */
  static final Duration QUIET = Duration.ofMillis(250);
  /**
   * The symlink a Kubernetes ConfigMap or Secret volume swaps on an update: the file is a link
   * through it, so the update is an event on this name, never on the file's own.
   */
  private static final Path KUBERNETES_DATA = Path.of("..data");

  private final Path file;
  private final String cloud;
  private final Consumer<RouteTable> swap;
  private final Clock clock;
  private final ScheduledExecutorService worker;
  private final Timer timer;
  private final List<Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
  private volatile Loaded current;
  private volatile WatchService watcher;
  /** Cancels the reload the watcher has scheduled, or {@code null}. */
  private Runnable scheduled;
  /** Changes seen on disk: only the reload scheduled for the last one runs. */
  private long changes;

  /** The table in use, where it came from and when it was loaded. */
  public record Loaded(RouteTable table, Path file, Instant loadedAt) {}

  /** What one reload did. */
  public sealed interface Outcome {
    /** Its label in the metrics: {@code success}, {@code unchanged} or {@code failure}. */
    default String result() {
      return this instanceof Swapped ? "success" : this instanceof Unchanged ? "unchanged" : "failure";
    }

    /** A new table is live. */
    record Swapped(Loaded loaded, String previousVersion) implements Outcome {}

    /** The file compiles to the table already in use. */
    record Unchanged(Loaded loaded) implements Outcome {}

    /** The file is bad; the previous table stays live. */
    record Rejected(List<Problem> problems, Loaded kept) implements Outcome {}
  }

  /** Runs a task after a delay; tests hand in one whose time they move themselves. */
  interface Timer {
    /** Runs {@code task} after {@code delay}; the action returned cancels it if it has not run. */
    Runnable schedule(Duration delay, Runnable task);
  }

  private RouteReloader(Path file, String cloud, Consumer<RouteTable> swap, RouteTable initial, Clock clock,
      Timer timer) {
    this.file = file;
    this.cloud = cloud;
    this.swap = swap;
    this.clock = clock;
    this.current = new Loaded(initial, file, clock.instant());
    this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "oscope-route-reloader");
      thread.setDaemon(true);
      return thread;
    });
    this.timer = timer != null ? timer : (delay, task) -> {
      ScheduledFuture<?> future = worker.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }

  /** A reloader for the proxy of {@code cloud}, whose table {@code initial} was loaded from {@code file}. */
  public static RouteReloader start(Path file, String cloud, Consumer<RouteTable> swap, RouteTable initial) {
    return new RouteReloader(file, cloud, swap, initial, Clock.systemUTC(), null);
  }

  /** A reloader whose watcher waits for the file to be quiet on {@code timer}. */
  static RouteReloader start(Path file, String cloud, Consumer<RouteTable> swap, RouteTable initial, Timer timer) {
    return new RouteReloader(file, cloud, swap, initial, Clock.systemUTC(), timer);
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
        LOG.info("route file {} reloaded unchanged: version {} stays live", file, table.version());
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
   * new file over the old one, so the folder is watched, not the file), or when a Kubernetes
   * volume's {@code ..data} symlink is swapped, once it has been quiet for {@link #QUIET}.
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
          ours |= event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())
              || KUBERNETES_DATA.equals(event.context());
        }
        key.reset();
        if (ours) changed();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  /** The file changed on disk: reloads it once no other change has come for {@link #QUIET}. */
  synchronized void changed() {
    long change = ++changes;
    if (scheduled != null) scheduled.run();
    scheduled = timer.schedule(QUIET, () -> settled(change));
  }

  private void settled(long change) {
    synchronized (this) {
      if (change != changes) return;
      scheduled = null;
    }
    reload();
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
