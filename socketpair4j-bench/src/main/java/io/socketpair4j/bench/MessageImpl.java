package io.socketpair4j.bench;

import io.socketpair4j.UnixDatagramPair;
import java.io.IOException;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * The ways of making a connected pair of message sockets ({@code SOCK_SEQPACKET} or {@code
 * SOCK_DGRAM}) that the benchmarks compare. The JDK, jnr-unixsocket and TCP have none.
 */
public enum MessageImpl implements Subject {
  /** socketpair4j's {@code UnixDatagramPair}: {@code socketpair(2)} through java.lang.foreign. */
  NATIVE("socketpair4j UnixDatagramPair", Impl.NATIVE) {
    @Override
    MessagePair open(UnixDatagramPair.Type type) throws IOException {
      UnixDatagramPair p = UnixDatagramPair.open(type);
      return new MessagePair(p.first(), p.second());
    }
  },
  /** junixsocket's {@code AFUNIXSocketPair.openDatagram(AFSocketType)} (JNI). */
  JUNIXSOCKET("junixsocket 2.10.1 AFUNIXSocketPair.openDatagram", Impl.JUNIXSOCKET) {
    @Override
    MessagePair open(UnixDatagramPair.Type type) throws IOException {
      AFUNIXSocketPair<AFUNIXDatagramChannel> p =
          AFUNIXSocketPair.openDatagram(
              type == UnixDatagramPair.Type.SEQPACKET
                  ? AFSocketType.SOCK_SEQPACKET
                  : AFSocketType.SOCK_DGRAM);
      return new MessagePair(p.getSocket1(), p.getSocket2());
    }
  };

  private final String title;
  private final Impl series;

  MessageImpl(String title, Impl series) {
    this.title = title;
    this.series = series;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public boolean ours() {
    return this == NATIVE;
  }

  @Override
  public Impl series() {
    return series;
  }

  /** A new connected pair of the given type, both ends in blocking mode. */
  abstract MessagePair open(UnixDatagramPair.Type type) throws IOException;
}
