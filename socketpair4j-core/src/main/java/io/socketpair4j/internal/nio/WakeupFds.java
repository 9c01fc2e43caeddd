package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;

/**
 * Eventfds lent to platform threads for the length of one wait, so that a thread can be woken out
 * of {@code poll(2)}. Lending them per wait, rather than giving each thread one for life, keeps the
 * number of descriptors bounded by how many threads wait at once: a thread that ends holds none
 * (thousands of short-lived threads would otherwise each leave an eventfd behind until a garbage
 * collection). At most {@value #MAX_IDLE} idle ones are kept; more are closed when given back.
 *
 * <p>An eventfd may come back still signalled (a wake-up that raced with the end of the wait); the
 * next borrower then returns at once, spuriously, which every waiter allows for.
 */
final class WakeupFds {
  private WakeupFds() {}

  static final int MAX_IDLE = 64;

  private static final int[] IDLE = new int[MAX_IDLE];
  private static int idle; // guarded by IDLE

  /** An eventfd for one wait: an idle one, or a new one. */
  static int borrow() throws IOException {
    synchronized (IDLE) {
      if (idle > 0) {
        return IDLE[--idle];
      }
    }
    int efd =
        LibC.eventfd(CallState.heap(), 0, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
    if (efd < 0) {
      throw Errno.exception(-efd, "eventfd");
    }
    return efd;
  }

  /** Gives an eventfd back after the wait; closes it if enough are idle already. */
  static void giveBack(int efd) {
    synchronized (IDLE) {
      if (idle < MAX_IDLE) {
        IDLE[idle++] = efd;
        return;
      }
    }
    LibC.close(CallState.heap(), efd);
  }
}
