package io.oscope.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A server's way with an OutOfMemoryError, for {@link LauncherTest}: a worker thread (an event
 * loop, the health checker) catches and logs it, and the process stays up, doing nothing useful.
 * Exits 0 once it has survived one, which only a JVM that does not exit on it gets to do.
 */
final class SurvivesOutOfMemory {
  private SurvivesOutOfMemory() {}

  public static void main(String[] args) throws InterruptedException {
    Thread worker = new Thread(() -> {
      List<long[]> hoard = new ArrayList<>();
      try {
        while (true) hoard.add(new long[1 << 16]);
      } catch (OutOfMemoryError e) {
        hoard.clear();
        System.out.println("survived an OutOfMemoryError");
      }
    }, "worker");
    worker.start();
    worker.join();
    System.exit(0);
  }
}
