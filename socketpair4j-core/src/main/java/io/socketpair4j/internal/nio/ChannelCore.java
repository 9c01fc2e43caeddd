package io.socketpair4j.internal.nio;

import io.socketpair4j.Descriptor;
import io.socketpair4j.DescriptorsTruncatedException;
import io.socketpair4j.PeerCredentials;
import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixChannel;
import io.socketpair4j.internal.jfr.JfrEvents;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import jdk.net.ExtendedSocketOptions;

/**
 * The {@code java.nio} contract that the stream channel ({@link NativeSocketChannel}) and the
 * message channel ({@link NativeDatagramChannel}) share, over one {@link NativeSocket}: the read,
 * write and state locks, the checks in the JDK's order, {@code begin}/{@code end} around blocking
 * calls, descriptor passing, shutdown, options, addresses, peer credentials and close. The two
 * channels extend different JDK classes, so they compose this rather than inherit it; each gives it
 * an {@link Owner} for what only a subclass of {@code AbstractInterruptibleChannel} can do.
 */
final class ChannelCore {
  /**
   * What the channel around this core does for it: what only a subclass of {@code
   * AbstractInterruptibleChannel} can do. The channel implements it itself, so that a channel costs
   * no extra objects for it.
   */
  interface Owner {
    boolean isOpen();

    boolean isBlocking();

    /** {@code AbstractInterruptibleChannel.begin()}. */
    void beginBlocking();

    /** {@code AbstractInterruptibleChannel.end(completed)}. */
    void endBlocking(boolean completed) throws AsynchronousCloseException;
  }

  private static final Set<SocketOption<?>> OPTIONS =
      Set.of(
          StandardSocketOptions.SO_SNDBUF,
          StandardSocketOptions.SO_RCVBUF,
          ExtendedSocketOptions.SO_PEERCRED);

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
          IoVectors.class,
          ControlMessages.class
        }) {
      try {
        MethodHandles.lookup().ensureInitialized(c);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    JfrEvents.recording(); // initialises JfrEvents too (its listener)
  }

  private static final VarHandle READ_LOCK;
  private static final VarHandle WRITE_LOCK;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      READ_LOCK = lookup.findVarHandle(ChannelCore.class, "readLock", ReentrantLock.class);
      WRITE_LOCK = lookup.findVarHandle(ChannelCore.class, "writeLock", ReentrantLock.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Owner owner;
  private final NativeSocket socket;
  private final Cleaner.Cleanable cleanable; // closes the descriptor if the channel is dropped

  // The read and write locks are made on first use (a pair made and closed unused, or used in one
  // direction only, costs less), published with a CAS so every thread sees the same lock. The
  // state lock is this core itself, which nothing outside this class can reach.
  @SuppressWarnings("unused") // accessed through READ_LOCK
  private volatile ReentrantLock readLock;

  @SuppressWarnings("unused") // accessed through WRITE_LOCK
  private volatile ReentrantLock writeLock;

  /** Wraps {@code fd}, which {@code channel} now owns; the channel acts as its {@link Owner}. */
  <C extends Channel & Owner> ChannelCore(C channel, int fd, SocketKind kind) {
    this.owner = channel;
    this.socket = new NativeSocket(fd, kind);
    // the cleaning action is the handle itself: it must not refer to the channel
    this.cleanable = Resources.CLEANER.register(channel, socket.handle());
  }

  private ReentrantLock readLock() {
    ReentrantLock l = readLock;
    return l != null ? l : made(READ_LOCK);
  }

  private ReentrantLock writeLock() {
    ReentrantLock l = writeLock;
    return l != null ? l : made(WRITE_LOCK);
  }

  private ReentrantLock made(VarHandle field) {
    ReentrantLock mine = new ReentrantLock();
    ReentrantLock theirs = (ReentrantLock) field.compareAndExchange(this, null, mine);
    return theirs != null ? theirs : mine;
  }

  /** The core of one of our channels, or null when {@code channel} is not one. */
  static ChannelCore of(Object channel) {
    if (channel instanceof NativeSocketChannel s) {
      return s.core();
    }
    if (channel instanceof NativeDatagramChannel d) {
      return d.core();
    }
    return null;
  }

  int fd() {
    return socket.fd();
  }

  FdHandle handle() {
    return socket.handle();
  }

  SocketKind kind() {
    return socket.kind();
  }

  boolean isInputShutdown() {
    return socket.isInputShutdown();
  }

  boolean isOutputShutdown() {
    return socket.isOutputShutdown();
  }

  // -- reads and writes ---------------------------------------------------------------------

  long read(ByteBuffer dst) throws IOException {
    return read(dst, NativeSocket.NO_TIMEOUT);
  }

  /**
   * A read; with a timeout (not {@link NativeSocket#NO_TIMEOUT}) a timed blocking read, which
   * throws {@link SocketTimeoutException} when nothing came in time.
   */
  long read(ByteBuffer dst, long timeoutNanos) throws IOException {
    Objects.requireNonNull(dst, "dst");
    ReentrantLock readLock = readLock();
    readLock.lock();
    Transfer t = socket.reads().of(dst);
    try {
      return run(t, timeoutNanos);
    } finally {
      t.clear();
      readLock.unlock();
    }
  }

  long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    ReentrantLock readLock = readLock();
    readLock.lock();
    Transfer t = socket.reads().of(dsts, offset, length);
    try {
      return run(t);
    } finally {
      t.clear();
      readLock.unlock();
    }
  }

  long write(ByteBuffer src) throws IOException {
    return write(src, NativeSocket.NO_TIMEOUT);
  }

  /**
   * A write; with a timeout (not {@link NativeSocket#NO_TIMEOUT}) a timed blocking write, which
   * throws {@link SocketTimeoutException} telling the bytes written when the time ran out first.
   */
  long write(ByteBuffer src, long timeoutNanos) throws IOException {
    Objects.requireNonNull(src, "src");
    ReentrantLock writeLock = writeLock();
    writeLock.lock();
    Transfer t = socket.writes().of(src);
    try {
      return run(t, timeoutNanos);
    } finally {
      t.clear();
      writeLock.unlock();
    }
  }

  long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    ReentrantLock writeLock = writeLock();
    writeLock.lock();
    Transfer t = socket.writes().of(srcs, offset, length);
    try {
      return run(t);
    } finally {
      t.clear();
      writeLock.unlock();
    }
  }

  /**
   * {@code readWithDescriptors}: a receive accepting up to {@code maxDescriptors}, which must be 0
   * to {@link UnixChannel#MAX_DESCRIPTORS} (the -1 of {@link #receive} is not the caller's to
   * give).
   */
  ReceivedMessage receiveWithDescriptors(ByteBuffer dst, int maxDescriptors) throws IOException {
    Objects.requireNonNull(dst, "dst");
    checkRoom(maxDescriptors, 0);
    return receive(dst, maxDescriptors, false);
  }

  /**
   * A receive that reports what it got: one message ({@code room} -1, or descriptors accepted up to
   * {@code room}), or a peek. Null when nothing was there (non-blocking).
   */
  ReceivedMessage receive(ByteBuffer dst, int room, boolean peek) throws IOException {
    Objects.requireNonNull(dst, "dst");
    checkRoom(room, -1);
    ReentrantLock readLock = readLock();
    readLock.lock();
    Transfer t = socket.reads().of(dst).accepting(room);
    if (peek) {
      t.peeking();
    }
    try {
      long n = run(t);
      if (n < 0) {
        return ReceivedMessage.END_OF_STREAM;
      }
      if (!t.completed()) {
        return null;
      }
      return result(t, (int) n, room, socket.fd());
    } finally {
      t.clear();
      readLock.unlock();
    }
  }

  private static void checkRoom(int room, int least) {
    if (room > UnixChannel.MAX_DESCRIPTORS || room < least) {
      throw new IllegalArgumentException(
          "maxDescriptors must be 0 to " + UnixChannel.MAX_DESCRIPTORS + ", was " + room);
    }
  }

  /** The outcome of a completed receive, its descriptors owned; or the truncation reported. */
  private static ReceivedMessage result(Transfer t, int bytes, int room, int fd)
      throws IOException {
    int length = (int) Math.min(Integer.MAX_VALUE, t.messageLength());
    ControlMessages c = t.received();
    if (t.controlTruncated()) {
      int closed = c.closeReceived();
      throw new DescriptorsTruncatedException(bytes, length, closed, room);
    }
    int count = c == null ? 0 : c.receivedCount();
    if (count == 0) {
      return new ReceivedMessage(bytes, length, List.of());
    }
    if (JfrEvents.recording()) {
      int[] fds = new int[count];
      for (int i = 0; i < count; i++) {
        fds[i] = c.received(i);
      }
      JfrEvents.descriptorsPassed(fd, false, fds, count);
    }
    List<Descriptor> descriptors = new ArrayList<>(count);
    int taken = 0;
    try {
      for (; taken < count; taken++) {
        descriptors.add(NativeDescriptor.own(c.received(taken)));
      }
    } finally {
      if (taken < count) { // nothing may leak: close what was not taken over
        for (Descriptor d : descriptors) {
          d.close();
        }
        c.closeReceived();
      }
      c.forget();
    }
    return new ReceivedMessage(bytes, length, descriptors);
  }

  /** A write that passes the descriptors of our channels and {@link Descriptor}s. */
  int writeWithDescriptors(ByteBuffer src, Channel[] channels) throws IOException {
    Objects.requireNonNull(src, "src");
    checkCount(Objects.requireNonNull(channels, "descriptors").length);
    FdHandle[] handles = new FdHandle[channels.length];
    for (int i = 0; i < channels.length; i++) {
      Channel ch = Objects.requireNonNull(channels[i], "descriptors[" + i + "]");
      handles[i] = handleOf(ch);
      if (handles[i] == null) {
        throw new IllegalArgumentException(
            "descriptors["
                + i
                + "] is a "
                + ch.getClass().getName()
                + ", not a socketpair4j channel or Descriptor; pass its descriptor number with"
                + " writeWithDescriptors(ByteBuffer, int...)");
      }
    }
    checkData(src, channels.length);
    int held = 0;
    try {
      int[] fds = new int[handles.length];
      for (; held < handles.length; held++) {
        if (!handles[held].acquire()) {
          throw new IOException(
              "sendmsg: "
                  + Errno.message(Errno.EBADF)
                  + ": descriptors["
                  + held
                  + "] ("
                  + channels[held]
                  + ") is closed");
        }
        fds[held] = handles[held].fd();
      }
      return writePassing(src, fds);
    } finally {
      for (int i = 0; i < held; i++) {
        handles[i].release();
      }
    }
  }

  /** A write that passes descriptors given by number. */
  int writeWithDescriptors(ByteBuffer src, int[] fds) throws IOException {
    Objects.requireNonNull(src, "src");
    checkCount(Objects.requireNonNull(fds, "fds").length);
    for (int i = 0; i < fds.length; i++) {
      if (fds[i] < 0) {
        throw new IllegalArgumentException("fds[" + i + "] is negative: " + fds[i]);
      }
    }
    checkData(src, fds.length);
    return writePassing(src, fds.clone());
  }

  private int writePassing(ByteBuffer src, int[] fds) throws IOException {
    ReentrantLock writeLock = writeLock();
    writeLock.lock();
    Transfer t = socket.writes().of(src).passing(fds, fds.length);
    try {
      int n = (int) run(t);
      if (t.completed() && fds.length > 0 && JfrEvents.recording()) {
        JfrEvents.descriptorsPassed(socket.fd(), true, fds, fds.length);
      }
      return n;
    } finally {
      t.clear();
      writeLock.unlock();
    }
  }

  private static void checkCount(int count) {
    if (count > UnixChannel.MAX_DESCRIPTORS) {
      throw new IllegalArgumentException(
          count
              + " descriptors given: one message carries at most "
              + UnixChannel.MAX_DESCRIPTORS
              + " (SCM_MAX_FD)");
    }
  }

  private void checkData(ByteBuffer src, int count) {
    if (count > 0 && !socket.kind().messages() && !src.hasRemaining()) {
      throw new IllegalArgumentException(
          "a stream socket passes descriptors only with at least one byte of data, and the buffer"
              + " has none remaining");
    }
  }

  static FdHandle handleOf(Channel ch) {
    ChannelCore core = of(ch);
    if (core != null) {
      return core.handle();
    }
    return ch instanceof NativeDescriptor d ? d.handle() : null;
  }

  /**
   * Every read and write, with its request loaded in {@code t}: the {@code java.nio} checks in the
   * JDK's order (the channel's state first, then the buffers), then the socket's loop, inside
   * {@code begin}/{@code end} when blocking. The caller holds the direction's lock. Returns -1 at
   * the end of the stream.
   */
  private long run(Transfer t) throws IOException {
    return run(t, NativeSocket.NO_TIMEOUT);
  }

  private long run(Transfer t, long timeoutNanos) throws IOException {
    Object event = JfrEvents.recording() ? JfrEvents.beginIo(t.sending()) : null;
    if (event == null) {
      return execute(t, timeoutNanos);
    }
    long n = 0;
    try {
      n = execute(t, timeoutNanos);
      return n;
    } finally {
      JfrEvents.endIo(
          event,
          socket.fd(),
          socket.kind().name(),
          n,
          owner.isBlocking(),
          timeoutNanos == NativeSocket.NO_TIMEOUT ? 0 : timeoutNanos,
          t.timedOut());
    }
  }

  private long execute(Transfer t, long timeoutNanos) throws IOException {
    ensureOpen();
    boolean blocking = owner.isBlocking(); // stable: configureBlocking waits for this call
    if (timeoutNanos != NativeSocket.NO_TIMEOUT && !blocking) {
      throw new IllegalBlockingModeException();
    }
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
    if (!t.hasRemaining() && !t.transfersWhenEmpty()) {
      return 0;
    }
    if (!blocking) {
      return socket.transfer(t, false, NativeSocket.NO_TIMEOUT);
    }
    long n;
    owner.beginBlocking(); // an interrupt now closes the channel (at once if the status is set)
    try {
      n = socket.transfer(t, true, timeoutNanos);
    } finally {
      try {
        owner.endBlocking(t.completed());
      } catch (AsynchronousCloseException e) {
        ControlMessages c = t.received();
        if (c != null) {
          c.closeReceived(); // the caller will never see them: they must not leak
        }
        throw e;
      }
    }
    if (t.timedOut()) {
      throw timedOut(t.sending(), n);
    }
    return n;
  }

  /**
   * What a timed call throws when its time ran out: {@code "Read timed out"} as {@code
   * java.net.Socket}'s streams say, with the bytes a write wrote before that.
   */
  private static SocketTimeoutException timedOut(boolean sending, long transferred) {
    SocketTimeoutException e =
        new SocketTimeoutException(sending ? "Write timed out" : "Read timed out");
    e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, transferred);
    return e;
  }

  /**
   * A timed call's {@code timeoutNanos}: {@code timeout} in nanoseconds (at most {@code
   * Long.MAX_VALUE}, which is nearly three hundred years).
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  static long timeoutNanos(long timeout, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout is negative: " + timeout + " " + unit);
    }
    return unit.toNanos(timeout);
  }

  /** The bytes that a read could take now without waiting; 0 after {@code shutdownInput}. */
  int available() throws IOException {
    ensureOpen();
    if (socket.isInputShutdown()) {
      return 0;
    }
    socket.acquire();
    try {
      return SocketOptions.queuedInput(socket.fd());
    } finally {
      socket.release();
    }
  }

  void ensureOpen() throws ClosedChannelException {
    if (!owner.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  // -- close, blocking mode and shutdown -----------------------------------------------------

  /** {@code implCloseSelectableChannel}. */
  void close() {
    socket.close();
    cleanable.clean(); // nothing left for the cleaner to do
    if (JfrEvents.recording()) {
      JfrEvents.channelClosed(socket.fd(), socket.kind().name());
    }
  }

  /** {@code implConfigureBlocking}: like the JDK, wait for reads and writes in progress. */
  void awaitIo() {
    ReentrantLock readLock = readLock();
    readLock.lock();
    try {
      ReentrantLock writeLock = writeLock();
      writeLock.lock();
      writeLock.unlock();
    } finally {
      readLock.unlock();
    }
  }

  void shutdownInput() throws IOException {
    synchronized (this) {
      ensureOpen();
      if (!socket.isInputShutdown()) {
        socket.shutdown(LinuxConstants.SHUT_RD);
      }
    }
  }

  void shutdownOutput() throws IOException {
    synchronized (this) {
      ensureOpen();
      if (!socket.isOutputShutdown()) {
        socket.shutdown(LinuxConstants.SHUT_WR);
      }
    }
  }

  // -- addresses, credentials and options ---------------------------------------------------

  SocketAddress address(boolean local) throws IOException {
    ensureOpen();
    socket.acquire();
    try {
      return SocketAddresses.of(socket.fd(), local);
    } finally {
      socket.release();
    }
  }

  PeerCredentials peerCredentials() throws IOException {
    ensureOpen();
    socket.acquire();
    try {
      return Credentials.of(socket.fd());
    } finally {
      socket.release();
    }
  }

  static Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  <T> void setOption(SocketOption<T> name, T value) throws IOException {
    Objects.requireNonNull(name, "name");
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    if (name == ExtendedSocketOptions.SO_PEERCRED) {
      // In the JDK's order: a value of the wrong type, then a closed channel, then read-only
      if (!name.type().isInstance(value)) {
        throw new IllegalArgumentException("Invalid value '" + value + "'");
      }
      ensureOpen();
      throw new SocketException("SO_PEERCRED cannot be set");
    }
    // In the JDK's order: a value of the wrong type, then a closed channel, then a bad size
    if (!(value instanceof Integer size)) {
      throw new IllegalArgumentException("Invalid value '" + value + "'");
    }
    synchronized (this) {
      ensureOpen();
      if (size < 0) {
        throw new IllegalArgumentException("Invalid send/receive buffer size: " + value);
      }
      socket.acquire();
      try {
        SocketOptions.setInt(socket.fd(), bufferOption(name), size);
      } finally {
        socket.release();
      }
    }
  }

  <T> T getOption(SocketOption<T> name) throws IOException {
    Objects.requireNonNull(name, "name");
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    synchronized (this) {
      ensureOpen();
      socket.acquire();
      try {
        if (name == ExtendedSocketOptions.SO_PEERCRED) {
          return name.type().cast(Credentials.principal(Credentials.of(socket.fd())));
        }
        // Linux reports double the size that was set (its bookkeeping overhead); report what
        // was set, as the JDK's own channels do.
        int kernelValue = SocketOptions.getInt(socket.fd(), bufferOption(name));
        return name.type().cast(kernelValue / 2);
      } finally {
        socket.release();
      }
    }
  }

  private static int bufferOption(SocketOption<?> name) {
    return name == StandardSocketOptions.SO_SNDBUF
        ? LinuxConstants.SO_SNDBUF
        : LinuxConstants.SO_RCVBUF;
  }

  /** {@code "UnixSocketChannel[connected fd=5 ishut]"}. */
  String describe(String type) {
    StringBuilder sb = new StringBuilder(type).append('[');
    if (!owner.isOpen()) {
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
