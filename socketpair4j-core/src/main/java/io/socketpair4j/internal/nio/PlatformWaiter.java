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
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A platform thread's {@link Waiter}: {@code poll(2)} on the descriptor together with the thread's
 * own eventfd, which {@link #wake()} signals. The eventfd is closed by a cleaner once the thread
 * (and so this waiter) is gone.
 */
final class PlatformWaiter extends Waiter {
  private final int eventFd;
  private final MemorySegment pollFds;
  private final CallState callState;
  private final MemorySegment drain = MemorySegment.ofArray(new long[1]);
  private final CallState drainState = CallState.heap();

  PlatformWaiter() {
    int efd =
        LibC.eventfd(CallState.heap(), 0, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
    if (efd < 0) {
      throw new UncheckedIOException(Errno.exception(-efd, "eventfd"));
    }
    this.eventFd = efd;
    Arena arena = Arena.ofAuto();
    this.pollFds = arena.allocate(POLLFD, 2);
    this.callState = CallState.allocate(arena);
    pollFds.set(JAVA_INT, POLLFD.byteSize() + POLLFD_FD, efd);
    pollFds.set(JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, LinuxConstants.POLLIN);
    Resources.CLEANER.register(this, () -> LibC.close(CallState.heap(), efd));
  }

  @Override
  boolean await(int fd, short pollEvents, long timeoutNanos) throws IOException {
    pollFds.set(JAVA_INT, POLLFD_FD, fd);
    pollFds.set(JAVA_SHORT, POLLFD_EVENTS, pollEvents);
    int timeoutMillis = timeoutNanos < 0 ? -1 : roundUpToMillis(timeoutNanos);
    int n = LibC.poll(callState, pollFds, 2, timeoutMillis);
    if (n < 0) {
      if (-n == Errno.EINTR) {
        return true;
      }
      throw Errno.exception(-n, "poll");
    }
    if (pollFds.get(JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS) != 0) {
      LibC.read(drainState, eventFd, drain, 8); // consume the wake-up
    }
    return n > 0;
  }

  /** Whole milliseconds, rounded up so that a wait never ends early, at most Integer.MAX_VALUE. */
  static int roundUpToMillis(long nanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos) + (nanos % 1_000_000 != 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  @Override
  void wake() {
    MemorySegment one = MemorySegment.ofArray(new long[] {1});
    LibC.write(CallState.heap(), eventFd, one, 8);
  }
}
