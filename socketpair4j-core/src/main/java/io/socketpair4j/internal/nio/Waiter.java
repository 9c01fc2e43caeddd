package io.socketpair4j.internal.nio;

import java.io.IOException;

/**
 * How the current thread waits for a descriptor to become ready, and how another thread wakes it.
 *
 * <p>Where a call does not wait in the kernel itself ({@link KernelWait}: a platform thread's
 * blocking stream read or write), it is made with {@code MSG_DONTWAIT}, so a blocking operation is
 * "try the call; on {@code EAGAIN} wait for readiness; retry". A platform thread waits in the
 * kernel with {@code poll(2)}; a virtual thread parks and is unparked by a {@link Poller}, so it
 * never holds its carrier inside a native call. Either kind returns early when {@link #wake()} is
 * called (by asynchronous close, shutdown or interrupt); the caller then re-checks the channel's
 * state.
 */
abstract sealed class Waiter permits PlatformWaiter, VirtualWaiter {
  private static final ThreadLocal<Waiter> CURRENT =
      ThreadLocal.withInitial(
          () ->
              Thread.currentThread().isVirtual()
                  ? new VirtualWaiter(Thread.currentThread())
                  : new PlatformWaiter());

  /** The waiter of the calling thread. */
  static Waiter current() {
    return CURRENT.get();
  }

  /**
   * Waits until {@code fd} may be ready for {@code pollEvents} (POLLIN or POLLOUT), until {@link
   * #wake()} is called, or until {@code timeoutNanos} pass (negative: no time limit). May return
   * spuriously; the caller retries its operation and re-checks its state.
   *
   * @return false when the time limit passed, true otherwise
   */
  abstract boolean await(int fd, short pollEvents, long timeoutNanos) throws IOException;

  /** Makes a current or the next {@link #await} of this waiter's thread return. */
  abstract void wake();
}
