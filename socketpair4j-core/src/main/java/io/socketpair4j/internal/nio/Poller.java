package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_DATA;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_EVENTS;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parks virtual threads until their descriptor is ready. One platform thread per direction waits in
 * {@code epoll_wait} on descriptors armed with {@code EPOLLONESHOT}, and unparks the virtual thread
 * waiting on each one that fires. (Two pollers, reads and writes, because a reader and a writer may
 * wait on the same descriptor at once, and one epoll instance holds one registration per fd.)
 *
 * <p>At most one thread waits on a descriptor in one direction at a time: the channels' read and
 * write locks, and the selector's own lock, see to that.
 *
 * <p>Registrations are not removed when a channel closes: the kernel drops an epoll registration
 * when the open file description is finally released. A description that outlives our descriptor
 * (an end handed to a child process, or passed to another process) keeps its registration until the
 * other process closes it too; being one-shot, it fires at most once more, and then wakes whoever
 * waits on the same number, who finds nothing ready and waits again.
 */
final class Poller {
  private static final int MAX_EVENTS = 256;

  // Started on first use, under a lock that parks rather than pins: a class initialiser (the
  // usual lazy holder) would pin every virtual thread that waits for it to finish.
  private static final ReentrantLock START = new ReentrantLock();
  private static volatile Poller reads;
  private static volatile Poller writes;

  static Poller reads() {
    Poller p = reads;
    return p != null ? p : start(true);
  }

  static Poller writes() {
    Poller p = writes;
    return p != null ? p : start(false);
  }

  private static Poller start(boolean forReads) {
    START.lock();
    try {
      if (forReads && reads == null) {
        reads = new Poller("socketpair4j-read-poller", LinuxConstants.EPOLLIN);
      }
      if (!forReads && writes == null) {
        writes = new Poller("socketpair4j-write-poller", LinuxConstants.EPOLLOUT);
      }
      return forReads ? reads : writes;
    } finally {
      START.unlock();
    }
  }

  private final int epfd;
  private final int events;
  private final ConcurrentHashMap<Integer, Thread> waiters = new ConcurrentHashMap<>();

  private Poller(String name, int events) {
    int fd = LibC.epoll_create1(CallState.heap(), LinuxConstants.EPOLL_CLOEXEC);
    if (fd < 0) {
      throw new UncheckedIOException(Errno.exception(-fd, "epoll_create1"));
    }
    this.epfd = fd;
    this.events = events;
    Thread.ofPlatform().name(name).daemon().start(this::run);
  }

  /**
   * Parks the current (virtual) thread until {@code fd} is ready, it is unparked, or the time limit
   * passes. Returns false only when the time limit passed.
   */
  boolean park(int fd, long timeoutNanos, Scratch scratch) throws IOException {
    Thread thread = Thread.currentThread();
    Integer key = fd;
    waiters.put(key, thread);
    try {
      arm(fd, scratch);
      if (timeoutNanos < 0) {
        LockSupport.park(this);
        return true;
      }
      long deadline = System.nanoTime() + timeoutNanos;
      LockSupport.parkNanos(this, timeoutNanos);
      return waiters.get(key) != thread || System.nanoTime() - deadline < 0;
    } finally {
      waiters.remove(key, thread);
    }
  }

  /** What one thread needs to arm a descriptor, kept by the thread so waits make no garbage. */
  static final class Scratch {
    final MemorySegment event = MemorySegment.ofArray(new long[2]); // an epoll_event, and room
    final CallState callState = CallState.heap();
  }

  private void arm(int fd, Scratch scratch) throws IOException {
    MemorySegment event = scratch.event;
    event.set(JAVA_INT_UNALIGNED, EPOLL_EVENT_EVENTS, events | LinuxConstants.EPOLLONESHOT);
    event.set(JAVA_LONG_UNALIGNED, EPOLL_EVENT_DATA, fd);
    CallState cs = scratch.callState;
    int r = LibC.epoll_ctl(cs, epfd, LinuxConstants.EPOLL_CTL_MOD, fd, event);
    if (r == -Errno.ENOENT) {
      r = LibC.epoll_ctl(cs, epfd, LinuxConstants.EPOLL_CTL_ADD, fd, event);
    }
    if (r < 0) {
      throw Errno.exception(-r, "epoll_ctl");
    }
  }

  private void run() {
    Arena arena = Arena.ofAuto();
    MemorySegment buffer = arena.allocate(EPOLL_EVENT, MAX_EVENTS);
    CallState cs = CallState.allocate(arena);
    for (; ; ) {
      int n = LibC.epoll_wait(cs, epfd, buffer, MAX_EVENTS, -1);
      for (int i = 0; i < n; i++) {
        int fd = (int) buffer.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_EVENT_DATA);
        Thread thread = waiters.remove(fd);
        if (thread != null) {
          LockSupport.unpark(thread);
        }
      }
    }
  }
}
