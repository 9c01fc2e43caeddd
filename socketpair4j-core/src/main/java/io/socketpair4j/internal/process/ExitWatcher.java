package io.socketpair4j.internal.process;

import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_DATA;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_EVENTS;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.ProcessCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Learns when children exit, without disturbing anyone else's children: never {@code waitpid(-1)},
 * never a {@code SIGCHLD} handler.
 *
 * <p>With pidfds (Linux 5.3), one platform thread, {@code socketpair4j-process-exits}, waits in
 * {@code epoll_wait} on the pidfds of all children at once (a pidfd becomes readable when its
 * process exits) and reaps each with {@code waitid(P_PIDFD)}: one thread however many children,
 * where the JDK keeps a thread per child. Without pidfds, a daemon thread per child waits with
 * {@code waitid(P_PID, pid, WEXITED | WNOWAIT)} and then reaps (see {@link ChildProcess}).
 */
final class ExitWatcher {
  private static final int MAX_EVENTS = 64;

  /** For tests: behave as on a kernel without pidfds. */
  static volatile boolean forceNoPidfd =
      !Boolean.parseBoolean(System.getProperty("io.socketpair4j.pidfd", "true"));

  private static final ReentrantLock START = new ReentrantLock();
  private static volatile ExitWatcher instance;

  private final int epfd;
  private final ConcurrentHashMap<Integer, ChildProcess> watched = new ConcurrentHashMap<>();

  private ExitWatcher(int epfd) {
    this.epfd = epfd;
    Thread.ofPlatform().name("socketpair4j-process-exits").daemon().start(this::run);
  }

  private static ExitWatcher instance() throws IOException {
    ExitWatcher w = instance;
    if (w != null) {
      return w;
    }
    START.lock();
    try {
      if (instance == null) {
        int fd = LibC.epoll_create1(CallState.heap(), LinuxConstants.EPOLL_CLOEXEC);
        if (fd < 0) {
          throw Errno.exception(-fd, "epoll_create1");
        }
        instance = new ExitWatcher(fd);
      }
      return instance;
    } finally {
      START.unlock();
    }
  }

  /**
   * A pidfd for the child just spawned, or -1 where there is none: no pidfds in this kernel ({@code
   * ENOSYS}), or none to be had now ({@code EMFILE}); the child is then waited for by a thread of
   * its own. The child cannot have been reaped yet (only its watcher reaps it), so the pid still
   * names it.
   */
  static int pidfd(int pid) {
    if (forceNoPidfd) {
      return -1;
    }
    int fd = ProcessCalls.pidfdOpen(CallState.heap(), pid);
    return fd >= 0 ? fd : -1;
  }

  /** Starts watching {@code child}, which is then reaped when it exits. Never fails. */
  static void watch(ChildProcess child) {
    int pidfd = child.pidfd();
    if (pidfd >= 0) {
      try {
        ExitWatcher w = instance();
        w.watched.put(pidfd, child);
        MemorySegment event = MemorySegment.ofArray(new long[2]);
        event.set(JAVA_INT_UNALIGNED, EPOLL_EVENT_EVENTS, LinuxConstants.EPOLLIN);
        event.set(JAVA_LONG_UNALIGNED, EPOLL_EVENT_DATA, pidfd);
        int r =
            LibC.epoll_ctl(CallState.heap(), w.epfd, LinuxConstants.EPOLL_CTL_ADD, pidfd, event);
        if (r == 0) {
          return;
        }
        w.watched.remove(pidfd);
      } catch (IOException e) {
        // no watcher thread to be had: wait with a thread of the child's own
      }
    }
    Thread.ofPlatform()
        .name("socketpair4j-wait-" + child.pid())
        .daemon()
        .start(() -> waitWithoutPidfd(child));
  }

  private void run() {
    Arena arena = Arena.ofAuto();
    MemorySegment events = arena.allocate(EPOLL_EVENT, MAX_EVENTS);
    CallState cs = CallState.allocate(arena);
    for (; ; ) {
      int n = LibC.epoll_wait(cs, epfd, events, MAX_EVENTS, -1);
      for (int i = 0; i < n; i++) {
        int fd = (int) events.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_EVENT_DATA);
        ChildProcess child = watched.get(fd);
        if (child == null) {
          continue;
        }
        // removed from epoll before reap() closes the pidfd, so the number is never stale here
        LibC.epoll_ctl(
            CallState.heap(), epfd, LinuxConstants.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
        watched.remove(fd);
        if (!child.reap()) {
          watch(child); // readable but not exited: cannot happen; wait again rather than lose it
        }
      }
    }
  }

  private static void waitWithoutPidfd(ChildProcess child) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(LinuxAbi.SIGINFO_SIZE, 8);
      CallState cs = CallState.allocate(arena);
      int options = LinuxConstants.WEXITED | LinuxConstants.WNOWAIT;
      for (; ; ) {
        int r = ProcessCalls.waitid(cs, LinuxConstants.P_PID, (int) child.pid(), info, options);
        // once it returns (ECHILD included: someone else reaped the child, and reap() reports the
        // status as lost), the child is a zombie or gone, and reap() finishes
        if (r != -Errno.EINTR && child.reap()) {
          return;
        }
      }
    }
  }
}
