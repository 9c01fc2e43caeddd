package io.socketpair4j.internal.nio;

import io.socketpair4j.PeerCredentials;
import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixDatagramChannel;
import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.MembershipKey;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The channel of one end of a native SEQPACKET or DGRAM socket pair: {@code DatagramChannel} over
 * the {@link ChannelCore} it shares with {@link NativeSocketChannel}, with a transfer layer that
 * carries one whole message per call.
 */
public final class NativeDatagramChannel extends UnixDatagramChannel implements ChannelCore.Owner {
  private final ChannelCore core;

  /**
   * Wraps {@code fd}, a connected socket of the given kind, which this channel now owns. On a
   * SEQPACKET socket, sets {@code SO_TIMESTAMP}, by which a receive tells an empty message from the
   * end of the stream; if that fails, the caller still owns {@code fd}.
   */
  NativeDatagramChannel(SelectorProvider provider, int fd, SocketKind kind) throws IOException {
    super(provider);
    if (kind.endOfStreamByTimestamp()) {
      SocketOptions.setInt(fd, LinuxConstants.SO_TIMESTAMP, 1);
    }
    this.core = new ChannelCore(this, fd, kind);
  }

  @Override
  public void beginBlocking() {
    begin();
  }

  @Override
  public void endBlocking(boolean completed) throws AsynchronousCloseException {
    end(completed);
  }

  ChannelCore core() {
    return core;
  }

  @Override
  public int fd() {
    return core.fd();
  }

  @Override
  public UnixDatagramPair.Type type() {
    return core.kind() == SocketKind.SEQPACKET
        ? UnixDatagramPair.Type.SEQPACKET
        : UnixDatagramPair.Type.DATAGRAM;
  }

  // -- reads and writes ---------------------------------------------------------------------

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return (int) core.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return core.read(dsts, offset, length);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) core.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return core.write(srcs, offset, length);
  }

  @Override
  public ReceivedMessage readMessage(ByteBuffer dst) throws IOException {
    return core.receive(dst, -1, false);
  }

  @Override
  public ReceivedMessage peekMessage(ByteBuffer dst) throws IOException {
    // MSG_PEEK|MSG_TRUNC: the length is the queued message's, nothing is taken
    return core.receive(dst, -1, true);
  }

  @Override
  public SocketAddress receive(ByteBuffer dst) throws IOException {
    ReceivedMessage m = core.receive(dst, -1, false);
    return m == null || m.isEndOfStream() ? null : SocketAddresses.UNNAMED;
  }

  @Override
  public int send(ByteBuffer src, SocketAddress target) throws IOException {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(target, "target");
    if (!(target instanceof UnixDomainSocketAddress)) {
      throw new UnsupportedAddressTypeException();
    }
    core.ensureOpen();
    if (!target.equals(SocketAddresses.UNNAMED)) {
      throw new AlreadyConnectedException();
    }
    return (int) core.write(src);
  }

  @Override
  public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
    return (int) core.read(dst, ChannelCore.timeoutNanos(timeout, unit));
  }

  @Override
  public int write(ByteBuffer src, long timeout, TimeUnit unit) throws IOException {
    return (int) core.write(src, ChannelCore.timeoutNanos(timeout, unit));
  }

  @Override
  public int writeWithDescriptors(ByteBuffer src, Channel... descriptors) throws IOException {
    return core.writeWithDescriptors(src, descriptors);
  }

  @Override
  public int writeWithDescriptors(ByteBuffer src, int... fds) throws IOException {
    return core.writeWithDescriptors(src, fds);
  }

  @Override
  public ReceivedMessage readWithDescriptors(ByteBuffer dst) throws IOException {
    return core.receiveWithDescriptors(dst, MAX_DESCRIPTORS);
  }

  @Override
  public ReceivedMessage readWithDescriptors(ByteBuffer dst, int maxDescriptors)
      throws IOException {
    return core.receiveWithDescriptors(dst, maxDescriptors);
  }

  @Override
  public PeerCredentials peerCredentials() throws IOException {
    return core.peerCredentials();
  }

  // -- close, blocking mode and shutdown -----------------------------------------------------

  @Override
  protected void implCloseSelectableChannel() {
    core.close();
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    core.awaitIo();
  }

  @Override
  public NativeDatagramChannel shutdownInput() throws IOException {
    core.shutdownInput();
    return this;
  }

  @Override
  public NativeDatagramChannel shutdownOutput() throws IOException {
    core.shutdownOutput();
    return this;
  }

  // -- connection state and addresses -------------------------------------------------------

  @Override
  public NativeDatagramChannel bind(SocketAddress local) throws IOException {
    core.ensureOpen();
    throw new AlreadyBoundException();
  }

  @Override
  public NativeDatagramChannel connect(SocketAddress remote) throws IOException {
    core.ensureOpen();
    throw new AlreadyConnectedException();
  }

  @Override
  public NativeDatagramChannel disconnect() {
    throw new UnsupportedOperationException(
        "the ends of a socket pair cannot be disconnected: they have no names to connect to again");
  }

  @Override
  public boolean isConnected() {
    return isOpen();
  }

  /**
   * Always throws: like the JDK's UNIX-domain channels, this channel has no {@link DatagramSocket}
   * adaptor.
   */
  @Override
  public DatagramSocket socket() {
    throw new UnsupportedOperationException(
        "Not supported: a UNIX-domain datagram channel has no java.net.DatagramSocket adaptor");
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    return core.address(true);
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    return core.address(false);
  }

  @Override
  public MembershipKey join(InetAddress group, NetworkInterface interf) {
    throw noMulticast();
  }

  @Override
  public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
    throw noMulticast();
  }

  private static UnsupportedOperationException noMulticast() {
    return new UnsupportedOperationException(
        "Not supported: multicast needs an IP socket, this is a UNIX-domain socket");
  }

  // -- options ------------------------------------------------------------------------------

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return ChannelCore.supportedOptions();
  }

  @Override
  public <T> NativeDatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
    core.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return core.getOption(name);
  }

  @Override
  public String toString() {
    return core.describe("UnixDatagramChannel(" + core.kind().label + ")");
  }
}
