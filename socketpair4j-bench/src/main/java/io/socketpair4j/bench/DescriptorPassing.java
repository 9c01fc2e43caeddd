package io.socketpair4j.bench;

import io.socketpair4j.Descriptor;
import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixChannel;
import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.UnixSocketPair;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.List;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketExtensions;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * A connected pair whose first end sends messages of 1 byte and 1 descriptor ({@code SCM_RIGHTS}:
 * always the write end of the same pipe) and whose second end receives them and closes every
 * descriptor it receives. {@link #send} is called by one thread and {@link #receive} by another.
 *
 * <p>socketpair4j: {@code writeWithDescriptors(buffer, fd)}, then {@code
 * readWithDescriptors(buffer, 1)} and {@code Descriptor.close()}. junixsocket: {@code
 * setOutboundFileDescriptors} before each write; {@code setAncillaryReceiveBufferSize} once, then
 * {@code read} and {@code getReceivedFileDescriptors()}, each closed through a {@code
 * FileInputStream} (closing the stream closes its {@code FileDescriptor} and every other closeable
 * junixsocket attached to it, which takes it out of the socket's list of open received
 * descriptors).
 */
abstract class DescriptorPassing implements Closeable {
  final ByteBuffer out = ByteBuffer.allocateDirect(1);
  final ByteBuffer in = ByteBuffer.allocateDirect(1);

  /** Sends one message: {@code value} and the pipe's write end. */
  abstract void send(byte value) throws IOException;

  /**
   * Receives one message and closes the descriptors that came with it.
   *
   * @return the byte received (0 to 255), or -1 at the end of the stream
   * @throws IllegalStateException if the message was not 1 byte with 1 descriptor (of a pipe, where
   *     the implementation says)
   */
  abstract int receive() throws IOException;

  /** The row a measurement of {@code impl} on {@code socket} belongs to. */
  static Subject subject(MessageImpl impl, PassingSocket socket) {
    if (socket == PassingSocket.SEQPACKET) {
      return impl;
    }
    return impl == MessageImpl.NATIVE ? Impl.NATIVE : Impl.JUNIXSOCKET;
  }

  static DescriptorPassing open(MessageImpl impl, PassingSocket socket, NativePipe pipe)
      throws IOException {
    if (impl == MessageImpl.NATIVE) {
      if (socket == PassingSocket.STREAM) {
        UnixSocketPair p = UnixSocketPair.open();
        return new Ours(p, p.first(), p.second(), pipe.writeFd());
      }
      UnixDatagramPair p = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
      return new Ours(p, p.first(), p.second(), pipe.writeFd());
    }
    FileDescriptor fd = FileDescriptorCast.unsafeUsing(pipe.writeFd()).getFileDescriptor();
    if (socket == PassingSocket.STREAM) {
      AFUNIXSocketPair<AFUNIXSocketChannel> p = AFUNIXSocketPair.open();
      return new Junixsocket<>(p.getSocket1(), p.getSocket2(), fd);
    }
    AFUNIXSocketPair<AFUNIXDatagramChannel> p =
        AFUNIXSocketPair.openDatagram(AFSocketType.SOCK_SEQPACKET);
    return new Junixsocket<>(p.getSocket1(), p.getSocket2(), fd);
  }

  static void check(int bytes, int descriptors, String what) {
    if (bytes != 1 || descriptors != 1) {
      throw new IllegalStateException(
          "received " + bytes + " bytes with " + descriptors + " descriptors" + what);
    }
  }

  private static final class Ours extends DescriptorPassing {
    private final Closeable pair;
    private final UnixChannel sender;
    private final UnixChannel receiver;
    private final int[] fds;

    Ours(Closeable pair, UnixChannel sender, UnixChannel receiver, int fd) {
      this.pair = pair;
      this.sender = sender;
      this.receiver = receiver;
      this.fds = new int[] {fd};
    }

    @Override
    void send(byte value) throws IOException {
      if (sender.writeWithDescriptors(out.clear().put(0, value), fds) != 1) {
        throw new IllegalStateException("a blocking write wrote nothing");
      }
    }

    @Override
    int receive() throws IOException {
      ReceivedMessage m = receiver.readWithDescriptors(in.clear(), 1);
      if (m.isEndOfStream()) {
        return -1;
      }
      List<Descriptor> received = m.descriptors();
      boolean pipes = true;
      for (Descriptor d : received) {
        pipes &= d.kind() == Descriptor.Kind.PIPE;
        d.close();
      }
      check(m.bytesRead(), received.size(), pipes ? "" : " (not a pipe)");
      return in.get(0) & 0xff;
    }

    @Override
    public void close() throws IOException {
      pair.close();
    }
  }

  private static final class Junixsocket<C extends ByteChannel & AFUNIXSocketExtensions>
      extends DescriptorPassing {
    private final C sender;
    private final C receiver;
    private final FileDescriptor fd;

    Junixsocket(C sender, C receiver, FileDescriptor fd) {
      this.sender = sender;
      this.receiver = receiver;
      this.fd = fd;
      receiver.setAncillaryReceiveBufferSize(256); // off by default; 256 is its minimum
    }

    @Override
    void send(byte value) throws IOException {
      sender.setOutboundFileDescriptors(fd); // for the next write only
      if (sender.write(out.clear().put(0, value)) != 1) {
        throw new IllegalStateException("a blocking write wrote nothing");
      }
    }

    @Override
    int receive() throws IOException {
      int n = receiver.read(in.clear());
      if (n < 0) {
        return -1;
      }
      FileDescriptor[] received = receiver.getReceivedFileDescriptors();
      for (FileDescriptor d : received) {
        new FileInputStream(d).close();
      }
      check(n, received.length, "");
      return in.get(0) & 0xff;
    }

    @Override
    public void close() throws IOException {
      try (C first = sender) {
        receiver.close();
      }
    }
  }
}
