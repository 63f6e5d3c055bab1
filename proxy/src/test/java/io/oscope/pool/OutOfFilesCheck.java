package io.oscope.pool;

import io.oscope.routes.HostPort;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM with a low file descriptor limit ({@link HealthCheckerTest}): checks an
 * address that is up while this process has no file descriptor left, then again with some freed,
 * and prints what the balancer made of it, one {@code key=value} a line.
 */
final class OutOfFilesCheck {
  private OutOfFilesCheck() {}

  public static void main(String[] args) throws Exception {
    try (ServerSocket up = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HostPort address = new HostPort("127.0.0.1", up.getLocalPort());
      Map<HostPort, Boolean> addresses = new LinkedHashMap<>(Map.of(address, false));
      Balancer balancer = new Balancer(new PoolSettings(Duration.ofSeconds(30), Duration.ofSeconds(2), 1, 1, null, 399, 0, null));
      HealthChecker checker = new HealthChecker(balancer, () -> addresses, null);
      balancer.member(address);
      // The event loops are made, and the classes of every path loaded, while files are left.
      checker.round().block(Duration.ofSeconds(10));
      for (Class<?> type : Outcome.class.getDeclaredClasses()) Class.forName(type.getName());
      Outcome.of(new IOException("Too many open files"));
      System.out.println("warm=" + balancer.member(address).isUp());

      List<FileInputStream> hoard = new ArrayList<>();
      try {
        while (true) hoard.add(new FileInputStream("/dev/null"));
      } catch (IOException e) {
        System.out.println("exhausted=" + e.getMessage());
      }
      checker.round().block(Duration.ofSeconds(10));
      boolean upWhileExhausted = balancer.member(address).isUp();
      for (FileInputStream file : hoard) file.close();
      System.out.println("upWhileExhausted=" + upWhileExhausted);

      up.close();
      checker.round().block(Duration.ofSeconds(10));
      System.out.println("downOnceClosed=" + !balancer.member(address).isUp());
      System.out.println("lastProblem=" + balancer.member(address).lastProblem());
    }
    System.exit(0);
  }
}
