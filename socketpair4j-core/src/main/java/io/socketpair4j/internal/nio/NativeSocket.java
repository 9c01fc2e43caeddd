package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * One end of a native socket, whatever the channel type around it: the descriptor and its lifetime
 * ({@link FdHandle}), the shutdown state, the threads waiting in each direction, and the one loop
 * that every read and write runs ({@link #transfer}): attempt the system call; on {@code EAGAIN},
 * in blocking mode, wait for readiness and attempt again. Channels keep the {@code java.nio}
 * contract (locks, blocking mode, {@code begin}/{@code end}) and call this for the rest.
 *
 * <p>Closing follows the JDK: when the descriptor cannot be released at once, because a call is in
 * flight on it or a selector still has it registered, the connection is shut down in both
 * directions first, so that the peer sees end of stream now rather than when the last use ends.
 */
final class NativeSocket {
  /** The {@code timeoutNanos} of a blocking call that may wait without limit. */
  static final long NO_TIMEOUT = -1;

  private final FdHandle handle;

  // written under the channel's state lock; read without it
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;

  // set when a read reported ECONNRESET; later reads report it again, as the JDK's channels do
  private volatile boolean connectionReset;

  // the threads blocked in a read or a write, to wake on close and shutdown
  private volatile Waiter reader;
  private volatile Waiter writer;

  // made on the first read / write (a pair made and closed unused costs less); guarded by the
  // channel's read / write lock
  private Transfer reads;
  private Transfer writes;

  private final SocketKind kind;

  NativeSocket(int fd, SocketKind kind) {
    this.handle = new FdHandle(fd);
    this.kind = kind;
  }

  SocketKind kind() {
    return kind;
  }

  int fd() {
    return handle.fd();
  }

  FdHandle handle() {
    return handle;
  }

  boolean isInputShutdown() {
    return inputShutdown;
  }

  boolean isOutputShutdown() {
    return outputShutdown;
  }

  boolean isConnectionReset() {
    return connectionReset;
  }

  /** The receiving transfer; the caller holds the channel's read lock. */
  Transfer reads() {
    return reads != null ? reads : (reads = new Transfer(false, kind));
  }

  /** The sending transfer; the caller holds the channel's write lock. */
  Transfer writes() {
    return writes != null ? writes : (writes = new Transfer(true, kind));
  }

  /**
   * Carries out the request loaded in {@code t}: the one read/write loop. The caller holds the
   * direction's lock, has checked the channel is open, and in blocking mode has called {@code
   * begin()} and will call {@code end(result > 0)}.
   *
   * @return the bytes transferred, or -1 when a read finds the end of the stream (or input shut
   *     down). In blocking mode a read returns 0, and a write what it wrote so far, when the
   *     channel was closed meanwhile: the caller's {@code end} reports the close. A write that made
   *     progress returns it and leaves an error for the next write, as {@code write(2)} does.
   * @param timeoutNanos in blocking mode, how long the call may wait for readiness in all ({@link
   *     #NO_TIMEOUT}: no limit); when the time runs out the call returns what it transferred and
   *     marks {@code t} {@linkplain Transfer#timedOut() timed out}
   * @throws ClosedChannelException non-blocking, when the channel was closed meanwhile
   * @throws AsynchronousCloseException when a blocked write found the output shut down before it
   *     wrote anything
   */
  long transfer(Transfer t, boolean blocking, long timeoutNanos) throws IOException {
    boolean sending = t.sending();
    if (blocking) {
      publish(sending, Waiter.current());
    }
    try {
      if (!handle.acquire()) {
        if (!blocking) {
          throw new ClosedChannelException();
        }
        return 0; // end(false) throws AsynchronousCloseException or ClosedByInterruptException
      }
      try {
        return loop(t, blocking, timeoutNanos);
      } finally {
        handle.release();
      }
    } finally {
      if (blocking) {
        publish(sending, null);
      }
    }
  }

  private long loop(Transfer t, boolean blocking, long timeoutNanos) throws IOException {
    int fd = handle.fd();
    boolean sending = t.sending();
    boolean timed = timeoutNanos != NO_TIMEOUT;
    long deadline = timed ? System.nanoTime() + timeoutNanos : 0; // compared by difference only
    // a platform thread's blocking stream call, and its blocking receive of a message, waits in the
    // kernel (KernelWait); a closing or shutting-down thread wakes it with shutdown(2), so after it
    // the state is checked as after a wait for readiness. (A message send does not: a full peer
    // queue makes it wait on the peer's queue, which this end's shutdown(2) does not wake. Nor does
    // a timed call: it waits for readiness with the time that is left.)
    boolean wait = blocking && !timed && KernelWait.allowed() && (!sending || !t.messages());
    boolean yielded = false;
    long total = 0;
    for (; ; ) {
      long n = t.attempt(fd, wait);
      if (wait && n < 0 && n != Transfer.END_OF_STREAM && n != Transfer.NOTHING_REQUESTED) {
        if (handle.isClosed()) {
          return total;
        }
        if (sending && outputShutdown) {
          if (total > 0) {
            return total;
          }
          throw new AsynchronousCloseException();
        }
      }
      if (n == Transfer.EMPTY_OR_WOKEN) {
        // a datagram receive woken by shutdownInput reads as an empty message (a close was
        // handled above, as for every waiting call that returned early)
        if (inputShutdown) {
          return -1;
        }
        n = t.completeEmpty();
      }
      if (n == Transfer.NOTHING_REQUESTED) {
        return total; // the buffers were emptied by another thread meanwhile: as the JDK, 0
      }
      if (n == Transfer.END_OF_STREAM) {
        return -1; // a read: bytes were requested and none will ever come
      }
      if (n >= 0) {
        total += n;
        if (!sending || !blocking || t.messages() || !t.hasRemaining()) {
          return total; // a message is sent whole or not at all
        }
        continue; // a blocking stream write goes on until everything is written
      }
      int errno = (int) -n;
      if (errno == Errno.EINTR) {
        continue;
      }
      if (errno != Errno.EAGAIN) {
        if (total > 0) {
          return total;
        }
        if (errno == Errno.ECONNRESET && !sending) {
          connectionReset = true; // Linux reports it once; java.nio channels keep reporting it
        }
        throw Errno.exception(errno, t.operation());
      }
      if (!blocking) {
        return total;
      }
      long left = NO_TIMEOUT;
      if (timed) {
        left = deadline - System.nanoTime();
        if (left <= 0) {
          t.markTimedOut();
          return total;
        }
      }
      if (!yielded && Thread.currentThread().isVirtual()) {
        // Let the other virtual threads of this carrier run first (the peer is often one of
        // them): if that made the socket ready, the park and the poller's wake-up are saved.
        yielded = true;
        Thread.yield();
      } else if (sending) {
        writer.await(fd, LinuxConstants.POLLOUT, left);
      } else {
        reader.await(fd, LinuxConstants.POLLIN, left);
      }
      if (handle.isClosed()) {
        return total;
      }
      if (!sending && inputShutdown) {
        return -1;
      }
      if (sending && outputShutdown) {
        if (total > 0) {
          return total; // as the JDK: what was written is reported, the shutdown on the next write
        }
        throw new AsynchronousCloseException();
      }
    }
  }

  private void publish(boolean sending, Waiter waiter) {
    if (sending) {
      writer = waiter;
    } else {
      reader = waiter;
    }
  }

  /**
   * Shuts down input ({@link LinuxConstants#SHUT_RD}) or output ({@link LinuxConstants#SHUT_WR})
   * and wakes the thread blocked in that direction. The caller holds the channel's state lock.
   */
  void shutdown(int how) throws IOException {
    acquire();
    try {
      // the state first: a thread blocked in the kernel wakes as soon as shutdown(2) runs, and
      // must then find it (a write then reports AsynchronousCloseException, not EPIPE)
      if (how == LinuxConstants.SHUT_RD) {
        inputShutdown = true;
      } else {
        outputShutdown = true;
      }
      int r = LibC.shutdown(CallState.heap(), handle.fd(), how);
      if (r < 0 && -r != Errno.ENOTCONN) {
        throw Errno.exception(-r, "shutdown");
      }
    } finally {
      release();
    }
    wake(how == LinuxConstants.SHUT_RD ? reader : writer);
  }

  /**
   * Closes the socket and wakes the threads blocked on it. When the descriptor cannot be released
   * now (a call in flight, a selector registration), the connection is shut down first. Returns
   * false when it was closed already.
   */
  boolean close() {
    if (!handle.markClosed()) {
      return false;
    }
    try {
      if (handle.inUseByOthers()) {
        LibC.shutdown(CallState.heap(), handle.fd(), LinuxConstants.SHUT_RDWR);
      }
    } finally {
      handle.release(); // the owner's use: the last use closes the descriptor
    }
    wake(reader);
    wake(writer);
    return true;
  }

  /**
   * Starts a use of the descriptor for a call that is not a read or write (shutdown, an option, an
   * address); {@link #release()} ends it.
   *
   * @throws ClosedChannelException when the socket is closed
   */
  void acquire() throws ClosedChannelException {
    if (!handle.acquire()) {
      throw new ClosedChannelException();
    }
  }

  /** Ends a use started by {@link #acquire()}. */
  void release() {
    handle.release();
  }

  private static void wake(Waiter waiter) {
    if (waiter != null) {
      waiter.wake();
    }
  }
}
