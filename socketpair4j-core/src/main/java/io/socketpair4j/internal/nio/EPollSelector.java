package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_DATA;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_EVENTS;
import static io.socketpair4j.internal.linux.LinuxAbi.EPOLL_EVENT_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.Platform;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link Selector} over Linux epoll for the native channels ({@link NativeSocketChannel}, {@link
 * NativeDatagramChannel}).
 *
 * <p>Registration is level-triggered; a key's epoll registration follows its interest set (a key
 * whose interest set is empty is taken out of the epoll set, since hang-up cannot be masked).
 * Interest changes and cancellations are queued and applied at the start of each selection. An
 * eventfd in the epoll set implements {@link #wakeup()}. A platform thread selects in {@code
 * epoll_wait}; a virtual thread parks until the epoll descriptor is readable (see {@link Waiter}).
 *
 * <p>Each registered key holds a use of its channel's descriptor, so a channel closed while
 * registered keeps its descriptor number until the selector has deregistered the key, and epoll is
 * never told about a number that now belongs to another file (the channel shuts its connection down
 * at close, so its peer sees end of stream at once all the same). The selector's own epoll
 * descriptor and wake-up eventfd are {@link FdHandle}s too: {@link #wakeup()} writes only while it
 * holds a use, and a selection holds one of the epoll descriptor.
 *
 * <p>A selection operation that may block returns only when a key is selected, on {@link
 * #wakeup()}, on interrupt or when its timeout has passed: after {@code EINTR} or a spurious unpark
 * it goes on waiting for the time that remains.
 *
 * <p>Locking, as {@link Selector} specifies: selection operations synchronize on the selector, then
 * on the selected-key set; registration and interest changes do not wait for a selection in
 * progress.
 */
public final class EPollSelector extends AbstractSelector {
  private static final int MAX_EVENTS = 1024;

  private final int epfd;
  private final int wakeFd;
  private final FdHandle epHandle;
  private final FdHandle wakeHandle;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment events;
  private final CallState waitState;
  private final CallState ctlState = CallState.heap();
  private final MemorySegment ctlEvent = MemorySegment.ofArray(new byte[16]);
  private final MemorySegment wakeValue = MemorySegment.ofArray(new long[1]);

  private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
  private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
  // handed to users as it is: it lets them remove keys but not add them
  private final SelectedKeySet selectedKeys = new SelectedKeySet();

  private final Object updateLock = new Object();
  private final ArrayDeque<EPollSelectionKey> updates = new ArrayDeque<>(); // guarded by updateLock

  private final Object wakeLock = new Object();
  private boolean wakeupPending; // guarded by wakeLock

  // guarded by this
  private EPollSelectionKey[] keysByFd = new EPollSelectionKey[64];
  private boolean inSelect;

  public EPollSelector(SelectorProvider provider) throws IOException {
    super(provider);
    Platform.ensureSupported();
    CallState cs = CallState.heap();
    int ep = LibC.epoll_create1(cs, LinuxConstants.EPOLL_CLOEXEC);
    if (ep < 0) {
      arena.close();
      throw Errno.exception(-ep, "epoll_create1");
    }
    int ev = LibC.eventfd(cs, 0, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
    if (ev < 0) {
      LibC.close(cs, ep);
      arena.close();
      throw Errno.exception(-ev, "eventfd");
    }
    this.epfd = ep;
    this.wakeFd = ev;
    this.epHandle = new FdHandle(ep);
    this.wakeHandle = new FdHandle(ev);
    this.events = arena.allocate(EPOLL_EVENT, MAX_EVENTS);
    this.waitState = CallState.allocate(arena);
    int r = ctl(LinuxConstants.EPOLL_CTL_ADD, wakeFd, LinuxConstants.EPOLLIN);
    if (r < 0) {
      LibC.close(cs, ev);
      LibC.close(cs, ep);
      arena.close();
      throw Errno.exception(-r, "epoll_ctl");
    }
  }

  private void ensureOpen() {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
  }

  @Override
  public Set<SelectionKey> keys() {
    ensureOpen();
    return publicKeys;
  }

  @Override
  public Set<SelectionKey> selectedKeys() {
    ensureOpen();
    return selectedKeys;
  }

  // -- registration -------------------------------------------------------------------------

  @Override
  protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object attachment) {
    ChannelCore core = ChannelCore.of(ch);
    if (core == null || ch.provider() != provider()) {
      throw new IllegalSelectorException();
    }
    // If the channel is being closed concurrently there is no use to take; the key is cancelled
    // by the close as soon as register returns. The key is complete (interest set, update queued)
    // before it is published in the key set: from then on another thread may cancel it, and
    // register then returns the cancelled key, as the JDK does (JDK-8287580).
    EPollSelectionKey key =
        new EPollSelectionKey(ch, core.handle(), this, core.handle().acquire(), ops);
    key.attach(attachment);
    if (ops != 0) {
      interestChanged(key);
    }
    keys.add(key);
    RaceHooks.at(RaceHooks.Point.REGISTER_PUBLISHED);
    if (!isOpen()) {
      // Closed meanwhile. No cancel(): it would wait for the cancelled-key set while the caller
      // holds the channel's key lock, which a closing selector may wait for while it holds that
      // set. Either this thread or the close takes the key's use and gives it back.
      keys.remove(key);
      if (key.takeUse()) {
        core.handle().release();
      }
      throw new ClosedSelectorException();
    }
    return key;
  }

  void interestChanged(EPollSelectionKey key) {
    synchronized (updateLock) {
      updates.addLast(key);
    }
  }

  /** Applies queued interest changes to the epoll set. */
  private void processUpdates() throws IOException {
    for (; ; ) {
      EPollSelectionKey key;
      synchronized (updateLock) {
        key = updates.pollFirst();
      }
      if (key == null) {
        return;
      }
      applyInterest(key);
    }
  }

  /**
   * Brings the key's epoll registration in line with its interest set. Under the key's monitor, so
   * that its use of the descriptor cannot be given back ({@link EPollSelectionKey#takeUse()}, by a
   * {@code register} that found the selector closed) while epoll is told about the number.
   */
  private void applyInterest(EPollSelectionKey key) throws IOException {
    synchronized (key) {
      if (!key.isValid() || !key.holdsUse()) {
        return;
      }
      int fd = key.handle().fd();
      int wanted = Readiness.epollEvents(key.currentInterestOps());
      if (wanted == key.registeredEvents) {
        return;
      }
      int r;
      if (wanted == 0) {
        r = ctl(LinuxConstants.EPOLL_CTL_DEL, fd, 0);
      } else if (key.registeredEvents == 0) {
        r = ctl(LinuxConstants.EPOLL_CTL_ADD, fd, wanted);
        mapFd(fd, key);
      } else {
        r = ctl(LinuxConstants.EPOLL_CTL_MOD, fd, wanted);
      }
      if (r < 0) {
        throw Errno.exception(-r, "epoll_ctl");
      }
      key.registeredEvents = wanted;
    }
  }

  private void mapFd(int fd, EPollSelectionKey key) {
    if (fd >= keysByFd.length) {
      keysByFd = Arrays.copyOf(keysByFd, Math.max(fd + 1, keysByFd.length * 2));
    }
    keysByFd[fd] = key;
  }

  private int ctl(int op, int fd, int epollEvents) {
    ctlEvent.set(JAVA_INT_UNALIGNED, EPOLL_EVENT_EVENTS, epollEvents);
    ctlEvent.set(JAVA_LONG_UNALIGNED, EPOLL_EVENT_DATA, fd);
    return LibC.epoll_ctl(ctlState, epfd, op, fd, ctlEvent);
  }

  /** Deregisters cancelled keys; the last use of a closed channel's descriptor closes it. */
  private void processCancelledKeys() {
    Set<SelectionKey> cancelled = cancelledKeys();
    synchronized (cancelled) {
      if (cancelled.isEmpty()) {
        return;
      }
      for (SelectionKey k : cancelled) {
        deregister((EPollSelectionKey) k);
      }
      cancelled.clear();
    }
  }

  /**
   * Takes a key out of epoll, the key sets and its channel, and gives back its use of the
   * descriptor (the last use of a closed channel's descriptor closes it). Idempotent.
   */
  private void deregister(EPollSelectionKey key) {
    boolean held = key.takeUse(); // only with the use may the descriptor number be touched
    int fd = key.handle().fd();
    if (held && key.registeredEvents != 0) {
      ctl(LinuxConstants.EPOLL_CTL_DEL, fd, 0);
    }
    key.registeredEvents = 0;
    if (fd < keysByFd.length && keysByFd[fd] == key) {
      keysByFd[fd] = null;
    }
    selectedKeys.remove(key);
    keys.remove(key);
    deregister((AbstractSelectionKey) key); // from the channel's keys
    if (held) {
      key.handle().release();
    }
  }

  // -- selection ----------------------------------------------------------------------------

  @Override
  public int selectNow() throws IOException {
    return lockAndSelect(null, 0);
  }

  @Override
  public int select(long timeout) throws IOException {
    if (timeout < 0) {
      throw new IllegalArgumentException("Negative timeout");
    }
    return lockAndSelect(null, timeout == 0 ? -1 : timeout);
  }

  @Override
  public int select() throws IOException {
    return lockAndSelect(null, -1);
  }

  @Override
  public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
    Objects.requireNonNull(action, "action");
    if (timeout < 0) {
      throw new IllegalArgumentException("Negative timeout");
    }
    return lockAndSelect(action, timeout == 0 ? -1 : timeout);
  }

  @Override
  public int select(Consumer<SelectionKey> action) throws IOException {
    Objects.requireNonNull(action, "action");
    return lockAndSelect(action, -1);
  }

  @Override
  public int selectNow(Consumer<SelectionKey> action) throws IOException {
    Objects.requireNonNull(action, "action");
    return lockAndSelect(action, 0);
  }

  /** {@code timeoutMillis}: -1 waits without limit, 0 does not wait. */
  private int lockAndSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
    synchronized (this) {
      ensureOpen();
      if (inSelect) {
        throw new IllegalStateException("select in progress");
      }
      inSelect = true;
      try {
        synchronized (selectedKeys) {
          return doSelect(action, timeoutMillis);
        }
      } finally {
        inSelect = false;
      }
    }
  }

  private int doSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
    processUpdates();
    processCancelledKeys();
    int n;
    if (!epHandle.acquire()) {
      throw new ClosedSelectorException();
    }
    try {
      if (timeoutMillis == 0) {
        n = waitForEvents(0);
      } else {
        begin(); // an interrupt wakes the selector up
        try {
          n = waitForEvents(timeoutMillis);
        } finally {
          end();
        }
      }
    } finally {
      epHandle.release();
    }
    processCancelledKeys();
    int count = processEvents(n, action);
    processCancelledKeys();
    clearWakeup();
    return count;
  }

  /**
   * Waits until epoll reports events, the selector is woken up (the wake-up eventfd is one of the
   * events) or interrupted, or {@code timeoutMillis} pass (-1: no limit; 0: just look); returns the
   * number of events. {@code EINTR} and spurious unparks do not end the wait: it goes on with the
   * time that remains.
   */
  private int waitForEvents(long timeoutMillis) throws IOException {
    boolean virtual = Thread.currentThread().isVirtual();
    long deadline = timeoutMillis < 0 ? 0 : System.nanoTime() + MILLISECONDS.toNanos(timeoutMillis);
    for (; ; ) {
      long remainingNanos = timeoutMillis < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
      int n;
      if (!virtual || remainingNanos == 0) {
        n = epollWait(remainingNanos < 0 ? -1 : PlatformWaiter.roundUpToMillis(remainingNanos));
      } else {
        // A virtual thread must not sit in epoll_wait: look, and if nothing is ready, park until
        // the epoll descriptor itself becomes readable, then look again.
        n = epollWait(0);
        if (n == 0 && !Thread.currentThread().isInterrupted()) {
          RaceHooks.at(RaceHooks.Point.SELECT_PARK);
          Waiter.current().await(epfd, LinuxConstants.POLLIN, remainingNanos);
          n = epollWait(0);
        }
      }
      if (n > 0 || (n == 0 && remainingNanos == 0) || Thread.currentThread().isInterrupted()) {
        return Math.max(n, 0);
      }
      // EINTR, a spurious unpark, or a timed wait that ended early: wait for the time left
    }
  }

  /** One {@code epoll_wait}; returns the number of events, or -1 when a signal interrupted it. */
  private int epollWait(int timeoutMillis) throws IOException {
    int n =
        RaceHooks.at(RaceHooks.Point.SELECT_EPOLL_WAIT)
            ? -Errno.EINTR
            : LibC.epoll_wait(waitState, epfd, events, MAX_EVENTS, timeoutMillis);
    if (n < 0) {
      if (-n == Errno.EINTR) {
        return -1;
      }
      throw Errno.exception(-n, "epoll_wait");
    }
    return n;
  }

  private int processEvents(int n, Consumer<SelectionKey> action) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      long at = i * EPOLL_EVENT_SIZE;
      int fd = (int) events.get(JAVA_LONG_UNALIGNED, at + EPOLL_EVENT_DATA);
      if (fd == wakeFd || fd >= keysByFd.length) {
        continue;
      }
      EPollSelectionKey key = keysByFd[fd];
      if (key == null || !key.isValid()) {
        continue;
      }
      int epollEvents = events.get(JAVA_INT_UNALIGNED, at + EPOLL_EVENT_EVENTS);
      int ready = Readiness.readyOps(epollEvents, key.currentInterestOps());
      if (action != null) {
        // As the JDK's selectors: the ready set is replaced, also by nothing (an event for an
        // operation no longer of interest), and the action runs when something is ready
        key.setReadyOps(ready);
        if (ready != 0) {
          action.accept(key);
          ensureOpen();
          count++;
        }
      } else if (ready == 0) {
        if (!selectedKeys.contains(key)) {
          key.setReadyOps(0); // as the JDK: an unselected key's ready set is replaced
        }
      } else if (selectedKeys.contains(key)) {
        // A key already selected keeps what it had and gains what is new; on an error or hang-up
        // its ready set becomes the interest set, as the JDK's selectors do.
        int old = key.readyOps();
        int now = Readiness.hungUp(epollEvents) ? ready : old | ready;
        key.setReadyOps(now);
        if ((now & ~old) != 0) {
          count++;
        }
      } else {
        key.setReadyOps(ready);
        selectedKeys.select(key);
        count++;
      }
    }
    return count;
  }

  // -- wakeup and close ---------------------------------------------------------------------

  @Override
  public Selector wakeup() {
    synchronized (wakeLock) {
      if (!wakeupPending && wakeHandle.acquire()) {
        try {
          MemorySegment one = MemorySegment.ofArray(new long[] {1});
          LibC.write(CallState.heap(), wakeFd, one, 8);
          wakeupPending = true;
        } finally {
          wakeHandle.release();
        }
      }
    }
    return this;
  }

  private void clearWakeup() {
    synchronized (wakeLock) {
      if (wakeupPending && wakeHandle.acquire()) {
        try {
          LibC.read(CallState.heap(), wakeFd, wakeValue, 8);
          wakeupPending = false;
        } finally {
          wakeHandle.release();
        }
      }
    }
  }

  @Override
  protected void implCloseSelector() throws IOException {
    wakeup();
    synchronized (this) {
      synchronized (selectedKeys) {
        // Every key goes, cancelled or not, as the JDK's selectors do: cancelling them first would
        // miss a key that another thread is cancelling at this moment (cancel() invalidates a key
        // before it queues it), and its descriptor would never be released.
        processCancelledKeys();
        for (SelectionKey key : keys) {
          deregister((EPollSelectionKey) key);
        }
        wakeHandle.close();
        epHandle.close();
        arena.close();
      }
    }
  }

  @Override
  public String toString() {
    return "EPollSelector[epfd=" + epfd + (isOpen() ? "" : ", closed") + "]";
  }
}
