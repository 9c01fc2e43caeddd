package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor whose number cannot be reused while anyone is still using it: the one lifetime
 * rule for every descriptor the library owns (sockets, eventfds, epoll instances). A number is
 * written to, waited on, registered or closed only while a use of it is held.
 *
 * <p>Each system call on the fd, and each selector registration of it, holds a <em>use</em>: {@link
 * #acquire()} before, {@link #release()} after. {@link #close()} marks the handle closed, so that
 * no new use can start, and drops the owner's use; the descriptor itself is closed by whoever drops
 * the last use. So a call that is in flight when another thread closes the channel still operates
 * on the socket it started on, never on a file that later got the same number.
 *
 * <p>The state is one int: the sign bit means closed, the rest counts the uses, with the owner
 * counting as one until {@link #close()}.
 */
final class FdHandle implements Runnable {
  private static final int CLOSED = Integer.MIN_VALUE;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(FdHandle.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int fd;

  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state = 1;

  FdHandle(int fd) {
    this.fd = fd;
  }

  /** The descriptor number; valid only while a use is held (or before close). */
  int fd() {
    return fd;
  }

  /** Starts a use; false when the handle is closed. */
  boolean acquire() {
    for (; ; ) {
      int s = (int) STATE.getVolatile(this);
      if (s < 0) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s + 1)) {
        return true;
      }
    }
  }

  /** Ends a use; closes the descriptor when it was the last one after {@link #close()}. */
  void release() {
    int s = (int) STATE.getAndAdd(this, -1) - 1;
    if (s == CLOSED) {
      closeDescriptor();
    }
  }

  /**
   * Marks the handle closed and drops the owner's use. Returns false when it was already closed.
   * The descriptor is closed now if no use is in flight, or by the last {@link #release()}.
   */
  boolean close() {
    if (!markClosed()) {
      return false;
    }
    release();
    return true;
  }

  /**
   * Marks the handle closed, so that no new use can start, but keeps the owner's use: the number
   * stays valid until the owner calls {@link #release()}. Returns false when it was already closed
   * (the owner's use is then no longer held). For a close that must act on the descriptor first
   * (see {@link #inUseByOthers()}).
   */
  boolean markClosed() {
    for (; ; ) {
      int s = (int) STATE.getVolatile(this);
      if (s < 0) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s | CLOSED)) {
        return true;
      }
    }
  }

  /**
   * {@link #close()}, as the action of a {@code Cleaner} (a handle is its own cleaning action, so a
   * registration costs no extra object).
   */
  @Override
  public void run() {
    close();
  }

  /** {@link #detach()}: the number is the caller's now. */
  static final int DETACHED = 1;

  /** {@link #detach()}: the handle was closed already. */
  static final int ALREADY_CLOSED = 0;

  /** {@link #detach()}: someone else holds a use, so the handle was left as it was. */
  static final int IN_USE = -1;

  /**
   * Marks the handle closed without ever closing the descriptor, when no one but the owner holds a
   * use: the number then belongs to the caller. Returns {@link #DETACHED}, {@link #ALREADY_CLOSED}
   * or {@link #IN_USE}.
   */
  int detach() {
    for (; ; ) {
      int s = (int) STATE.getVolatile(this);
      if (s < 0) {
        return ALREADY_CLOSED;
      }
      if (s > 1) {
        return IN_USE;
      }
      if (STATE.compareAndSet(this, 1, CLOSED)) {
        return DETACHED;
      }
    }
  }

  /**
   * After {@link #markClosed()}, while the owner's use is still held: whether anyone else holds a
   * use, so that releasing the owner's use will not close the descriptor yet. Once closed, uses
   * only end, so a false answer stays false.
   */
  boolean inUseByOthers() {
    return ((int) STATE.getVolatile(this) & ~CLOSED) > 1;
  }

  boolean isClosed() {
    return (int) STATE.getVolatile(this) < 0;
  }

  private void closeDescriptor() {
    // close(2) on Linux always frees the number, even when it reports an error (EINTR, EIO), so
    // there is nothing to retry and nothing useful to report to the last user.
    LibC.close(CallState.heap(), fd);
  }
}
