package io.socketpair4j.bench;

import io.socketpair4j.SocketPair;
import io.socketpair4j.UnixSocketPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/** The ways of making a connected duplex pair that the benchmarks compare. */
public enum Impl implements Subject {
  /** socketpair4j's native pair: {@code socketpair(2)} through java.lang.foreign. */
  NATIVE("socketpair4j UnixSocketPair") {
    @Override
    Duplex open() throws IOException {
      UnixSocketPair p = UnixSocketPair.open();
      return new Duplex(End.of(p.first()), End.of(p.second()), p);
    }
  },
  /** socketpair4j's portable pair: the JDK's own UNIX-domain channels. */
  JDK("socketpair4j SocketPair (JDK channels)") {
    @Override
    Duplex open() throws IOException {
      SocketPair p = SocketPair.open();
      return new Duplex(End.of(p.first()), End.of(p.second()), p);
    }
  },
  /** Two JDK pipes in opposite directions. */
  PIPES("two JDK Pipes") {
    @Override
    Duplex open() throws IOException {
      Pipe ab = Pipe.open();
      Pipe ba;
      try {
        ba = Pipe.open();
      } catch (IOException e) {
        ab.source().close();
        ab.sink().close();
        throw e;
      }
      return new Duplex(new End(ba.source(), ab.sink()), new End(ab.source(), ba.sink()), () -> {});
    }
  },
  /** A TCP connection over loopback, accepted by one shared listener, with TCP_NODELAY. */
  TCP("TCP loopback SocketChannels") {
    private ServerSocketChannel listener;

    @Override
    synchronized Duplex open() throws IOException {
      if (listener == null) {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      }
      SocketChannel a = SocketChannel.open(listener.getLocalAddress());
      SocketChannel b = listener.accept();
      a.setOption(StandardSocketOptions.TCP_NODELAY, true);
      b.setOption(StandardSocketOptions.TCP_NODELAY, true);
      return new Duplex(End.of(a), End.of(b), () -> {});
    }
  },
  /** junixsocket's {@code AFUNIXSocketPair} (JNI). */
  JUNIXSOCKET("junixsocket 2.10.1 AFUNIXSocketPair") {
    @Override
    Duplex open() throws IOException {
      AFUNIXSocketPair<AFUNIXSocketChannel> p = AFUNIXSocketPair.open();
      return new Duplex(End.of(p.getSocket1()), End.of(p.getSocket2()), () -> {});
    }
  },
  /** jnr-unixsocket's {@code UnixSocketChannel.pair()} (jnr-ffi). */
  JNR("jnr-unixsocket 0.38.23 UnixSocketChannel.pair()") {
    @Override
    Duplex open() throws IOException {
      jnr.unixsocket.UnixSocketChannel[] p = jnr.unixsocket.UnixSocketChannel.pair();
      return new Duplex(End.of(p[0]), End.of(p[1]), () -> {});
    }
  };

  private final String title;

  Impl(String title) {
    this.title = title;
  }

  /** How the report names this implementation. */
  @Override
  public String title() {
    return title;
  }

  /** socketpair4j's two backends. */
  @Override
  public boolean ours() {
    return this == NATIVE || this == JDK;
  }

  @Override
  public Impl series() {
    return this;
  }

  /** A new connected pair, both ends in blocking mode. */
  abstract Duplex open() throws IOException;

  /** A selector that ends of this implementation can be registered with. */
  Selector openSelector(Duplex sample) throws IOException {
    return sample.a().readSide().provider().openSelector();
  }
}
