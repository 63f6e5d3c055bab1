package io.oscope.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket upstream serving connections side by side, each on its own thread and kept alive:
 * the answer decides what each request gets. Records every request head it received, with the
 * number of the connection it came on. Connections that send nothing (health checks) just close.
 */
final class ConcurrentUpstream implements AutoCloseable {
  /** Answers one request received on connection number {@code connection}; false closes the connection. */
  interface Answer {
    boolean answer(String head, int connection, OutputStream out) throws IOException;
  }

  /** A request received: its head and the number of its connection, from 1. */
  record Received(String head, int connection) {
    String path() {
      return head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  private final AtomicInteger connections = new AtomicInteger();
  private final Answer answer;

  ConcurrentUpstream(Answer answer) throws IOException {
    this.answer = answer;
    Thread acceptor = new Thread(this::accept, "concurrent-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** How many requests for {@code path} arrived. */
  long requestsFor(String path) {
    return received.stream().filter(r -> r.path().equals(path)).count();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread serving = new Thread(() -> serve(client), "concurrent-upstream-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException e) {
        if (socket.isClosed()) return;
      }
    }
  }

  private void serve(Socket client) {
    int number = 0;
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      for (String head = RawHttp.readHead(in); !head.isEmpty(); head = RawHttp.readHead(in)) {
        if (number == 0) number = connections.incrementAndGet();
        received.add(new Received(head, number));
        if (!answer.answer(head, number, out)) return;
        out.flush();
      }
    } catch (IOException e) {
      // the proxy closed the connection: nothing more to serve on it
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
