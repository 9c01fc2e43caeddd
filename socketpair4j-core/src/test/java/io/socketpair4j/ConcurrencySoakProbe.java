package io.socketpair4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Run in a child JVM by {@link ConcurrencySoakTest} (issue 9): platform and virtual threads doing
 * random reads, writes, closes, shutdowns, interrupts, selects and registrations on a few shared
 * native pairs for {@code socketpair4j.soak.seconds} (default 50).
 *
 * <p>Eight workers (four platform, four virtual threads) pick a pair and an end at random and read,
 * write (single, scattering and gathering, heap and direct buffers), change the blocking mode,
 * register with a selector, cancel a key or change its interest, wake a selector, shut down input
 * or output, close an end or the pair, interrupt another thread, or replace a pair that has a
 * closed end with a fresh one (so the soak keeps going). Two selector threads (one platform, one
 * virtual) each own a selector: they select in every form, read and write without blocking on the
 * keys selected, register, cancel keys found in {@code keys()}, now and then close their selector
 * and open another, and sometimes take a worker's step. Should every thread be blocked at once for
 * a second (a reader waiting for a lock that configureBlocking holds while it waits for a writer
 * whose peer nobody reads, ...), the main thread interrupts one that is in a call. Checks:
 *
 * <ul>
 *   <li>the JVM survives (the test sees the exit status);
 *   <li>every byte read on an end was written on its peer, in order: byte {@code i} of each stream
 *       is {@link #f f(i)}; one thread at a time writes to an end, one reads from it (a turn lock
 *       of the probe's own), and each counts what the buffers' positions advanced, also when the
 *       call threw; no read gets past the end of the writes begun on the peer;
 *   <li>a write or read returns what the positions advanced; a scattering read leaves no gap;
 *   <li>a channel with a valid key of a selector is never in blocking mode;
 *   <li>only the exceptions the contracts allow are thrown (closed channel or selector, cancelled
 *       key, blocking mode, broken pipe, connection reset);
 *   <li>a read in blocking mode (the mode unchanged during the call) does not return 0;
 *   <li>no thread is still inside a call on a channel or selector {@value #BLOCKED_BOUND_SECONDS} s
 *       after it, or the channel's peer, was seen closed, during the soak and when everything is
 *       closed at the end (every thread is joined with that bound; stacks are printed otherwise);
 *   <li>{@code /proc/self/fd} is back where it started once everything is closed: sockets and epoll
 *       descriptors exactly, eventfds within the start plus the 64 idle ones the library may keep
 *       for platform-thread waits (taken after a warm-up that started the library's pollers).
 * </ul>
 *
 * <p>Prints the count of every operation and outcome; exits with 0, or with 1 after printing each
 * failed check (the first 20). Should the soak itself hang, a watchdog prints every thread's stack
 * and halts with 3. {@code socketpair4j.soak.seed} repeats the random choices of a run (not its
 * thread scheduling).
 */
public final class ConcurrencySoakProbe {
  private static final int SLOTS = 4;
  private static final int PLATFORM_WORKERS = 4;
  private static final int VIRTUAL_WORKERS = 4;
  private static final int MAX_TRANSFER = 128 * 1024;
  private static final long BLOCKED_BOUND_SECONDS = 20;
  private static final int IDLE_EVENTFDS = 64; // documented pool of the library's waits

  private final AtomicReferenceArray<Pair> slots = new AtomicReferenceArray<>(SLOTS);
  private final List<Actor> actors = new ArrayList<>();
  private final List<Selecting> selecting = new ArrayList<>();
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger pairIds = new AtomicInteger();
  private volatile boolean stop;

  // Every pair and selector ever opened, so that all are closed at the end; none opened after.
  private final ReentrantLock registry = new ReentrantLock();
  private final List<UnixSocketPair> opened = new ArrayList<>();
  private final List<Selector> selectorsOpened = new ArrayList<>();
  private boolean closedAll;

  private ConcurrencySoakProbe() {}

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    long seconds = Long.getLong("socketpair4j.soak.seconds", 50);
    long seed = Long.getLong("socketpair4j.soak.seed", System.nanoTime());
    System.out.println("soak: " + seconds + " s, seed " + seed);
    new ConcurrencySoakProbe().run(seconds, seed);
  }

  private void run(long seconds, long seed) throws Exception {
    warmUp();
    Descriptors before = Descriptors.now();
    System.out.println("descriptors before: " + before);

    for (int i = 0; i < SLOTS; i++) {
      slots.set(i, openPair());
    }
    Random seeds = new Random(seed);
    for (int i = 0; i < PLATFORM_WORKERS + VIRTUAL_WORKERS; i++) {
      boolean virtual = i >= PLATFORM_WORKERS;
      actors.add(new Actor((virtual ? "virtual-" : "platform-") + i, virtual, seeds.nextLong()));
    }
    for (boolean virtual : new boolean[] {false, true}) {
      Selecting s =
          new Selecting(
              (virtual ? "virtual" : "platform") + "-selector", virtual, seeds.nextLong());
      selecting.add(s);
      actors.add(s);
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    Thread main = Thread.currentThread();
    Thread.ofPlatform()
        .daemon()
        .name("soak-watchdog")
        .start(
            () -> watchdog(main, deadline + TimeUnit.SECONDS.toNanos(2 * BLOCKED_BOUND_SECONDS)));
    for (Actor a : actors) {
      a.create();
    }
    for (Actor a : actors) {
      a.thread.start();
    }
    watch(deadline, new Random(seeds.nextLong())); // until the deadline or the first failure
    stop = true;
    // Closing may itself hang (a deadlock in the library): it runs on a thread of its own, joined
    // with the same bound as the others.
    long closed = System.nanoTime();
    Thread closer = Thread.ofPlatform().name("soak-closer").start(this::closeEverything);
    List<Actor> stuck = new ArrayList<>();
    long bound = closed + TimeUnit.SECONDS.toNanos(BLOCKED_BOUND_SECONDS);
    if (!closer.join(java.time.Duration.ofNanos(Math.max(bound - System.nanoTime(), 1)))) {
      failures.add(
          "closing every pair and selector did not end in "
              + BLOCKED_BOUND_SECONDS
              + " s:"
              + stack(closer));
    }
    for (Actor a : actors) {
      if (!a.thread.join(java.time.Duration.ofNanos(Math.max(bound - System.nanoTime(), 1)))) {
        stuck.add(a);
      }
    }
    for (Actor a : stuck) {
      failures.add(
          a.name
              + " still running "
              + BLOCKED_BOUND_SECONDS
              + " s after every channel and selector was closed, in "
              + a.doing
              + ":"
              + stack(a.thread));
    }
    System.out.printf("soak ran %.1f s%n", (closed - start) / 1e9);
    printCounts();

    if (stuck.isEmpty() && !closer.isAlive()) {
      Descriptors after = Descriptors.now();
      System.out.println("descriptors after:  " + after);
      if (after.sockets != before.sockets) {
        failures.add(
            "sockets open: "
                + before.sockets
                + " before, "
                + after.sockets
                + " after; still open: "
                + stillOpen());
      }
      if (after.epolls != before.epolls) {
        failures.add("epoll descriptors: " + before.epolls + " before, " + after.epolls + " after");
      }
      if (after.eventfds > before.eventfds + IDLE_EVENTFDS) {
        failures.add(
            "eventfds: "
                + before.eventfds
                + " before, "
                + after.eventfds
                + " after (more than 64 idle)");
      }
      for (String essential :
          List.of(
              "read: bytes verified",
              "write: bytes written",
              "close end: ok",
              "interrupt: ok",
              "select: keys processed",
              "register: ok",
              "shutdownOutput: ok",
              "replace: ok")) {
        if (counted(essential) == 0) {
          failures.add("nothing counted as '" + essential + "': the soak did not exercise it");
        }
      }
    }
    if (!failures.isEmpty()) {
      failures.stream().limit(20).forEach(f -> System.out.println("FAILED: " + f));
      System.out.flush();
      System.exit(1);
    }
    System.out.println("soak: all checks passed");
  }

  // -- pairs and streams ------------------------------------------------------------------------

  /** A pair with the state of its two streams. */
  /** What a change of blocking mode adds to {@link Pair#mode} when it begins. */
  static final long MODE_CHANGE_BEGUN = 1L << 32;

  private static final class Pair {
    final int id;
    final UnixSocketPair pair;
    final Stream firstToSecond = new Stream();
    final Stream secondToFirst = new Stream();
    // odd while a thread changes an end's blocking mode: a read that sees the same even value
    // before and after knows the mode it saw was the mode of the call
    final AtomicLong firstMode = new AtomicLong();
    final AtomicLong secondMode = new AtomicLong();

    Pair(int id, UnixSocketPair pair) {
      this.id = id;
      this.pair = pair;
    }

    SocketChannel end(boolean first) {
      return first ? pair.first() : pair.second();
    }

    /** The stream that {@code end} writes. */
    Stream out(SocketChannel end) {
      return end == pair.first() ? firstToSecond : secondToFirst;
    }

    /** The stream that {@code end} reads. */
    Stream in(SocketChannel end) {
      return end == pair.first() ? secondToFirst : firstToSecond;
    }

    SocketChannel peer(SocketChannel end) {
      return end == pair.first() ? pair.second() : pair.first();
    }

    /**
     * Changes of {@code end}'s blocking mode: the count begun (in units of {@link
     * #MODE_CHANGE_BEGUN}) and the count ended (the low half).
     */
    AtomicLong mode(SocketChannel end) {
      return end == pair.first() ? firstMode : secondMode;
    }

    String name(SocketChannel end) {
      return "pair " + id + (end == pair.first() ? " first" : " second");
    }
  }

  /** One direction of a pair: byte i written is f(i). */
  private static final class Stream {
    final ReentrantLock writeTurn = new ReentrantLock();
    final ReentrantLock readTurn = new ReentrantLock();
    volatile long written; // bytes the writes' positions advanced; under writeTurn
    volatile long offered; // the end of the furthest write begun
    long read; // under readTurn
    boolean wrong; // a wrong byte was read (and reported); under readTurn
  }

  /** Byte {@code i} of every stream. */
  static byte f(long i) {
    long z = i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return (byte) (z ^ (z >>> 31));
  }

  /** A new pair, or null once everything was closed at the end. */
  private Pair openPair() throws IOException {
    registry.lock();
    try {
      if (closedAll) {
        return null;
      }
      UnixSocketPair p = UnixSocketPair.open();
      opened.add(p);
      count("pairs opened");
      return new Pair(pairIds.incrementAndGet(), p);
    } finally {
      registry.unlock();
    }
  }

  /** A new selector, or null once everything was closed at the end. */
  private Selector openSelector() throws IOException {
    registry.lock();
    try {
      if (closedAll) {
        return null;
      }
      Selector s = UnixSelectorProvider.provider().openSelector();
      selectorsOpened.add(s);
      count("selectors opened");
      return s;
    } finally {
      registry.unlock();
    }
  }

  private void closeEverything() {
    registry.lock();
    try {
      closedAll = true;
      for (UnixSocketPair p : opened) {
        try {
          p.close();
        } catch (IOException e) {
          failures.add("closing a pair at the end: " + e);
        }
      }
      for (Selector s : selectorsOpened) {
        try {
          s.close();
        } catch (IOException e) {
          failures.add("closing a selector at the end: " + e);
        }
      }
    } finally {
      registry.unlock();
    }
  }

  // -- the actors ---------------------------------------------------------------------------------

  /** A thread doing random operations until the soak stops. */
  private class Actor {
    final String name;
    final boolean virtual;
    final Random random;
    final byte[] heap = new byte[MAX_TRANSFER];
    final ByteBuffer direct = ByteBuffer.allocateDirect(MAX_TRANSFER);
    Thread thread;

    // what the thread is in: a channel or selector (for the liveness watch), and since which op
    volatile Object inUse;
    volatile SocketChannel inPeer;
    volatile long opSeq;
    volatile String doing = "nothing";

    Actor(String name, boolean virtual, long seed) {
      this.name = name;
      this.virtual = virtual;
      this.random = new Random(seed);
    }

    void create() {
      Runnable body =
          () -> {
            try {
              while (!stop) {
                step();
                if (Thread.interrupted()) {
                  count("interrupt status cleared");
                }
              }
            } catch (Throwable t) {
              fail(name + " failed", t);
            }
          };
      thread =
          virtual
              ? Thread.ofVirtual().name(name).unstarted(body)
              : Thread.ofPlatform().name(name).unstarted(body);
    }

    /** One random operation of a worker. */
    void step() throws IOException {
      int slot = random.nextInt(SLOTS);
      Pair p = slots.get(slot);
      SocketChannel ch = p.end(random.nextBoolean());
      int r = random.nextInt(1000);
      if (r < 330) {
        read(p, ch);
      } else if (r < 660) {
        write(p, ch);
      } else if (r < 700) {
        configureBlocking(p, ch, random.nextBoolean());
      } else if (r < 760) {
        Selector s = selecting.get(random.nextInt(selecting.size())).selector;
        if (s != null) {
          register(p, ch, s);
        }
      } else if (r < 800) {
        Selector s = selecting.get(random.nextInt(selecting.size())).selector;
        if (s != null) {
          SelectionKey key = ch.keyFor(s);
          if (key != null) {
            cancelOrChange(key);
          }
        }
      } else if (r < 830) {
        Selector s = selecting.get(random.nextInt(selecting.size())).selector;
        if (s != null) {
          s.wakeup();
          count("wakeup: ok");
        }
      } else if (r < 845) {
        shutdown(p, ch, random.nextBoolean());
      } else if (r < 855) {
        close(ch);
      } else if (r < 860) {
        closePair(p);
      } else if (r < 890) {
        interruptSomeone();
      } else {
        replace(slot);
      }
    }

    // -- reads and writes ------------------------------------------------------------------

    /** Buffers for {@code total} bytes: one, or several heap and direct ones, maybe empty ones. */
    ByteBuffer[] buffers(int total) {
      int parts = random.nextInt(3) == 0 ? 2 + random.nextInt(4) : 1;
      ByteBuffer[] buffers = new ByteBuffer[parts];
      int heapAt = 0;
      int directAt = 0;
      int left = total;
      for (int i = 0; i < parts; i++) {
        int size = i == parts - 1 ? left : random.nextInt(left + 1);
        left -= size;
        if (random.nextBoolean()) {
          buffers[i] = ByteBuffer.wrap(heap, heapAt, size); // position heapAt, not 0
          heapAt += size;
        } else {
          buffers[i] = direct.slice(directAt, size);
          directAt += size;
        }
      }
      return buffers;
    }

    int transferSize() {
      int r = random.nextInt(100);
      if (r < 50) {
        return 1 + random.nextInt(512);
      }
      if (r < 85) {
        return 1 + random.nextInt(16 * 1024);
      }
      return 1 + random.nextInt(MAX_TRANSFER);
    }

    void read(Pair p, SocketChannel ch) {
      Stream s = p.in(ch);
      if (!s.readTurn.tryLock()) {
        count("read: turn taken");
        return;
      }
      try {
        ByteBuffer[] buffers = buffers(transferSize());
        int[] starts = positions(buffers);
        long start = s.read;
        long epoch = p.mode(ch).get();
        String mode = ch.isBlocking() ? "blocking" : "non-blocking";
        long n = 0;
        Throwable thrown = null;
        begin(ch, p.peer(ch), "read " + mode);
        try {
          n = buffers.length == 1 ? ch.read(buffers[0]) : ch.read(buffers);
        } catch (Throwable t) {
          thrown = t;
        } finally {
          end();
        }
        // No change of the mode was under way when the read began, and none began during it.
        // (Counts of changes begun, high half, and ended, low half: parity alone is not enough
        // when two threads change the mode of one channel at once.)
        boolean modeHeld = epoch >>> 32 == (epoch & 0xffffffffL) && p.mode(ch).get() == epoch;
        if (thrown == null && n == 0 && mode.equals("blocking") && modeHeld) {
          failures.add(
              String.format(
                  "%s: a read in blocking mode returned 0 (it had room for bytes); %s thread,"
                      + " %d buffers, channel %s after it, interrupt status %b",
                  p.name(ch),
                  virtual ? "virtual" : "platform",
                  buffers.length,
                  ch.isOpen() ? "open" : "closed",
                  Thread.currentThread().isInterrupted()));
        }
        long advanced = verifyRead(p, ch, buffers, starts, start);
        s.read = start + advanced;
        count("read: bytes verified", advanced);
        if (start + advanced > s.offered) {
          failures.add(
              p.name(ch)
                  + " read up to byte "
                  + (start + advanced)
                  + ", past the end of the writes begun on its peer ("
                  + s.offered
                  + ")");
        }
        if (thrown == null && n != advanced && !(n == -1 && advanced == 0)) {
          failures.add(p.name(ch) + ": read returned " + n + ", positions advanced " + advanced);
        }
        outcome("read " + mode, n, thrown, IO_EXCEPTIONS);
      } finally {
        s.readTurn.unlock();
      }
    }

    /**
     * Checks the bytes the read put in the buffers (the first wrong byte of a stream is reported,
     * later ones of the same stream are not); returns how many it put.
     */
    long verifyRead(Pair p, SocketChannel ch, ByteBuffer[] buffers, int[] starts, long start) {
      Stream s = p.in(ch);
      long k = 0;
      int last = -1;
      for (int b = 0; b < buffers.length; b++) {
        if (buffers[b].position() > starts[b]) {
          last = b;
        }
      }
      for (int b = 0; b <= last; b++) {
        ByteBuffer buf = buffers[b];
        if (b < last && buf.hasRemaining()) {
          failures.add(p.name(ch) + ": a scattering read left buffer " + b + " unfilled");
        }
        for (int i = starts[b]; i < buf.position(); i++, k++) {
          if (buf.get(i) != f(start + k) && !s.wrong) {
            s.wrong = true;
            failures.add(
                String.format(
                    "%s read byte %d of its stream as 0x%02x, its peer wrote 0x%02x",
                    p.name(ch), start + k, buf.get(i) & 0xff, f(start + k) & 0xff));
          }
        }
      }
      return k;
    }

    void write(Pair p, SocketChannel ch) {
      Stream s = p.out(ch);
      if (!s.writeTurn.tryLock()) {
        count("write: turn taken");
        return;
      }
      try {
        long start = s.written;
        int total = transferSize();
        ByteBuffer[] buffers = buffers(total);
        long k = start;
        for (ByteBuffer b : buffers) {
          for (int i = b.position(); i < b.limit(); i++) {
            b.put(i, f(k++));
          }
        }
        int[] starts = positions(buffers);
        s.offered = start + total;
        String mode = ch.isBlocking() ? "blocking" : "non-blocking";
        long n = 0;
        Throwable thrown = null;
        begin(ch, p.peer(ch), "write " + mode);
        try {
          n = buffers.length == 1 ? ch.write(buffers[0]) : ch.write(buffers);
        } catch (Throwable t) {
          thrown = t;
        } finally {
          end();
        }
        long advanced = 0;
        for (int b = 0; b < buffers.length; b++) {
          advanced += buffers[b].position() - starts[b];
        }
        s.written = start + advanced;
        count("write: bytes written", advanced);
        if (thrown == null && n != advanced) {
          failures.add(p.name(ch) + ": write returned " + n + ", positions advanced " + advanced);
        }
        if (thrown == null && mode.equals("blocking") && advanced != total) {
          count("write blocking: returned partial");
        }
        outcome("write " + mode, n, thrown, IO_EXCEPTIONS);
      } finally {
        s.writeTurn.unlock();
      }
    }

    // -- everything else ---------------------------------------------------------------------

    void configureBlocking(Pair p, SocketChannel ch, boolean block) {
      begin(ch, p.peer(ch), "configureBlocking");
      p.mode(ch).addAndGet(MODE_CHANGE_BEGUN);
      try {
        ch.configureBlocking(block);
        count("configureBlocking(" + block + "): ok");
      } catch (Throwable t) {
        expect("configureBlocking(" + block + ")", t, MODE_EXCEPTIONS);
      } finally {
        p.mode(ch).incrementAndGet();
        end();
      }
    }

    void register(Pair p, SocketChannel ch, Selector s) {
      begin(ch, p.peer(ch), "register");
      try {
        p.mode(ch).addAndGet(MODE_CHANGE_BEGUN);
        try {
          ch.configureBlocking(false);
        } finally {
          p.mode(ch).incrementAndGet();
        }
        ch.register(s, randomOps(), p);
        count("register: ok");
      } catch (Throwable t) {
        expect("register", t, SELECTION_EXCEPTIONS);
      } finally {
        end();
      }
    }

    int randomOps() {
      return switch (random.nextInt(3)) {
        case 0 -> SelectionKey.OP_READ;
        case 1 -> SelectionKey.OP_WRITE;
        default -> SelectionKey.OP_READ | SelectionKey.OP_WRITE;
      };
    }

    void cancelOrChange(SelectionKey key) {
      try {
        if (random.nextBoolean()) {
          key.cancel();
          count("cancel: ok");
        } else {
          key.interestOps(randomOps());
          count("interestOps: ok");
        }
      } catch (Throwable t) {
        expect("cancel or interestOps", t, SELECTION_EXCEPTIONS);
      }
    }

    void shutdown(Pair p, SocketChannel ch, boolean input) {
      String op = input ? "shutdownInput" : "shutdownOutput";
      begin(ch, p.peer(ch), op);
      try {
        if (input) {
          ch.shutdownInput();
        } else {
          ch.shutdownOutput();
        }
        count(op + ": ok");
      } catch (Throwable t) {
        expect(op, t, CLOSED);
      } finally {
        end();
      }
    }

    void close(SocketChannel ch) {
      try {
        ch.close();
        count("close end: ok");
      } catch (Throwable t) {
        expect("close end", t, Set.of());
      }
    }

    void closePair(Pair p) {
      try {
        p.pair.close();
        count("close pair: ok");
      } catch (Throwable t) {
        expect("close pair", t, Set.of());
      }
    }

    void interruptSomeone() {
      Actor target = actors.get(random.nextInt(actors.size()));
      if (target != this) {
        target.thread.interrupt();
        count("interrupt: ok");
      }
    }

    /** Replaces the pair in {@code slot} with a fresh one if either end of it is closed. */
    void replace(int slot) throws IOException {
      Pair p = slots.get(slot);
      if (p.pair.first().isOpen() && p.pair.second().isOpen()) {
        count("replace: both ends open");
        return;
      }
      closePair(p);
      Pair fresh = openPair();
      if (fresh == null) {
        return; // the soak is over
      }
      if (slots.compareAndSet(slot, p, fresh)) {
        count("replace: ok");
      } else {
        fresh.pair.close();
        count("replace: lost the race");
      }
    }

    // -- bookkeeping ------------------------------------------------------------------------

    /**
     * Before a call on a channel (its peer given) or on a selector (no peer): from now on the watch
     * bounds the time it may take once either is closed.
     */
    void begin(Object channelOrSelector, SocketChannel peer, String what) {
      doing = what + " on " + channelOrSelector;
      opSeq++;
      inPeer = peer;
      inUse = channelOrSelector;
    }

    void end() {
      inUse = null;
      inPeer = null;
      doing = "nothing";
    }

    void outcome(String op, long n, Throwable thrown, Set<Class<?>> allowed) {
      if (thrown != null) {
        expect(op, thrown, allowed);
      } else {
        count(op + ": " + (n > 0 ? "transferred" : n == 0 ? "returned 0" : "returned -1"));
      }
    }

    /** Counts an exception the operation may throw; anything else is a failure. */
    void expect(String op, Throwable t, Set<Class<?>> allowed) {
      for (Class<?> c : allowed) {
        if (c.isInstance(t)) {
          count(op + ": " + t.getClass().getSimpleName());
          return;
        }
      }
      String message = String.valueOf(t.getMessage());
      if (allowed == IO_EXCEPTIONS
          && t instanceof IOException
          && (message.contains("Broken pipe") || message.contains("Connection reset"))) {
        count(op + ": " + t.getClass().getSimpleName() + " " + message);
        return;
      }
      fail(name + ": " + op + " threw what its contract does not allow", t);
    }
  }

  private static final Set<Class<?>> CLOSED = Set.of(ClosedChannelException.class);
  private static final Set<Class<?>> IO_EXCEPTIONS = Set.of(ClosedChannelException.class);
  private static final Set<Class<?>> MODE_EXCEPTIONS =
      Set.of(ClosedChannelException.class, IllegalBlockingModeException.class);
  private static final Set<Class<?>> SELECTION_EXCEPTIONS =
      Set.of(
          ClosedChannelException.class,
          ClosedSelectorException.class,
          CancelledKeyException.class,
          IllegalBlockingModeException.class);

  /**
   * A thread that owns a selector: selects in every way there is, does non-blocking reads and
   * writes on the keys selected, registers and cancels, now and then replaces its selector, and
   * takes a worker's step now and then.
   */
  private final class Selecting extends Actor {
    volatile Selector selector;

    Selecting(String name, boolean virtual, long seed) throws IOException {
      super(name, virtual, seed);
      selector = openSelector();
    }

    @Override
    void step() throws IOException {
      Selector s = selector;
      if (s == null) {
        return; // the soak is over
      }
      int r = random.nextInt(100);
      if (r < 60) {
        select(s);
      } else if (r < 72) {
        Pair p = slots.get(random.nextInt(SLOTS));
        SocketChannel ch = p.end(random.nextBoolean());
        if (!ch.isBlocking()) {
          register(p, ch, s);
        }
      } else if (r < 82) {
        List<SelectionKey> keys = new ArrayList<>();
        try {
          keys.addAll(s.keys());
        } catch (ClosedSelectorException e) {
          count("keys: ClosedSelectorException");
        }
        if (!keys.isEmpty()) {
          cancelOrChange(keys.get(random.nextInt(keys.size())));
        }
      } else if (r < 84) {
        try {
          s.close();
          count("selector close: ok");
        } catch (IOException e) {
          fail(name + ": closing its selector", e);
        }
        selector = openSelector();
      } else {
        super.step();
      }
    }

    void select(Selector s) {
      int r = random.nextInt(5);
      String op =
          switch (r) {
            case 0 -> "selectNow";
            case 1 -> "select(timeout)";
            case 2 -> "select()";
            case 3 -> "select(action, timeout)";
            default -> "selectNow(action)";
          };
      List<SelectionKey> chosen = new ArrayList<>();
      begin(s, null, op);
      try {
        int n =
            switch (r) {
              case 0 -> s.selectNow();
              case 1 -> s.select(1 + random.nextInt(50));
              case 2 -> s.keys().isEmpty() ? s.select(10) : s.select();
              case 3 -> s.select(chosen::add, 1 + random.nextInt(50));
              default -> s.selectNow(chosen::add);
            };
        count(op + (n > 0 ? ": keys selected" : ": none"));
        if (r < 3) {
          chosen.addAll(s.selectedKeys());
          s.selectedKeys().clear();
        }
      } catch (Throwable t) {
        expect(op, t, SELECTION_EXCEPTIONS);
      } finally {
        end();
      }
      for (SelectionKey key : chosen) {
        process(key);
      }
    }

    /** A non-blocking read or write on a selected key's channel. */
    void process(SelectionKey key) {
      SocketChannel ch = (SocketChannel) key.channel();
      Pair p = (Pair) key.attachment();
      if (ch.isBlocking()) {
        // Once its key is cancelled (even before it is deregistered) the channel may be made
        // blocking; while the key is valid it must not be. (A key once invalid stays invalid.)
        if (key.isValid() && ch.isOpen()) {
          failures.add(p.name(ch) + " has a valid key of a selector, yet is in blocking mode");
        } else {
          count("select: key cancelled, channel made blocking since");
        }
        return;
      }
      try {
        int ready = key.readyOps();
        count("select: keys processed");
        if ((ready & SelectionKey.OP_READ) != 0) {
          read(p, ch);
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
          write(p, ch);
        }
      } catch (CancelledKeyException e) {
        count("readyOps: CancelledKeyException");
      }
    }
  }

  // -- watching -------------------------------------------------------------------------------

  /**
   * Until the deadline (or a failure): every 100 ms, looks for a thread that is still in a call on
   * a channel or selector {@value #BLOCKED_BOUND_SECONDS} s after it (or the channel's peer) was
   * first seen closed. (A read whose peer closed ends with end of stream, a write with a broken
   * pipe.)
   */
  private void watch(long deadline, Random random) {
    Map<Actor, long[]> seenClosed = new java.util.HashMap<>(); // op sequence, first seen
    long progress = -1;
    long progressAt = System.nanoTime();
    while (System.nanoTime() - deadline < 0 && failures.isEmpty()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      long now = System.nanoTime();
      long ops = 0;
      for (Actor a : actors) {
        ops += a.opSeq;
      }
      if (ops != progress) {
        progress = ops;
        progressAt = now;
      } else if (now - progressAt > TimeUnit.SECONDS.toNanos(1)) {
        // Every thread can be blocked at once (a reader waits for a lock held by configureBlocking,
        // which waits for a writer whose peer nobody reads, ...): interrupt one that is in a call
        // (closing its channel) and wake the selectors, so that the soak goes on.
        List<Actor> inCalls = new ArrayList<>();
        for (Actor a : actors) {
          if (a.inUse != null) {
            inCalls.add(a);
          }
        }
        if (!inCalls.isEmpty()) {
          inCalls.get(random.nextInt(inCalls.size())).thread.interrupt();
        }
        for (Selecting s : selecting) {
          Selector selector = s.selector;
          if (selector != null) {
            selector.wakeup();
          }
        }
        count("watch: all threads stuck for 1 s, one interrupted");
        progressAt = now;
      }
      for (Actor a : actors) {
        long seq = a.opSeq;
        SocketChannel peer = a.inPeer;
        Object in = a.inUse;
        if (in == null || isOpen(in) && (peer == null || peer.isOpen())) {
          seenClosed.remove(a);
          continue;
        }
        long[] seen = seenClosed.get(a);
        if (seen == null || seen[0] != seq) {
          seenClosed.put(a, new long[] {seq, now});
        } else if (now - seen[1] > TimeUnit.SECONDS.toNanos(BLOCKED_BOUND_SECONDS)) {
          failures.add(
              a.name
                  + " still in "
                  + a.doing
                  + " "
                  + BLOCKED_BOUND_SECONDS
                  + " s after it or its peer was closed:"
                  + stack(a.thread));
        }
      }
    }
  }

  /** The channels opened whose descriptor numbers are still open sockets (numbers are reused). */
  private String stillOpen() throws IOException {
    // A number is reused only once it is free, so an open socket belongs to the last channel
    // opened with its number.
    Map<Integer, UnixSocketChannel> last = new TreeMap<>();
    for (UnixSocketPair p : opened) {
      last.put(p.first().fd(), p.first());
      last.put(p.second().fd(), p.second());
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Integer, UnixSocketChannel> e : last.entrySet()) {
      String target = TestSupport.fdTarget(e.getKey());
      if (target != null && target.startsWith("socket:")) {
        UnixSocketChannel ch = e.getValue();
        sb.append("\n\tfd ").append(e.getKey()).append(' ').append(target).append(" of ");
        sb.append(ch).append(ch.isRegistered() ? ", registered" : "");
      }
    }
    return sb.toString();
  }

  /**
   * The last resort, should the soak itself hang past {@code until} (the deadline and twice the
   * bound for blocked threads): prints where every thread is and halts with status 3.
   */
  private void watchdog(Thread main, long until) {
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
    StringBuilder sb = new StringBuilder("WATCHDOG: the soak did not end; main is in:");
    sb.append(stack(main));
    for (Actor a : actors) {
      sb.append('\n').append(a.name).append(" in ").append(a.doing).append(':');
      sb.append(stack(a.thread));
    }
    System.out.println(sb);
    printCounts();
    System.out.flush();
    Runtime.getRuntime().halt(3);
  }

  private static boolean isOpen(Object channelOrSelector) {
    return channelOrSelector instanceof Selector s
        ? s.isOpen()
        : ((SocketChannel) channelOrSelector).isOpen();
  }

  private static String stack(Thread t) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      sb.append("\n\tat ").append(e);
    }
    return sb.toString();
  }

  private void fail(String what, Throwable t) {
    java.io.StringWriter trace = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(trace));
    failures.add(what + ": " + trace);
  }

  private static int[] positions(ByteBuffer[] buffers) {
    int[] p = new int[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      p[i] = buffers[i].position();
    }
    return p;
  }

  private void count(String what) {
    count(what, 1);
  }

  private void count(String what, long n) {
    counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
  }

  private long counted(String what) {
    LongAdder a = counts.get(what);
    return a == null ? 0 : a.sum();
  }

  private void printCounts() {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    sorted.forEach((k, v) -> System.out.printf("  %-60s %,14d%n", k, v));
  }

  // -- descriptors ----------------------------------------------------------------------------

  /** What /proc/self/fd holds, by kind. */
  private record Descriptors(long sockets, long epolls, long eventfds, long others) {
    static Descriptors now() throws IOException {
      return new Descriptors(
          TestSupport.openSocketCount(),
          TestSupport.descriptors(t -> t.equals("anon_inode:[eventpoll]")),
          TestSupport.descriptors(t -> t.equals("anon_inode:[eventfd]")),
          TestSupport.descriptors(
              t ->
                  !t.startsWith("socket:")
                      && !t.equals("anon_inode:[eventpoll]")
                      && !t.equals("anon_inode:[eventfd]")));
    }
  }

  /**
   * Makes the library start what it starts once per JVM (the pollers of virtual-thread waits, the
   * pool of platform-thread wait eventfds) before the descriptors are counted: platform and virtual
   * threads wait to read and to write, and select, once each.
   */
  private static void warmUp() throws Exception {
    for (boolean virtual : new boolean[] {false, true}) {
      try (UnixSocketPair pair = UnixSocketPair.open();
          Selector selector = UnixSelectorProvider.provider().openSelector()) {
        Background<Integer> reader =
            Background.start(virtual, () -> pair.first().read(ByteBuffer.allocate(1)));
        reader.awaitBlocked();
        pair.second().write(ByteBuffer.wrap(new byte[] {1}));
        reader.get();

        pair.second().configureBlocking(false);
        long queued = TestSupport.fill(pair.second());
        pair.second().configureBlocking(true);
        Background<Integer> writer =
            Background.start(virtual, () -> pair.second().write(ByteBuffer.allocate(1)));
        writer.awaitBlocked();
        TestSupport.readFully(pair.first(), (int) queued + 1);
        writer.get();

        Background<Integer> selecting = Background.start(virtual, selector::select);
        selecting.awaitBlocked();
        selector.wakeup();
        selecting.get();
      }
    }
  }
}
