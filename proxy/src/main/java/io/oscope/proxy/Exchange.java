package io.oscope.proxy;

/**
 * How a {@link ClientConnection} serves one request: a {@link Forwarding} to one upstream, or a
 * {@link FanOutExchange} to every cloud of an {@code &} scope, answered as one. The connection
 * drives either the same way: {@link #start()}, the request body as it arrives, the deadline
 * sweep, the client's going away; the exchange calls {@link ClientConnection#finished} when done.
 *
 * <p>An abstract class rather than an interface so that these methods, like the connection's,
 * stay package-private.
 */
abstract class Exchange {

  /** The request's record, logged when the exchange is over. */
  abstract RequestRecord record();

  /** Whether the client connection closes after this exchange: nothing after it may be processed. */
  abstract boolean closesClient();

  /** Whether the client connection may read on (more of the request body). */
  abstract boolean wantsClientReads();

  abstract void start();

  /** Checks the exchange's deadlines at {@code now}, on the proxy's clock. */
  abstract void checkTimeout(long now);

  /** A part of the request body from the client: a buffer, or its {@code RequestDecoder.End}. */
  abstract void requestBody(Object part);

  /** The rest of the request body cannot be read: {@code error} says why. */
  abstract void requestFailed(ProxyError error);

  /** The client's read burst is over. */
  abstract void clientReadComplete();

  abstract void clientWritabilityChanged();

  /** The client went away: drop what the exchange holds. */
  abstract void clientClosed();
}
