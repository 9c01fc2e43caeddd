package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxConstants.MSG_DONTWAIT;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_NOSIGNAL;

import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
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
 * The channel of one end of a native stream socket pair: locks, blocking mode, shutdown and close
 * state over a non-blocking kernel socket.
 *
 * <p>Every read and write is tried with {@code MSG_DONTWAIT}; in blocking mode an {@code EAGAIN}
 * makes the thread wait for readiness through its {@link Waiter} and try again. The thread that
 * waits is published in {@link #reader} or {@link #writer}, so that close, shutdown and interrupt
 * can wake it. Each system call holds a use of the {@link FdHandle}, so the descriptor number is
 * not reused while a call is in flight.
 */
public final class NativeSocketChannel extends UnixSocketChannel {
  private static final Set<SocketOption<?>> OPTIONS =
      Set.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF);

  static {
    // Initialise, while the first channel is made, the classes that a blocking call needs only
    // later: a virtual thread that waits for another to finish initialising a class is pinned, and
    // the first blocking calls often come from many virtual threads at once.
    for (Class<?> c : new Class<?>[] {Waiter.class, VirtualWaiter.class, Poller.class}) {
      try {
        MethodHandles.lookup().ensureInitialized(c);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final FdHandle handle;
  private final Cleaner.Cleanable cleanable; // closes the descriptor if the channel is dropped
  private final int fd;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object stateLock = new Object();

  // guarded by stateLock for writes; read without it
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;

  // set when a read reported ECONNRESET; later reads report it again, as the JDK's channels do
  private volatile boolean connectionReset;

  // the threads blocked in a read or write, to wake on close and shutdown
  private volatile Waiter reader;
  private volatile Waiter writer;

  // what reads and writes need, made on first use (a pair made and closed unused costs less);
  // guarded by readLock / writeLock
  private Direction reads;
  private Direction writes;

  /** Wraps {@code fd}, a connected stream socket, which this channel now owns. */
  public NativeSocketChannel(SelectorProvider provider, int fd) {
    super(provider);
    this.fd = fd;
    this.handle = new FdHandle(fd);
    FdHandle h = handle; // the cleaning action must not refer to the channel
    this.cleanable = Resources.CLEANER.register(this, h::close);
  }

  @Override
  public int fd() {
    return fd;
  }

  FdHandle handle() {
    return handle;
  }

  // -- reads --------------------------------------------------------------------------------

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkWritable(dst);
    readLock.lock();
    try {
      return (int) read(dst, null, 0, 0, dst.remaining());
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    long requested = 0;
    for (int i = offset; i < offset + length; i++) {
      checkWritable(dsts[i]);
      requested += dsts[i].remaining();
    }
    readLock.lock();
    try {
      return read(null, dsts, offset, length, requested);
    } finally {
      readLock.unlock();
    }
  }

  private static void checkWritable(ByteBuffer dst) {
    if (Objects.requireNonNull(dst, "dst").isReadOnly()) {
      throw new IllegalArgumentException("Read-only buffer");
    }
  }

  private long read(ByteBuffer dst, ByteBuffer[] dsts, int offset, int length, long requested)
      throws IOException {
    ensureOpen();
    if (inputShutdown) {
      return -1;
    }
    if (connectionReset) {
      throw Errno.exception(Errno.ECONNRESET, "read");
    }
    if (requested == 0) {
      return 0;
    }
    if (reads == null) {
      reads = new Direction();
    }
    boolean blocking = isBlocking();
    long n = 0;
    beginIo(blocking, true);
    try {
      if (!handle.acquire()) {
        return closedDuring(blocking);
      }
      try {
        n = readLoop(dst, dsts, offset, length, blocking);
      } finally {
        handle.release();
      }
      return n;
    } finally {
      endIo(blocking, true, n > 0);
    }
  }

  /** Returns bytes read, -1 at end of stream, 0 when non-blocking with nothing ready or closed. */
  private long readLoop(ByteBuffer dst, ByteBuffer[] dsts, int offset, int length, boolean blocking)
      throws IOException {
    boolean yielded = false;
    for (; ; ) {
      long n = dst != null ? recv(dst) : readVectored(dsts, offset, length);
      if (n > 0) {
        return n;
      }
      if (n == 0) {
        return -1; // end of stream: bytes were requested and none will come
      }
      int errno = (int) -n;
      if (errno == Errno.EINTR) {
        continue;
      }
      if (errno != Errno.EAGAIN) {
        if (errno == Errno.ECONNRESET) {
          connectionReset = true; // Linux reports it once; java.nio channels keep reporting it
        }
        throw Errno.exception(errno, "read");
      }
      if (!blocking) {
        return 0;
      }
      if (!yielded && Thread.currentThread().isVirtual()) {
        // Let the other virtual threads of this carrier run first (the peer is often one of
        // them): if that produced the data, the park and the poller's wake-up are saved.
        yielded = true;
        Thread.yield();
      } else {
        reader.await(fd, LinuxConstants.POLLIN, -1);
      }
      if (handle.isClosed()) {
        return 0; // asynchronously closed: end(false) reports it
      }
      if (inputShutdown) {
        return -1;
      }
    }
  }

  private long recv(ByteBuffer dst) {
    int position = dst.position();
    int len = dst.limit() - position;
    long n;
    if (dst.isDirect()) {
      n = LibC.recv(reads.callState, fd, reads.memory.address(dst), len, MSG_DONTWAIT);
      Reference.reachabilityFence(dst);
    } else {
      n = LibC.recv(reads.callState, fd, reads.memory.segment(dst), len, MSG_DONTWAIT);
    }
    if (n > 0) {
      dst.position(position + (int) n);
    }
    return n;
  }

  private long readVectored(ByteBuffer[] dsts, int offset, int length) {
    if (IoVectors.allDirect(dsts, offset, length)) {
      MemorySegment msg = reads.vectors().describe(dsts, offset, length);
      long n = LibC.recvmsg(reads.callState, fd, msg, MSG_DONTWAIT);
      Reference.reachabilityFence(dsts);
      if (n > 0) {
        IoVectors.advance(dsts, offset, length, n);
      }
      return n;
    }
    // Heap buffers cannot be described by an iovec: fill them one after another, each read
    // straight into its array, stopping at the first that is not filled.
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      ByteBuffer b = dsts[i];
      if (!b.hasRemaining()) {
        continue;
      }
      long n = recv(b);
      if (n <= 0) {
        return total > 0 ? total : n;
      }
      total += n;
      if (b.hasRemaining()) {
        break;
      }
    }
    return total;
  }

  // -- writes -------------------------------------------------------------------------------

  @Override
  public int write(ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src");
    writeLock.lock();
    try {
      return (int) write(src, null, 0, 0, src.remaining());
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    long requested = 0;
    for (int i = offset; i < offset + length; i++) {
      requested += Objects.requireNonNull(srcs[i], "src").remaining();
    }
    writeLock.lock();
    try {
      return write(null, srcs, offset, length, requested);
    } finally {
      writeLock.unlock();
    }
  }

  private long write(ByteBuffer src, ByteBuffer[] srcs, int offset, int length, long requested)
      throws IOException {
    ensureOpen();
    if (outputShutdown) {
      throw new ClosedChannelException();
    }
    if (requested == 0) {
      return 0;
    }
    if (writes == null) {
      writes = new Direction();
    }
    boolean blocking = isBlocking();
    long n = 0;
    beginIo(blocking, false);
    try {
      if (!handle.acquire()) {
        return closedDuring(blocking);
      }
      try {
        n = writeLoop(src, srcs, offset, length, blocking);
      } finally {
        handle.release();
      }
      return n;
    } finally {
      endIo(blocking, false, n > 0);
    }
  }

  /** Returns the bytes written: all of them when blocking, unless closed meanwhile. */
  private long writeLoop(
      ByteBuffer src, ByteBuffer[] srcs, int offset, int length, boolean blocking)
      throws IOException {
    long total = 0;
    for (; ; ) {
      long n = src != null ? send(src) : writeVectored(srcs, offset, length);
      if (n >= 0) {
        total += n;
        boolean more =
            src != null ? src.hasRemaining() : IoVectors.remaining(srcs, offset, length) > 0;
        if (!blocking || !more) {
          return total;
        }
        continue;
      }
      int errno = (int) -n;
      if (errno == Errno.EINTR) {
        continue;
      }
      if (errno != Errno.EAGAIN) {
        throw Errno.exception(errno, "write");
      }
      if (!blocking) {
        return total;
      }
      writer.await(fd, LinuxConstants.POLLOUT, -1);
      if (handle.isClosed()) {
        return total; // asynchronously closed: end(false) reports it when nothing was written
      }
      if (outputShutdown) {
        throw new AsynchronousCloseException();
      }
    }
  }

  private long send(ByteBuffer src) {
    int position = src.position();
    int len = src.limit() - position;
    int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
    long n;
    if (src.isDirect()) {
      n = LibC.send(writes.callState, fd, writes.memory.address(src), len, flags);
      Reference.reachabilityFence(src);
    } else if (src.isReadOnly()) {
      n = LibC.send(writes.callState, fd, MemorySegment.ofBuffer(src), len, flags); // no array
    } else {
      n = LibC.send(writes.callState, fd, writes.memory.segment(src), len, flags);
    }
    if (n > 0) {
      src.position(position + (int) n);
    }
    return n;
  }

  private long writeVectored(ByteBuffer[] srcs, int offset, int length) {
    if (IoVectors.allDirect(srcs, offset, length)) {
      MemorySegment msg = writes.vectors().describe(srcs, offset, length);
      long n = LibC.sendmsg(writes.callState, fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL);
      Reference.reachabilityFence(srcs);
      if (n > 0) {
        IoVectors.advance(srcs, offset, length, n);
      }
      return n;
    }
    // Heap buffers are sent one after another, straight from their arrays.
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      ByteBuffer b = srcs[i];
      if (!b.hasRemaining()) {
        continue;
      }
      long n = send(b);
      if (n < 0) {
        return total > 0 ? total : n;
      }
      total += n;
      if (b.hasRemaining()) {
        break;
      }
    }
    return total;
  }

  // -- blocking, close and interrupt --------------------------------------------------------

  /**
   * Before a read or write: in blocking mode, hooks up interrupt handling (which may close the
   * channel at once if the thread is already interrupted) and publishes the thread's waiter.
   */
  private void beginIo(boolean blocking, boolean read) {
    if (blocking) {
      begin();
      Waiter waiter = Waiter.current();
      if (read) {
        reader = waiter;
      } else {
        writer = waiter;
      }
    }
  }

  private void endIo(boolean blocking, boolean read, boolean completed)
      throws AsynchronousCloseException {
    if (blocking) {
      if (read) {
        reader = null;
      } else {
        writer = null;
      }
      end(completed);
    }
  }

  /** The result of an operation that found the channel closed after it began. */
  private static int closedDuring(boolean blocking) throws ClosedChannelException {
    if (!blocking) {
      throw new ClosedChannelException();
    }
    return 0; // end(false) throws AsynchronousCloseException or ClosedByInterruptException
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  protected void implCloseSelectableChannel() {
    boolean closedNow = handle.close();
    cleanable.clean(); // nothing left for the cleaner to do
    if (closedNow) {
      wake(reader);
      wake(writer);
    }
  }

  private static void wake(Waiter waiter) {
    if (waiter != null) {
      waiter.wake();
    }
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

  // -- shutdown -----------------------------------------------------------------------------

  @Override
  public NativeSocketChannel shutdownInput() throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (!inputShutdown) {
        shutdown(LinuxConstants.SHUT_RD);
        inputShutdown = true;
        wake(reader);
      }
    }
    return this;
  }

  @Override
  public NativeSocketChannel shutdownOutput() throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (!outputShutdown) {
        shutdown(LinuxConstants.SHUT_WR);
        outputShutdown = true;
        wake(writer);
      }
    }
    return this;
  }

  private void shutdown(int how) throws IOException {
    acquire();
    try {
      int r = LibC.shutdown(CallState.heap(), fd, how);
      if (r < 0 && -r != Errno.ENOTCONN) {
        throw Errno.exception(-r, "shutdown");
      }
    } finally {
      handle.release();
    }
  }

  /** Starts a use of the descriptor for a call that is not a read or write. */
  private void acquire() throws ClosedChannelException {
    if (!handle.acquire()) {
      throw new ClosedChannelException();
    }
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
    acquire();
    try {
      return SocketAddresses.of(fd, local);
    } finally {
      handle.release();
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
      acquire();
      try {
        SocketOptions.setInt(fd, optionName(name), size);
      } finally {
        handle.release();
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
      acquire();
      try {
        // Linux reports double the size that was set (its bookkeeping overhead); report what
        // was set, as the JDK's own channels do.
        int kernelValue = SocketOptions.getInt(fd, optionName(name));
        return name.type().cast(kernelValue / 2);
      } finally {
        handle.release();
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
    if ((ops & SelectionKey.OP_WRITE) != 0) {
      events |= LinuxConstants.EPOLLOUT;
    }
    return events;
  }

  /** The ready set for the epoll events that fired, limited to the interest set. */
  static int readyOps(int epollEvents, int interestOps) {
    if ((epollEvents & (LinuxConstants.EPOLLERR | LinuxConstants.EPOLLHUP)) != 0) {
      // An error or hang-up makes every interesting operation ready; it then reports the error or
      // end of stream. (OP_CONNECT never becomes ready: the channel is connected from the start.)
      return interestOps & (SelectionKey.OP_READ | SelectionKey.OP_WRITE);
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
      sb.append("connected fd=").append(fd);
      if (inputShutdown) {
        sb.append(" ishut");
      }
      if (outputShutdown) {
        sb.append(" oshut");
      }
    }
    return sb.append(']').toString();
  }
}
