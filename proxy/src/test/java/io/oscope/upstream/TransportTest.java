package io.oscope.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each transport oscope can run on carries bytes both ways on loopback, here, with its own channels. */
class TransportTest {

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "io_uring", "nio"})
  void carriesBytesBothWays(String name) throws Exception {
    assumeTrue(!name.equals("io_uring") || IoUring.isAvailable(), "io_uring is not offered by this kernel");
    assumeTrue(!name.equals("epoll") || Epoll.isAvailable(), "epoll is not offered here");
    Transport transport = Transport.named(name);
    assertThat(transport.name()).isEqualTo(name);
    EventLoopGroup loops = transport.loops(1, "transport-test");
    try {
      Channel server = new ServerBootstrap().group(loops).channel(transport.serverChannel())
          .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ctx.writeAndFlush(msg); // echo
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      CompletableFuture<String> echoed = new CompletableFuture<>();
      Channel client = new Bootstrap().group(loops).channel(transport.socketChannel())
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ByteBuf bytes = (ByteBuf) msg;
              echoed.complete(bytes.toString(StandardCharsets.US_ASCII));
              bytes.release();
            }
          })
          .connect(server.localAddress()).sync().channel();

      client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();

      assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
      client.close().sync();
      server.close().sync();
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void theDefaultIsTheFirstOfIoUringEpollAndNioThisMachineHas() {
    String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
    assertThat(Transport.named("").name()).isEqualTo(expected);
  }

  @Test
  void anUnknownNameIsRefusedSayingWhichExist() {
    assertThatThrownBy(() -> Transport.named("kqueue")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io_uring, epoll or nio");
  }
}
