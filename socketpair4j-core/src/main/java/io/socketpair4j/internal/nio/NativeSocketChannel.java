package io.socketpair4j.internal.nio;

import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The channel of one end of a native stream socket pair: the {@code java.nio} contract (locks,
 * blocking mode, interrupt, close, shutdown, options, addresses) over a {@link NativeSocket}, which
 * owns the descriptor and runs every read and write through the transfer layer ({@link Transfer})
 * and its one loop.
 */
public final class NativeSocketChannel extends UnixSocketChannel {
  private static final Set<SocketOption<?>> OPTIONS =
      Set.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF);

  static {
    // Initialise, while the first channel is made, the classes that a blocking call needs only
    // later: a virtual thread that waits for another to finish initialising a class is pinned, and
    // the first blocking calls often come from many virtual threads at once.
    for (Class<?> c :
        new Class<?>[] {
          Waiter.class,
          VirtualWaiter.class,
          Poller.class,
          Transfer.class,
          BufferMemory.class,
          IoVectors.class
        }) {
      try {
        MethodHandles.lookup().ensureInitialized(c);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final NativeSocket socket;
  private final Cleaner.Cleanable cleanable; // closes the descriptor if the channel is dropped
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object stateLock = new Object();

  /** Wraps {@code fd}, a connected stream socket, which this channel now owns. */
  public NativeSocketChannel(SelectorProvider provider, int fd) {
    super(provider);
    this.socket = new NativeSocket(fd);
    FdHandle h = socket.handle(); // the cleaning action must not refer to the channel
    this.cleanable = Resources.CLEANER.register(this, h::close);
  }

  @Override
  public int fd() {
    return socket.fd();
  }

  FdHandle handle() {
    return socket.handle();
  }

  // -- reads and writes ---------------------------------------------------------------------

  @Override
  public int read(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst");
    readLock.lock();
    try {
      return (int) io(socket.reads().of(dst));
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    readLock.lock();
    try {
      return io(socket.reads().of(dsts, offset, length));
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src");
    writeLock.lock();
    try {
      return (int) io(socket.writes().of(src));
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    writeLock.lock();
    try {
      return io(socket.writes().of(srcs, offset, length));
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Every read and write, with its request loaded in {@code t}: the {@code java.nio} checks in the
   * JDK's order (the channel's state first, then the buffers), then the socket's loop, inside
   * {@code begin}/{@code end} when blocking. The caller holds the direction's lock.
   */
  private long io(Transfer t) throws IOException {
    try {
      ensureOpen();
      if (t.sending()) {
        if (socket.isOutputShutdown()) {
          // What the JDK's channels throw for any write after shutdownOutput, blocking or not
          throw new AsynchronousCloseException();
        }
      } else {
        if (socket.isInputShutdown()) {
          return -1;
        }
        if (socket.isConnectionReset()) {
          throw Errno.exception(Errno.ECONNRESET, "read");
        }
      }
      t.checkBuffers();
      if (!t.hasRemaining()) {
        return 0;
      }
      boolean blocking = isBlocking();
      long n = 0;
      if (blocking) {
        begin(); // an interrupt now closes the channel (at once if the status is already set)
      }
      try {
        n = socket.transfer(t, blocking);
        return n;
      } finally {
        if (blocking) {
          end(n > 0);
        }
      }
    } finally {
      t.clear();
    }
  }

  // -- close, blocking mode and shutdown -----------------------------------------------------

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  protected void implCloseSelectableChannel() {
    socket.close();
    cleanable.clean(); // nothing left for the cleaner to do
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    // The descriptor is always used with MSG_DONTWAIT; the mode lives in the superclass. Like the
    // JDK, wait for reads and writes in progress to finish first.
    readLock.lock();
    try {
      writeLock.lock();
      writeLock.unlock();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public NativeSocketChannel shutdownInput() throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (!socket.isInputShutdown()) {
        socket.shutdown(LinuxConstants.SHUT_RD);
      }
    }
    return this;
  }

  @Override
  public NativeSocketChannel shutdownOutput() throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (!socket.isOutputShutdown()) {
        socket.shutdown(LinuxConstants.SHUT_WR);
      }
    }
    return this;
  }

  // -- connection state and addresses -------------------------------------------------------

  @Override
  public NativeSocketChannel bind(SocketAddress local) throws IOException {
    ensureOpen();
    throw new AlreadyBoundException();
  }

  @Override
  public boolean connect(SocketAddress remote) throws IOException {
    ensureOpen();
    throw new AlreadyConnectedException();
  }

  @Override
  public boolean finishConnect() throws IOException {
    ensureOpen();
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
    return address(true);
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    return address(false);
  }

  private SocketAddress address(boolean local) throws IOException {
    ensureOpen();
    socket.acquire();
    try {
      return SocketAddresses.of(socket.fd(), local);
    } finally {
      socket.release();
    }
  }

  // -- options ------------------------------------------------------------------------------

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  public <T> NativeSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    Objects.requireNonNull(name, "name");
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    if (!(value instanceof Integer size) || size < 0) {
      throw new IllegalArgumentException("Invalid send/receive buffer size: " + value);
    }
    synchronized (stateLock) {
      ensureOpen();
      socket.acquire();
      try {
        SocketOptions.setInt(socket.fd(), optionName(name), size);
      } finally {
        socket.release();
      }
    }
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    Objects.requireNonNull(name, "name");
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    synchronized (stateLock) {
      ensureOpen();
      socket.acquire();
      try {
        // Linux reports double the size that was set (its bookkeeping overhead); report what
        // was set, as the JDK's own channels do.
        int kernelValue = SocketOptions.getInt(socket.fd(), optionName(name));
        return name.type().cast(kernelValue / 2);
      } finally {
        socket.release();
      }
    }
  }

  private static int optionName(SocketOption<?> name) {
    return name == StandardSocketOptions.SO_SNDBUF
        ? LinuxConstants.SO_SNDBUF
        : LinuxConstants.SO_RCVBUF;
  }

  // -- selector support ---------------------------------------------------------------------

  /** The epoll events that watch for the given interest set. */
  static int epollEvents(int ops) {
    int events = 0;
    if ((ops & SelectionKey.OP_READ) != 0) {
      events |= LinuxConstants.EPOLLIN;
    }
    if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
      // OP_CONNECT watches POLLOUT, as the JDK's channels translate it (POLLCONN on Linux); a
      // connected end never becomes connectable, but it is reported when the connection hangs up
      events |= LinuxConstants.EPOLLOUT;
    }
    return events;
  }

  /** Whether the epoll events report an error or a hang-up. */
  static boolean hungUp(int epollEvents) {
    return (epollEvents & (LinuxConstants.EPOLLERR | LinuxConstants.EPOLLHUP)) != 0;
  }

  /** The ready set for the epoll events that fired, limited to the interest set. */
  static int readyOps(int epollEvents, int interestOps) {
    if (hungUp(epollEvents)) {
      // An error or hang-up makes the whole interest set ready, as with the JDK's channels; each
      // operation then reports the error or end of stream.
      return interestOps;
    }
    int ready = 0;
    if ((epollEvents & LinuxConstants.EPOLLIN) != 0) {
      ready |= SelectionKey.OP_READ;
    }
    if ((epollEvents & LinuxConstants.EPOLLOUT) != 0) {
      ready |= SelectionKey.OP_WRITE;
    }
    return ready & interestOps;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSuperclass().getSimpleName()).append('[');
    if (!isOpen()) {
      sb.append("closed");
    } else {
      sb.append("connected fd=").append(socket.fd());
      if (socket.isInputShutdown()) {
        sb.append(" ishut");
      }
      if (socket.isOutputShutdown()) {
        sb.append(" oshut");
      }
    }
    return sb.append(']').toString();
  }
}
