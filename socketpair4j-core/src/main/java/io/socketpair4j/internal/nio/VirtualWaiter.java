package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/** A virtual thread's {@link Waiter}: parks, and is unparked by a {@link Poller} or by wake. */
final class VirtualWaiter extends Waiter {
  private final Thread thread;
  private final Poller.Scratch scratch = new Poller.Scratch();

  VirtualWaiter(Thread thread) {
    this.thread = thread;
  }

  @Override
  boolean await(int fd, short pollEvents, long timeoutNanos) throws IOException {
    Poller poller = (pollEvents & LinuxConstants.POLLOUT) != 0 ? Poller.writes() : Poller.reads();
    return poller.park(fd, timeoutNanos, scratch);
  }

  @Override
  void wake() {
    LockSupport.unpark(thread);
  }
}
