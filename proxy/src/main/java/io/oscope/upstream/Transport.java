package io.oscope.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops and the channel classes that go with them: Netty's io_uring transport where this
 * kernel lets a process use it, else epoll (Linux), else NIO. io_uring costs less CPU per forwarded
 * request (BENCHMARKS.md, "io_uring"); container runtimes' default seccomp profiles and
 * {@code kernel.io_uring_disabled} refuse it, and then epoll serves. {@code -Doscope.transport}
 * names one instead.
 *
 * <pre>{@code
 * Transport transport = Transport.best();
 * EventLoopGroup loops = transport.loops(4, "oscope-loop");
 * }</pre>
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlers,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel) {

  /**
   * The buffers of the forwarding path: Netty's pooled allocator and its per-thread caches. Netty
   * 4.2's default, the adaptive allocator, cost more CPU per request in bench/run (BENCHMARKS.md).
   */
  public static final ByteBufAllocator BUFFERS = PooledByteBufAllocator.DEFAULT;

  /** The transport {@code -Doscope.transport} names ({@link #named}). */
  public static Transport best() {
    return named(System.getProperty("oscope.transport", ""));
  }

  /**
   * The transport named {@code io_uring}, {@code epoll} or {@code nio}; the empty name is the first
   * of them this machine has.
   *
   * @throws IllegalStateException when the one named cannot be loaded here, saying why
   */
  public static Transport named(String named) {
    switch (named) {
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          throw new IllegalStateException("io_uring is not available here: " + IoUring.unavailabilityCause());
        }
        return ioUring();
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) throw new IllegalStateException("epoll is not available here: " + Epoll.unavailabilityCause());
        return epoll();
      }
      case "nio" -> {
        return nio();
      }
      case "" -> { }
      default -> throw new IllegalStateException("-Doscope.transport=" + named + ": not io_uring, epoll or nio");
    }
    if (IoUring.isAvailable()) return ioUring();
    return Epoll.isAvailable() ? epoll() : nio();
  }

  private static Transport ioUring() {
    return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
        IoUringSocketChannel.class, IoUringDatagramChannel.class);
  }

  private static Transport epoll() {
    return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
        EpollSocketChannel.class, EpollDatagramChannel.class);
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
        NioSocketChannel.class, NioDatagramChannel.class);
  }

  /** {@code threads} event loops on daemon threads named {@code <prefix>-N}. */
  public EventLoopGroup loops(int threads, String prefix) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), ioHandlers);
  }
}
