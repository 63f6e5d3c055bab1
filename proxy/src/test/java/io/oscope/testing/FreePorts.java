package io.oscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports for tests that must know an address before they listen on it (a route file
 * naming the proxies that serve it). The kernel may hand the same free port to two calls in a row,
 * which once gave two proxies of one test the same address: a port is never handed out twice here.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A port free on 127.0.0.1 now, not handed out before in this JVM. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (HANDED_OUT.add(port)) return port;
    }
    throw new IllegalStateException("no new free port in 100 attempts");
  }
}
