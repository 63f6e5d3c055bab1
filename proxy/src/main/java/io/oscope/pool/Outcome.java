package io.oscope.pool;

import io.netty.channel.ChannelException;
import io.netty.handler.codec.DecoderException;
import io.oscope.http1.Http1Violation;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * What one request's try, or one health check, tells about an upstream address. Health is about
 * the address: is it reachable and does it speak HTTP? Whether one call succeeded is not its
 * business. A 500 from an application, or a 502/503/504 a peer oscope answered about its own
 * upstreams, is an answer: the address is {@link #ANSWERED}.
 *
 * <pre>{@code
 * balancer.end(member, Outcome.ANSWERED);          // a response head was read, whatever its status
 * balancer.end(member, Outcome.of(cause));         // the try failed with cause
 * balancer.end(member, Outcome.silent(timeout));   // no answer within the response timeout
 * balancer.end(member, Outcome.NOTHING_LEARNED);   // the client went away first, a stale pooled connection
 * }</pre>
 */
public sealed interface Outcome {
  /** The address answered with an HTTP response, whatever its status: it is up. */
  Outcome ANSWERED = new Answered();
  /** The try ended without telling anything about the address: neither a success nor a failure. */
  Outcome NOTHING_LEARNED = new NothingLearned();

  /**
   * What {@code failure} tells about the address: an {@link AddressFailure} when the address could
   * not be reached or did not speak HTTP (refused, no route, connect or read timeout, reset, closed
   * before the response, an answer that is not HTTP, a TLS handshake it failed); else
   * {@link #NOTHING_LEARNED}: this host ran out of file descriptors, memory, buffers or local
   * ports, a channel could not be created, or oscope failed itself (a bug is no upstream's fault).
   * A local cause anywhere in the chain wins: a connect that failed for want of a file descriptor
   * says nothing about the address, whatever wraps it.
   */
  static Outcome of(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (isLocal(cause)) return NOTHING_LEARNED;
    }
    Throwable telling = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SSLException) return new AddressFailure("TLS failed: " + message(cause));
      if (cause instanceof Http1Violation violation && violation.status() == 502) {
        return new AddressFailure("invalid response: " + violation.problem());
      }
      if (telling == null && (cause instanceof IOException || cause instanceof TimeoutException
          || cause instanceof DecoderException || cause instanceof io.netty.handler.timeout.TimeoutException)) {
        telling = cause;
      }
    }
    return telling == null ? NOTHING_LEARNED : new AddressFailure(message(telling));
  }

  /** The address accepted the request but sent nothing for {@code timeout}. */
  static Outcome silent(Duration timeout) {
    return new AddressFailure("no answer within " + timeout.toMillis() + " ms");
  }

  /** An address-level failure: it counts toward {@code fall}. */
  record AddressFailure(String problem) implements Outcome {
    public AddressFailure {
      if (problem == null || problem.isBlank()) throw new IllegalArgumentException("an address failure needs a problem");
    }
  }

  /** See {@link #ANSWERED}. */
  record Answered() implements Outcome { }

  /** See {@link #NOTHING_LEARNED}. */
  record NothingLearned() implements Outcome { }

  /**
   * Failures of this host, not of the address: a channel could not be created or set up (Netty's
   * ChannelException; its read and write timeouts excepted, they are the upstream's silence), or
   * the system said so (EMFILE, ENFILE, ENOMEM, ENOBUFS, EADDRNOTAVAIL: no local port left).
   */
  private static boolean isLocal(Throwable cause) {
    if (cause instanceof VirtualMachineError) return true;
    if (cause instanceof ChannelException && !(cause instanceof io.netty.handler.timeout.TimeoutException)) return true;
    String message = cause.getMessage();
    if (message == null) return false;
    String text = message.toLowerCase(Locale.ROOT);
    return text.contains("too many open files") || text.contains("cannot allocate memory")
        || text.contains("no buffer space available") || text.contains("cannot assign requested address");
  }

  private static String message(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
