package io.oscope.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes the JDK client would refuse to send (hop-by-hop headers, bad framing, CONNECT). */
final class RawHttp {
  private RawHttp() {}

  /** Writes {@code request} to port {@code port} and returns everything read until the server closes. */
  static String exchange(int port, String request) {
    return exchange("127.0.0.1", new InetSocketAddress("127.0.0.1", port), request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Writes {@code bytes} from a socket bound to address {@code from} (a loopback address such as
   * 127.0.0.2, to play another client) to {@code to}; everything read until the server closes.
   */
  static String exchange(String from, InetSocketAddress to, byte[] bytes) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(to, 10_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) response.write(buffer, 0, n);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server did not close the connection; got so far:\n" + response, e);
      }
      return response.toString(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET path} with {@code version} on a connection of its own to {@code port}: the whole response. */
  static String get(int port, String path, String version) {
    return exchange(port, "GET " + path + " " + version + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
  }

  /** A response's head, its blank line excluded, in lower case. */
  static String head(String response) {
    return response.substring(0, response.indexOf("\r\n\r\n") + 2).toLowerCase();
  }

  /** A response's body: what follows its blank line. */
  static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  /** Reads a request head up to its blank line; what came before the end of the stream if it ends first. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
      int c = in.read();
      if (c < 0) break;
      head.append((char) c);
    }
    return head.toString();
  }
}
