package io.oscope.reload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link RouteReloader.Timer} whose time moves only when the test says so. */
final class ManualTimer implements RouteReloader.Timer {
  private final List<Task> pending = new ArrayList<>();
  private final BlockingQueue<Duration> scheduled = new LinkedBlockingQueue<>();
  private Duration now = Duration.ZERO;

  private static final class Task {
    final Duration due;
    final Runnable action;

    Task(Duration due, Runnable action) {
      this.due = due;
      this.action = action;
    }
  }

  @Override
  public synchronized Runnable schedule(Duration delay, Runnable action) {
    Task task = new Task(now.plus(delay), action);
    pending.add(task);
    scheduled.add(delay);
    return () -> {
      synchronized (this) {
        pending.remove(task);
      }
    };
  }

  /** Moves time on by {@code by} and runs the tasks then due; returns how many ran. */
  int advance(Duration by) {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      now = now.plus(by);
      pending.removeIf(task -> {
        if (task.due.compareTo(now) > 0) return false;
        due.add(task);
        return true;
      });
    }
    due.forEach(task -> task.action.run());
    return due.size();
  }

  /** Waits until something schedules a task, and returns its delay. */
  Duration awaitScheduled() throws InterruptedException {
    Duration delay = scheduled.poll(30, TimeUnit.SECONDS);
    if (delay == null) throw new AssertionError("nothing was scheduled within 30 s");
    return delay;
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized int pending() {
    return pending.size();
  }
}
