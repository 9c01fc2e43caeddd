package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.LinuxConstants;
import java.nio.channels.SelectionKey;

/** Interest and ready sets of selection keys, in the epoll events that stand for them. */
final class Readiness {
  private Readiness() {}

  /** The epoll events that watch for the given interest set. */
  static int epollEvents(int ops) {
    int events = 0;
    if ((ops & SelectionKey.OP_READ) != 0) {
      events |= LinuxConstants.EPOLLIN;
    }
    if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
      // OP_CONNECT watches POLLOUT, as the JDK's channels translate it (POLLCONN on Linux); a
      // connected end never becomes connectable, but it is reported when the connection hangs up
      events |= LinuxConstants.EPOLLOUT;
    }
    return events;
  }

  /** Whether the epoll events report an error or a hang-up. */
  static boolean hungUp(int epollEvents) {
    return (epollEvents & (LinuxConstants.EPOLLERR | LinuxConstants.EPOLLHUP)) != 0;
  }

  /** The ready set for the epoll events that fired, limited to the interest set. */
  static int readyOps(int epollEvents, int interestOps) {
    if (hungUp(epollEvents)) {
      // An error or hang-up makes the whole interest set ready, as with the JDK's channels; each
      // operation then reports the error or end of stream.
      return interestOps;
    }
    int ready = 0;
    if ((epollEvents & LinuxConstants.EPOLLIN) != 0) {
      ready |= SelectionKey.OP_READ;
    }
    if ((epollEvents & LinuxConstants.EPOLLOUT) != 0) {
      ready |= SelectionKey.OP_WRITE;
    }
    return ready & interestOps;
  }
}
