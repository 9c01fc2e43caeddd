package io.socketpair4j.internal.nio;

/**
 * Named points in racy code paths where a test can stop a thread, or make a system call fail with
 * {@code EINTR} as a signal would, to check deterministically what a race or an interrupted call
 * does. In production no hook is set and each point costs one volatile read.
 */
final class RaceHooks {
  private RaceHooks() {}

  /** The racy points. */
  enum Point {
    /** {@link PlatformWaiter#wake()}: the eventfd to signal is known, not yet written to. */
    WAKE_BEFORE_SIGNAL,
    /** {@link EPollSelector} register: the new key is in the key set, not yet returned. */
    REGISTER_PUBLISHED,
    /** {@link EPollSelector}: before each {@code epoll_wait}; true fails it with EINTR. */
    SELECT_EPOLL_WAIT,
    /** {@link EPollSelector}: a virtual thread is about to park until its epoll fd is ready. */
    SELECT_PARK,
  }

  /** What a test installs. */
  interface Hook {
    /** Called at {@code point} by the thread passing it; true asks for a simulated EINTR. */
    boolean at(Point point);
  }

  static volatile Hook hook;

  /** Passes {@code point}; true when the hook asks the call there to fail with EINTR. */
  static boolean at(Point point) {
    Hook h = hook;
    return h != null && h.at(point);
  }
}
