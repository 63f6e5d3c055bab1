package io.oscope.upstream;

import io.oscope.http1.ResponseReader;

/**
 * Who an {@link UpstreamHandler} serves while it is lent: the response as {@link ResponseReader}
 * reads it, and what happens to the connection meanwhile. The upstream side knows no more of the
 * request than this, as the backend handler of Netty's proxy example knows its frontend only as a
 * channel.
 */
public interface UpstreamListener extends ResponseReader.Listener {

  /** A burst of reads is over: what was handed on may be flushed. */
  void readComplete();

  /** The connection's writability changed: the request body may go on or pause. */
  void writabilityChanged();

  /**
   * The connection broke before the response was complete: {@code cause} is what failed, or null if
   * the upstream closed it. The listener hears nothing more from it.
   */
  void closed(Throwable cause);
}
