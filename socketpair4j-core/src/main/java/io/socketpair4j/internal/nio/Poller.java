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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parks virtual threads until their descriptor is ready. Each poller has an epoll instance on which
 * waiting threads arm their descriptor with {@code EPOLLONESHOT}; the poller unparks the thread
 * waiting on each one that fires. There is one poller per direction, reads and writes, because a
 * reader and a writer may wait on the same descriptor at once, and one epoll instance holds one
 * registration per fd.
 *
 * <p>By default the two pollers are <b>sub-pollers</b>: virtual threads themselves, on the same
 * scheduler as the threads they wake (the design of the JDK's own pollers since JDK 22,
 * JDK-8318422). A sub-poller polls its epoll instance with timeout 0 (never blocking its carrier),
 * unparks what is ready and yields, so that the threads it woke run; while polls keep finding
 * events, or for up to {@link #SPINS} empty polls after the last one, it goes on polling and
 * yielding. Only then does it park: it arms its own epoll descriptor with the one platform
 * <b>master poller</b>, which waits in {@code epoll_wait} and unparks it when any of its
 * descriptors is ready. In a conversation between virtual threads the peer has usually made the
 * descriptor ready by the time the sub-poller polls again, so the wake-up happens on a carrier
 * without an operating-system wake-up of another thread. {@code -Dio.socketpair4j.poller=platform}
 * makes the two pollers platform threads that wait in {@code epoll_wait} themselves (the design
 * before; every wake-up is then a wake-up of the poller thread by the kernel).
 *
 * <p>A sub-poller needs a carrier to run. When every carrier is held by a virtual thread that is
 * pinned (a native frame on its stack, or a class initialiser) and waits for one of our
 * descriptors, no sub-poller can run to wake them; the JDK's own sub-pollers have that weakness.
 * Ours do not: the master watches each sub-poller that is not parked, and when one has made no poll
 * for {@link #STALL_MILLIS} ms, the master polls that sub-poller's epoll instance itself (without
 * waiting) and unparks what is ready, as the platform design would, every {@link #STALL_MILLIS} ms
 * until the sub-poller runs again. While every sub-poller is parked the master waits without a time
 * limit.
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

  /** Whether the read and write pollers are virtual threads (sub-pollers of a master). */
  static final boolean SUB_POLLERS =
      !"platform".equals(System.getProperty("io.socketpair4j.poller", "virtual"));

  /**
   * How many empty polls (each after a yield) a sub-poller makes before it parks: the time it gives
   * a conversation's peer to answer before an operating-system wake-up is needed. Measured on a
   * 2-core machine: 0 (the JDK's choice) 21.5 µs per virtual-thread round trip, 16 about 8.5 µs, 64
   * about 7.4 µs (docs/performance-notes.md); each empty poll costs about a microsecond of a
   * carrier.
   */
  static final int SPINS = Math.max(0, Integer.getInteger("io.socketpair4j.poller.spins", 32));

  /** How long a sub-poller that is not parked may go without polling before the master steps in. */
  static final int STALL_MILLIS = 20;

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
      if (reads == null) {
        // both directions at once, so that a master knows every sub-poller it watches from its
        // start
        Poller r = new Poller(LinuxConstants.EPOLLIN, null);
        Poller w = new Poller(LinuxConstants.EPOLLOUT, null);
        if (SUB_POLLERS) {
          Poller m = new Poller(LinuxConstants.EPOLLIN, List.of(r, w));
          Thread.ofPlatform().name("socketpair4j-master-poller").daemon().start(m::platformLoop);
          startSubPoller("socketpair4j-read-poller", r, m);
          startSubPoller("socketpair4j-write-poller", w, m);
        } else {
          Thread.ofPlatform().name("socketpair4j-read-poller").daemon().start(r::platformLoop);
          Thread.ofPlatform().name("socketpair4j-write-poller").daemon().start(w::platformLoop);
        }
        reads = r;
        writes = w;
      }
      return forReads ? reads : writes;
    } finally {
      START.unlock();
    }
  }

  private static void startSubPoller(String name, Poller sub, Poller master) {
    Thread.ofVirtual()
        .name(name)
        .inheritInheritableThreadLocals(false)
        .start(() -> sub.subPollerLoop(master));
  }

  private final int epfd;
  private final int events;
  private final ConcurrentHashMap<Integer, Thread> waiters = new ConcurrentHashMap<>();
  private volatile boolean idle; // a sub-poller parked through the master (tests look)
  private volatile long polls; // a sub-poller's polls so far: the master watches it move
  private final List<Poller> subPollers; // the master's: the sub-pollers it watches

  // the master's view of one sub-poller: its poll count when last seen to move, and when
  private long seenPolls = -1;
  private long seenAt;

  /**
   * A poller for {@code events} on an epoll instance of its own; {@code subPollers} are the
   * sub-pollers it watches when it is the master, else null. Its thread is started by the caller.
   */
  private Poller(int events, List<Poller> subPollers) {
    int fd = LibC.epoll_create1(CallState.heap(), LinuxConstants.EPOLL_CLOEXEC);
    if (fd < 0) {
      throw new UncheckedIOException(Errno.exception(-fd, "epoll_create1"));
    }
    this.epfd = fd;
    this.events = events;
    this.subPollers = subPollers;
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

  /** Whether this is a sub-poller that is parked until the master poller wakes it. */
  boolean isIdle() {
    return idle;
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

  /**
   * A platform poller, or the master: waits in the kernel for the next events and unparks their
   * threads, for ever. The master also steps in for a sub-poller that cannot run.
   */
  private void platformLoop() {
    Arena arena = Arena.ofAuto();
    MemorySegment buffer = arena.allocate(EPOLL_EVENT, MAX_EVENTS);
    CallState cs = CallState.allocate(arena);
    for (; ; ) {
      List<Poller> subs = subPollers;
      if (subs == null) {
        poll(cs, buffer, -1);
        continue;
      }
      boolean watch = false;
      for (Poller sub : subs) {
        watch |= !sub.parkedUntilReady(this);
      }
      poll(cs, buffer, watch ? STALL_MILLIS : -1);
      long now = System.nanoTime();
      for (Poller sub : subs) {
        if (sub.stalled(this, now)) {
          sub.poll(cs, buffer, 0); // on its behalf: unparks the threads that are ready
        }
      }
    }
  }

  /** Whether this sub-poller is parked and {@code master} has not woken it yet. */
  private boolean parkedUntilReady(Poller master) {
    return idle && master.waiters.containsKey(epfd);
  }

  /**
   * The master's check of this sub-poller: true when it is not parked until ready, yet has not
   * polled for {@link #STALL_MILLIS} ms (all carriers busy or pinned).
   */
  private boolean stalled(Poller master, long now) {
    if (parkedUntilReady(master)) {
      seenPolls = -1;
      return false;
    }
    long p = polls;
    if (p != seenPolls) {
      seenPolls = p;
      seenAt = now;
      return false;
    }
    return now - seenAt >= STALL_MILLIS * 1_000_000L;
  }

  /**
   * A sub-poller: polls without waiting and yields while events come (or for {@link #SPINS} empty
   * polls), then parks until the master poller finds its epoll descriptor ready.
   */
  private void subPollerLoop(Poller master) {
    Arena arena = Arena.ofAuto();
    MemorySegment buffer = arena.allocate(EPOLL_EVENT, MAX_EVENTS);
    CallState cs = CallState.allocate(arena);
    Scratch scratch = new Scratch();
    int empty = 0;
    for (; ; ) {
      if (empty <= SPINS) {
        Thread.yield(); // let the threads just unparked (or any other) run first
      } else {
        idle = true;
        try {
          master.park(epfd, -1, scratch);
        } catch (IOException e) {
          // epoll_ctl of our own epoll descriptor fails only for lack of kernel memory: poll
          // again a millisecond later rather than not at all
          LockSupport.parkNanos(this, 1_000_000);
        }
        idle = false;
      }
      polls++; // only this thread writes it
      empty = poll(cs, buffer, 0) > 0 ? 0 : empty + 1;
    }
  }

  /** One {@code epoll_wait}: unparks the threads whose descriptors are ready. */
  private int poll(CallState cs, MemorySegment buffer, int timeout) {
    int n = LibC.epoll_wait(cs, epfd, buffer, MAX_EVENTS, timeout);
    for (int i = 0; i < n; i++) {
      int fd = (int) buffer.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_EVENT_DATA);
      Thread thread = waiters.remove(fd);
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
    return n;
  }
}
