package io.oscope.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An upstream on a raw socket, one request per connection, for answers no ordinary server gives
 * (truncated bodies, resets, odd framing). Connections that send nothing (the proxy's health
 * checks) are closed unanswered.
 */
final class RawUpstream implements AutoCloseable {
  /** Answers one request; the connection closes when this returns. */
  interface Answer {
    void answer(String head, Socket client) throws IOException;
  }

  private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  private final Answer answer;

  RawUpstream(String name, Answer answer) throws IOException {
    this.answer = answer;
    Thread thread = new Thread(this::serve, name);
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        String head = RawHttp.readHead(client.getInputStream());
        if (!head.isEmpty()) answer.answer(head, client);
      } catch (IOException e) {
        if (socket.isClosed()) return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
