package io.socketpair4j.interop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.socketpair4j.SocketPair;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketPair;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Netty's NIO transport on socketpair4j's ends: a native pair's channels on an event loop whose
 * selectors come from {@link UnixSelectorProvider}, and a {@link SocketPair}'s JDK channels on
 * Netty's default transport, next to a TCP connection on the same event loop. A UNIX-domain channel
 * has no {@code java.net.Socket} adaptor (neither ours nor the JDK's), so Netty takes it as a
 * {@link NioDomainSocketChannel}, whose options go through the channel itself.
 */
@Timeout(60)
class NettyInteropTest {
  private static final long WAIT_SECONDS = 20;

  private EventLoopGroup group;

  @AfterEach
  void shutDown() throws InterruptedException {
    if (group != null) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Echoes every buffer it reads. */
  static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  /** Collects what it reads until {@code expected} bytes came, then completes {@code received}. */
  static final class Collect extends ChannelInboundHandlerAdapter {
    private final int expected;
    private final StringBuilder text = new StringBuilder();
    final CompletableFuture<String> received = new CompletableFuture<>();

    Collect(int expected) {
      this.expected = expected;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        text.append(buf.toString(US_ASCII));
      } finally {
        buf.release();
      }
      if (text.length() >= expected) {
        received.complete(text.toString());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      received.completeExceptionally(cause);
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, US_ASCII);
  }

  @Test
  void nettyEchoesOverANativeEndWithOurSelectorProvider() throws Exception {
    group =
        new MultiThreadIoEventLoopGroup(
            1, NioIoHandler.newFactory(UnixSelectorProvider.provider()));
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      NioDomainSocketChannel served = new NioDomainSocketChannel(pair.first());
      served.pipeline().addLast(new Echo());
      group.register(served).sync();
      assertThat(served.isActive()).isTrue();
      assertThat(served.remoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));

      // the other end, blocking, on this thread
      SocketChannel peer = pair.second();
      for (int i = 0; i < 100; i++) {
        String line = "message " + i + "\n";
        peer.write(ByteBuffer.wrap(line.getBytes(US_ASCII)));
        ByteBuffer back = ByteBuffer.allocate(line.length());
        while (back.hasRemaining()) {
          assertThat(peer.read(back)).isNotNegative();
        }
        assertThat(new String(back.array(), US_ASCII)).isEqualTo(line);
      }
      // the peer's close reaches Netty as the end of the stream: it closes its channel
      peer.close();
      assertThat(served.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(pair.first().isOpen()).isFalse();
    }
  }

  @Test
  void bothNativeEndsOnOneNettyEventLoop() throws Exception {
    group =
        new MultiThreadIoEventLoopGroup(
            1, NioIoHandler.newFactory(UnixSelectorProvider.provider()));
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      NioDomainSocketChannel server = new NioDomainSocketChannel(pair.first());
      server.pipeline().addLast(new Echo());
      String payload = "x".repeat(256 * 1024); // more than one socket buffer: writes wait for room
      Collect client = new Collect(payload.length());
      NioDomainSocketChannel clientChannel = new NioDomainSocketChannel(pair.second());
      clientChannel.pipeline().addLast(client);
      group.register(server).sync();
      group.register(clientChannel).sync();
      clientChannel.writeAndFlush(ascii(payload)).sync();
      assertThat(client.received.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(payload);
      clientChannel.close().sync();
      assertThat(server.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aSocketPairsJdkEndsBesideATcpConnectionOnNettysDefaultTransport() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // a TCP echo server and a client of it, on the one event loop
    Channel tcpServer =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new Echo());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    Collect tcpReply = new Collect(3);
    Channel tcpClient =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(tcpReply)
            .connect(tcpServer.localAddress())
            .sync()
            .channel();
    try (SocketPair pair = SocketPair.open()) {
      NioDomainSocketChannel server = new NioDomainSocketChannel(pair.first());
      server.pipeline().addLast(new Echo());
      Collect pairReply = new Collect(4);
      NioDomainSocketChannel client = new NioDomainSocketChannel(pair.second());
      client.pipeline().addLast(pairReply);
      group.register(server).sync();
      group.register(client).sync();

      client.writeAndFlush(ascii("pair"));
      tcpClient.writeAndFlush(ascii("tcp"));
      assertThat(pairReply.received.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("pair");
      assertThat(tcpReply.received.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("tcp");
      client.close().sync();
      assertThat(server.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      tcpClient.close().sync();
      tcpServer.close().sync();
    }
  }
}
