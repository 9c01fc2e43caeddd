package io.socketpair4j.internal.streams;

import io.socketpair4j.internal.nio.Resources;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link StreamIo} of any other {@link SocketChannel} (the JDK's own, as {@code SocketPair}
 * makes them): the channel is put into non-blocking mode once, and each direction waits for
 * readiness on a selector of its own, with the time that is left. In non-blocking mode a read and a
 * write never wait for each other: each holds the channel's lock of its direction only for one
 * system call.
 *
 * <p>What ends a wait: readiness; the time running out ({@link SocketTimeoutException}, the channel
 * untouched); an interrupt, which closes the channel as an interrupt ends a blocking channel
 * operation ({@link ClosedByInterruptException}, the interrupt status kept); {@link #close()} at
 * once, and a close of the channel by other means within {@link #CLOSE_CHECK_MILLIS} (a selector is
 * not told that a channel registered with it was closed, so the wait is made in slices of that
 * length and the channel's state is checked after each).
 *
 * <p>The two selectors belong to this object: {@link #close()} closes them, and so does a cleaner
 * when the object becomes unreachable (the channel having been closed by other means, or not at
 * all).
 */
public final class SelectingStreamIo implements StreamIo {
  /** The longest slice of a wait, after which a close of the channel by other means is noticed. */
  static final long CLOSE_CHECK_MILLIS = 100;

  private static final int READ_AHEAD = 8192;

  private final SocketChannel channel;
  private final Waits waits;
  private final ReentrantLock readLock = new ReentrantLock(); // guards readAhead and endOfStream
  private ByteBuffer readAhead; // bytes that available() read; in read mode; made on first use
  private boolean endOfStream;

  /**
   * Puts {@code channel} into non-blocking mode.
   *
   * @throws IOException if its mode cannot be changed
   */
  public SelectingStreamIo(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    this.waits = new Waits(channel);
    Resources.CLEANER.register(this, waits);
  }

  @Override
  public SocketChannel channel() {
    return channel;
  }

  @Override
  public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
    readLock.lock();
    try {
      if (readAhead != null && readAhead.hasRemaining()) {
        return takeReadAhead(dst);
      }
      if (endOfStream) {
        return -1;
      }
      long deadline = System.nanoTime() + timeoutNanos; // compared by difference only
      int n = channel.read(dst);
      while (n == 0) {
        if (!waits.await(SelectionKey.OP_READ, timeoutNanos, deadline)) {
          throw new SocketTimeoutException("Read timed out");
        }
        n = afterWait(() -> channel.read(dst));
      }
      return n;
    } finally {
      readLock.unlock();
    }
  }

  /** A read or write of the channel. */
  private interface Io {
    int run() throws IOException;
  }

  /**
   * {@code io}, made after a wait: the operation was in progress, so a channel closed meanwhile is
   * an asynchronous close, as for the channel's own blocking operations.
   */
  private static int afterWait(Io io) throws IOException {
    try {
      return io.run();
    } catch (AsynchronousCloseException e) {
      throw e;
    } catch (ClosedChannelException e) {
      throw new AsynchronousCloseException();
    }
  }

  private int takeReadAhead(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), readAhead.remaining());
    int limit = readAhead.limit();
    readAhead.limit(readAhead.position() + n);
    dst.put(readAhead);
    readAhead.limit(limit);
    return n;
  }

  @Override
  public void write(ByteBuffer src, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    long written = 0;
    boolean waited = false;
    while (src.hasRemaining()) {
      int n = waited ? afterWait(() -> channel.write(src)) : channel.write(src);
      written += n;
      waited = n == 0;
      if (waited && !waits.await(SelectionKey.OP_WRITE, timeoutNanos, deadline)) {
        SocketTimeoutException e = new SocketTimeoutException("Write timed out");
        e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, written);
        throw e;
      }
    }
  }

  /**
   * What a read can take now: the bytes read ahead, after a non-blocking read of what is waiting.
   * Zero while another thread is reading (what comes goes to it).
   */
  @Override
  public int available() throws IOException {
    if (!readLock.tryLock()) {
      return 0;
    }
    try {
      if (readAhead == null) {
        readAhead = ByteBuffer.allocate(READ_AHEAD).flip();
      }
      if (!readAhead.hasRemaining() && !endOfStream) {
        readAhead.clear();
        int n = channel.read(readAhead);
        readAhead.flip();
        endOfStream = n < 0;
      }
      return readAhead.remaining();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      waits.run();
    }
  }

  /** The selectors of the two directions; run by the cleaner or {@link #close()}, closes them. */
  private static final class Waits implements Runnable {
    private final SocketChannel channel;
    private final Selector[] selectors =
        new Selector[2]; // [0] reads, [1] writes; made on first use
    private boolean closed; // guarded by this

    Waits(SocketChannel channel) {
      this.channel = channel;
    }

    /**
     * Waits until the channel may be ready for {@code op}, or the time runs out. Returns false when
     * it ran out.
     */
    boolean await(int op, long timeoutNanos, long deadline) throws IOException {
      long left = Long.MAX_VALUE;
      if (timeoutNanos != NO_TIMEOUT) {
        left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
      }
      Selector selector;
      try {
        selector = selector(op); // registers the channel on the first wait
      } catch (AsynchronousCloseException e) {
        throw e;
      } catch (ClosedChannelException e) {
        throw new AsynchronousCloseException(); // closed while the operation was in progress
      }
      long millis =
          Math.max(1, Math.min(CLOSE_CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
      try {
        selector.select(millis);
        selector.selectedKeys().clear();
      } catch (ClosedSelectorException e) {
        // closed by close() (the channel first) or the cleaner: reported below
      }
      if (Thread.currentThread().isInterrupted()) {
        channel.close(); // as an interrupted blocking channel operation: the channel is closed
        run();
        throw new ClosedByInterruptException();
      }
      if (!channel.isOpen()) {
        run();
        throw new AsynchronousCloseException();
      }
      return true;
    }

    private synchronized Selector selector(int op) throws IOException {
      if (closed) {
        throw new AsynchronousCloseException();
      }
      int i = op == SelectionKey.OP_READ ? 0 : 1;
      Selector s = selectors[i];
      if (s == null) {
        s = channel.provider().openSelector();
        try {
          channel.register(s, op);
        } catch (IOException | RuntimeException e) {
          s.close();
          throw e;
        }
        selectors[i] = s;
      }
      return s;
    }

    @Override
    public void run() {
      Selector[] toClose;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        toClose = selectors.clone();
      }
      for (Selector s : toClose) {
        if (s != null) {
          try {
            s.close(); // wakes a thread selecting on it
          } catch (IOException e) {
            // nothing to do: the selector's descriptors are released anyway
          }
        }
      }
    }
  }
}
