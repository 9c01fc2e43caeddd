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
 * <p>Each eventfd is an {@link FdHandle}, like every descriptor the library owns: a waker writes to
 * it only while it holds a use, so one that is closed when given back (the pool being full) keeps
 * its number until that write is done, and a late wake-up can never land in a file that reused the
 * number. A late wake-up may still land in an eventfd that is idle or lent to another wait; that
 * wait then returns at once, spuriously, which every waiter allows for.
 */
final class WakeupFds {
  private WakeupFds() {}

  static final int MAX_IDLE = 64;

  private static final FdHandle[] IDLE = new FdHandle[MAX_IDLE];
  private static int idle; // guarded by IDLE

  /** An eventfd for one wait: an idle one, or a new one. */
  static FdHandle borrow() throws IOException {
    synchronized (IDLE) {
      if (idle > 0) {
        FdHandle h = IDLE[--idle];
        IDLE[idle] = null;
        return h;
      }
    }
    int efd =
        LibC.eventfd(CallState.heap(), 0, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
    if (efd < 0) {
      throw Errno.exception(-efd, "eventfd");
    }
    return new FdHandle(efd);
  }

  /** Gives an eventfd back after the wait; closes it if enough are idle already. */
  static void giveBack(FdHandle efd) {
    synchronized (IDLE) {
      if (idle < MAX_IDLE) {
        IDLE[idle++] = efd;
        return;
      }
    }
    efd.close();
  }
}
