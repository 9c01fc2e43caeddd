package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.POLLFD;
import static io.socketpair4j.internal.linux.LinuxAbi.POLLFD_EVENTS;
import static io.socketpair4j.internal.linux.LinuxAbi.POLLFD_FD;
import static io.socketpair4j.internal.linux.LinuxAbi.POLLFD_REVENTS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A platform thread's {@link Waiter}: {@code poll(2)} on the descriptor together with an eventfd
 * borrowed for the wait (see {@link WakeupFds}), which {@link #wake()} signals.
 *
 * <p>{@link #wake()} sets {@link #wakePending} and then signals the eventfd published in {@link
 * #wakeFd}, if any; {@link #await} publishes the eventfd and then checks {@link #wakePending}. Both
 * are volatile, so a wake-up is never lost: either the waiter sees the flag, or the waker sees the
 * eventfd. The waker writes only while it holds a use of the eventfd's {@link FdHandle}.
 */
final class PlatformWaiter extends Waiter {
  private final MemorySegment pollFds;
  private final CallState callState;
  private final MemorySegment drain = MemorySegment.ofArray(new long[1]);
  private final CallState drainState = CallState.heap();
  private volatile FdHandle wakeFd; // the eventfd lent for the current wait, or null
  private volatile boolean wakePending;

  PlatformWaiter() {
    Arena arena = Arena.ofAuto();
    this.pollFds = arena.allocate(POLLFD, 2);
    this.callState = CallState.allocate(arena);
    pollFds.set(JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, LinuxConstants.POLLIN);
  }

  @Override
  boolean await(int fd, short pollEvents, long timeoutNanos) throws IOException {
    FdHandle efd = WakeupFds.borrow();
    wakeFd = efd;
    try {
      if (wakePending) {
        wakePending = false;
        return true;
      }
      pollFds.set(JAVA_INT, POLLFD_FD, fd);
      pollFds.set(JAVA_SHORT, POLLFD_EVENTS, pollEvents);
      pollFds.set(JAVA_INT, POLLFD.byteSize() + POLLFD_FD, efd.fd());
      int timeoutMillis = timeoutNanos < 0 ? -1 : roundUpToMillis(timeoutNanos);
      int n = LibC.poll(callState, pollFds, 2, timeoutMillis);
      if (n < 0) {
        if (-n == Errno.EINTR) {
          return true;
        }
        throw Errno.exception(-n, "poll");
      }
      if (pollFds.get(JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS) != 0) {
        LibC.read(drainState, efd.fd(), drain, 8); // consume the wake-up
        wakePending = false;
      }
      return n > 0;
    } finally {
      wakeFd = null;
      WakeupFds.giveBack(efd);
    }
  }

  /** Whole milliseconds, rounded up so that a wait never ends early, at most Integer.MAX_VALUE. */
  static int roundUpToMillis(long nanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos) + (nanos % 1_000_000 != 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  @Override
  void wake() {
    wakePending = true;
    FdHandle efd = wakeFd;
    if (efd != null && efd.acquire()) {
      try {
        RaceHooks.at(RaceHooks.Point.WAKE_BEFORE_SIGNAL);
        MemorySegment one = MemorySegment.ofArray(new long[] {1});
        LibC.write(CallState.heap(), efd.fd(), one, 8);
      } finally {
        efd.release();
      }
    }
  }
}
