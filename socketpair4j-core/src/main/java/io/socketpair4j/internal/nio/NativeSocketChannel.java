package io.socketpair4j.internal.nio;

import io.socketpair4j.PeerCredentials;
import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixSocketChannel;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The channel of one end of a native stream socket pair: {@code SocketChannel} over a {@link
 * ChannelCore}, which keeps the {@code java.nio} contract (locks, blocking mode, interrupt, close,
 * shutdown, options, addresses) it shares with {@link NativeDatagramChannel}, over a {@link
 * NativeSocket}, which owns the descriptor and runs every read and write through the transfer layer
 * ({@link Transfer}) and its one loop.
 */
public final class NativeSocketChannel extends UnixSocketChannel implements ChannelCore.Owner {
  private final ChannelCore core;

  /** Wraps {@code fd}, a connected stream socket, which this channel now owns. */
  public NativeSocketChannel(SelectorProvider provider, int fd) {
    super(provider);
    this.core = new ChannelCore(this, fd, SocketKind.STREAM);
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

  FdHandle handle() {
    return core.handle();
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
  public int available() throws IOException {
    return core.available();
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
    // The descriptor is always used with MSG_DONTWAIT; the mode lives in the superclass.
    core.awaitIo();
  }

  @Override
  public NativeSocketChannel shutdownInput() throws IOException {
    core.shutdownInput();
    return this;
  }

  @Override
  public NativeSocketChannel shutdownOutput() throws IOException {
    core.shutdownOutput();
    return this;
  }

  // -- connection state and addresses -------------------------------------------------------

  @Override
  public NativeSocketChannel bind(SocketAddress local) throws IOException {
    core.ensureOpen();
    throw new AlreadyBoundException();
  }

  @Override
  public boolean connect(SocketAddress remote) throws IOException {
    core.ensureOpen();
    throw new AlreadyConnectedException();
  }

  @Override
  public boolean finishConnect() throws IOException {
    core.ensureOpen();
    return true;
  }

  @Override
  public boolean isConnected() {
    return isOpen();
  }

  @Override
  public boolean isConnectionPending() {
    return false;
  }

  /**
   * Always throws: like the JDK's UNIX-domain channels, this channel has no {@link Socket} adaptor.
   */
  @Override
  public Socket socket() {
    throw new UnsupportedOperationException(
        "Not supported: a UNIX-domain socket channel has no java.net.Socket adaptor");
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    return core.address(true);
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    return core.address(false);
  }

  // -- options ------------------------------------------------------------------------------

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return ChannelCore.supportedOptions();
  }

  @Override
  public <T> NativeSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    core.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return core.getOption(name);
  }

  @Override
  public String toString() {
    return core.describe("UnixSocketChannel");
  }
}
