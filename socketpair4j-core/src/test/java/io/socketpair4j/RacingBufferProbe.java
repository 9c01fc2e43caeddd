package io.socketpair4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run in a child JVM by {@link RacingBufferTest} (issue 9, point 2): reads and writes on a native
 * pair while another thread keeps moving the buffers' positions and limits at random.
 *
 * <p>Sharing a buffer between threads is the caller's bug, but it may give wrong data or an
 * exception at worst: the kernel must never be handed memory outside the buffer. So every buffer is
 * small and has canaries next to it: guard regions of {@value #GUARD} bytes in the same allocation
 * (the buffer is a slice of it), or separately allocated canary arrays or direct buffers just
 * before and after it. A write past a buffer lands in a canary (checked after each case and at the
 * end) or corrupts the JVM (it crashes, and the test sees it die). What the buffers being written
 * hold is all {@link #SEND}; a peer that receives any other byte was sent memory from outside them.
 *
 * <p>For each case (heap, direct, mixed, all-direct and all-heap arrays; reads and writes) it runs
 * {@code socketpair4j.racing.millis} milliseconds (default 2000) of hammering, with a peer thread
 * feeding or draining the other end. Besides the canaries it checks that no read returns more than
 * its buffers hold, or -1 while the peer is writing, and that no call fails with an I/O error. A
 * failed check is printed at once (a crash later does not hide it), each kind once a case. Then it
 * does ordinary work on a fresh pair, checks every canary again after a garbage collection, prints
 * what it counted and exits with 0, or with 1 when a check failed. {@code socketpair4j.racing.only}
 * (e.g. {@code "HEAP read"}) runs one case alone, to look into one.
 */
public final class RacingBufferProbe {
  private static final byte CANARY = (byte) 0xC5;
  private static final byte FEED = (byte) 0x3C; // all the peer writes, in the read cases
  private static final byte SEND = (byte) 0x5A; // all the buffers being written hold
  private static final int GUARD = 4096; // at least the largest buffer
  private static final int MIN_SIZE = 64;
  private static final int MAX_SIZE = 4096;

  enum Shape {
    HEAP,
    DIRECT,
    MIXED_ARRAY,
    DIRECT_ARRAY,
    HEAP_ARRAY;

    boolean single() {
      return this == HEAP || this == DIRECT;
    }

    /** Whether buffer {@code i} of this shape is direct. */
    boolean direct(int i) {
      return switch (this) {
        case HEAP, HEAP_ARRAY -> false;
        case DIRECT, DIRECT_ARRAY -> true;
        case MIXED_ARRAY -> i % 2 == 1;
      };
    }
  }

  // printed at once, so that a crash later does not hide them
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<Guarded> everyBuffer = new ArrayList<>(); // kept to the end, checked again
  private final Random random = new Random(Long.getLong("socketpair4j.racing.seed", 9));

  private RacingBufferProbe() {}

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    long millis = Long.getLong("socketpair4j.racing.millis", 2000);
    String only = System.getProperty("socketpair4j.racing.only", ""); // e.g. "HEAP read"
    RacingBufferProbe probe = new RacingBufferProbe();
    for (Shape shape : Shape.values()) {
      for (boolean write : new boolean[] {false, true}) {
        String name = shape + (write ? " write" : " read");
        if (only.isEmpty() || only.equals(name)) {
          probe.hammer(shape, write, millis);
        }
      }
    }
    probe.ordinaryWork();
    System.gc();
    probe.currentCase = "";
    probe.checkCanaries("at the end, after a garbage collection");
    if (!probe.failures.isEmpty()) {
      System.out.println(probe.failures.size() + " checks failed");
      System.exit(1);
    }
    System.out.println("racing buffers: all canaries intact; ordinary work afterwards: ok");
  }

  private volatile String currentCase = "";

  // the kinds of failed check already reported in this case (each is counted, reported once)
  private final Set<String> failedKinds = ConcurrentHashMap.newKeySet();

  private void failOnce(String kind, String failure) {
    if (failedKinds.add(kind)) {
      fail(failure + " (reported once a case)");
    }
  }

  private void fail(String failure) {
    failures.add(currentCase + failure);
    System.out.println("FAILED: " + currentCase + failure);
    System.out.flush();
  }

  /**
   * Hammers one shape of buffers, reading or writing, for {@code millis} or until its first failed
   * check.
   */
  private void hammer(Shape shape, boolean write, long millis) throws Exception {
    String name = shape + (write ? " write" : " read");
    currentCase = name + ": ";
    failedKinds.clear();
    // A single-buffer case alternates between two buffers: one a slice between guard regions, one
    // an allocation of its own between canary neighbours. An array mixes the two the same way.
    int count = shape.single() ? 2 : 3 + random.nextInt(3);
    Guarded[] guarded = new Guarded[count];
    ByteBuffer[] buffers = new ByteBuffer[count];
    long capacity = 0;
    for (int i = 0; i < count; i++) {
      int size = MIN_SIZE + random.nextInt(MAX_SIZE - MIN_SIZE + 1);
      guarded[i] = new Guarded(shape.direct(i), i % 2 == 0, size, write ? SEND : FEED);
      buffers[i] = guarded[i].buffer;
      capacity += size;
      everyBuffer.add(guarded[i]);
    }
    Counts counts = new Counts();
    UnixSocketPair pair = UnixSocketPair.open();
    SocketChannel io = pair.first();
    SocketChannel peer = pair.second();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long seed = random.nextLong();
    final long capacitySum = capacity;

    Background<Void> racer =
        Background.start(
            () -> {
              Random r = new Random(seed);
              while (System.nanoTime() - deadline < 0) {
                try {
                  move(buffers[r.nextInt(buffers.length)], r);
                  counts.add("racer: moves");
                } catch (RuntimeException e) {
                  counts.add("racer: " + e.getClass().getSimpleName());
                }
              }
              return null;
            });
    Background<Void> other =
        Background.start(write ? () -> drain(peer, counts) : () -> feed(peer, counts));
    Background<Void> caller =
        Background.start(
            () -> {
              Random r = new Random(~seed);
              while (System.nanoTime() - deadline < 0) {
                call(io, write, shape.single(), buffers, r, capacitySum, counts);
              }
              return null;
            });
    // The racer stops first, so that the last call can finish (its peer still feeds or drains).
    awaitEnd(name + " racer", racer);
    awaitEnd(name + " caller", caller);
    pair.close();
    awaitEnd(name + " peer", other);
    System.out.printf("%-18s %s%n", name, counts);
    System.gc(); // walks the heap: a heap the kernel wrote into is likely to crash it
    checkCanaries("after a garbage collection");
  }

  /** One read or write, single or scatter/gather, counting its outcome. */
  private void call(
      SocketChannel io,
      boolean write,
      boolean single,
      ByteBuffer[] buffers,
      Random r,
      long capacity,
      Counts counts) {
    ByteBuffer one = buffers[r.nextInt(buffers.length)];
    try {
      long n;
      if (write) {
        n = single ? io.write(one) : io.write(buffers);
      } else {
        n = single ? io.read(one) : io.read(buffers);
        long bound = single ? one.capacity() : capacity;
        if (n > bound) {
          failOnce(
              "too much", "a read returned " + n + ", more than its buffers hold (" + bound + ")");
        }
        if (n < 0) {
          // The peer keeps writing: a buffer with nothing left to fill reads 0, not end of stream.
          failOnce("-1", "a read returned -1 (end of stream) while the peer was still writing");
        }
      }
      counts.add(n > 0 ? "transferred" : n == 0 ? "returned 0" : "returned -1");
    } catch (RuntimeException e) {
      counts.add(e.getClass().getSimpleName()); // the racing's: allowed
    } catch (IOException e) {
      // Both ends are open and the peer feeds or drains: no I/O error is possible, unless the
      // kernel was handed a bad address (EFAULT).
      failOnce(e.toString(), (write ? "write: " : "read: ") + e);
    }
  }

  /** Moves {@code b}'s position or limit, as any thread may: to any value the buffer accepts. */
  private static void move(ByteBuffer b, Random r) {
    int capacity = b.capacity();
    switch (r.nextInt(6)) {
      case 0 -> b.position(r.nextInt(capacity + 1)); // rejected above the limit
      case 1 -> b.limit(r.nextInt(capacity + 1));
      case 2 -> b.clear();
      case 3 -> b.flip();
      case 4 -> b.position(r.nextInt(b.limit() + 1));
      default -> b.limit(capacity).position(r.nextInt(capacity + 1));
    }
  }

  /** Writes {@link #FEED} bytes to the peer until the pair is closed. */
  private static Void feed(SocketChannel peer, Counts counts) {
    ByteBuffer chunk = ByteBuffer.allocate(4096);
    Arrays.fill(chunk.array(), FEED);
    try {
      for (; ; ) {
        peer.write(chunk.clear());
        counts.add("peer: chunks fed");
      }
    } catch (IOException e) {
      return null; // closed at the end of the case
    }
  }

  /** Reads from the peer until the pair is closed; every byte must be one the buffers hold. */
  private Void drain(SocketChannel peer, Counts counts) {
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    long foreign = 0;
    String first = null;
    try {
      for (; ; ) {
        int n = peer.read(in.clear());
        if (n < 0) {
          break;
        }
        counts.add("peer: bytes drained", n);
        for (int i = 0; i < n; i++) {
          if (in.get(i) != SEND) {
            foreign++;
            if (first == null) {
              first = String.format("0x%02x", in.get(i) & 0xff);
            }
          }
        }
      }
    } catch (IOException e) {
      // closed at the end of the case
    }
    if (foreign > 0) {
      fail(
          "the peer received "
              + foreign
              + " bytes that no buffer held (first "
              + first
              + "): memory from outside the buffers was sent");
    }
    return null;
  }

  private void awaitEnd(String what, Background<Void> b) throws Exception {
    b.thread().join(TestSupport.PROMPTLY);
    if (b.thread().isAlive()) {
      StringBuilder stack = new StringBuilder();
      for (StackTraceElement e : b.thread().getStackTrace()) {
        stack.append("\n\tat ").append(e);
      }
      fail(what + " still running " + TestSupport.PROMPTLY + " after the end:" + stack);
      return;
    }
    try {
      b.get();
    } catch (Exception e) {
      fail(what + " failed: " + e);
    }
  }

  private void checkCanaries(String when) {
    for (Guarded g : everyBuffer) {
      String corruption = g.corruption();
      if (corruption != null && !g.reported) {
        g.reported = true; // once per buffer
        fail(when + ": " + corruption);
      }
    }
  }

  /** Round trips of known data on a fresh pair, heap and direct, both ways. */
  private void ordinaryWork() throws IOException {
    currentCase = "ordinary work: ";
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      for (int i = 0; i < 200; i++) {
        int size = 1 + random.nextInt(8192);
        byte[] data = TestSupport.pattern(size, i);
        SocketChannel from = i % 2 == 0 ? pair.first() : pair.second();
        SocketChannel to = i % 2 == 0 ? pair.second() : pair.first();
        ByteBuffer out =
            random.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(size);
        if (out.isDirect()) {
          out.put(data).flip();
        }
        from.write(out);
        ByteBuffer in =
            random.nextBoolean() ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        TestSupport.readInto(to, in);
        byte[] got = new byte[size];
        in.flip().get(got);
        if (!Arrays.equals(got, data)) {
          fail("ordinary round trip " + i + " (" + size + " bytes): wrong data");
        }
      }
    }
  }

  /** A small buffer with canaries next to it. */
  private static final class Guarded {
    final ByteBuffer buffer;
    private final ByteBuffer[] canaries;
    private final String description;
    boolean reported; // its corruption was reported

    /**
     * @param sliced a slice between two guard regions of one allocation; otherwise an allocation of
     *     its own, with separately allocated canaries made just before and just after it
     */
    Guarded(boolean direct, boolean sliced, int size, byte content) {
      description = (direct ? "direct" : "heap") + (sliced ? " sliced" : " separate") + " " + size;
      if (sliced) {
        ByteBuffer whole = allocate(direct, GUARD + size + GUARD);
        buffer = whole.slice(GUARD, size);
        fill(whole, CANARY);
        canaries = new ByteBuffer[] {whole.slice(0, GUARD), whole.slice(GUARD + size, GUARD)};
      } else {
        ByteBuffer before = allocate(direct, GUARD);
        buffer = allocate(direct, size);
        ByteBuffer after = allocate(direct, GUARD);
        fill(before, CANARY);
        fill(after, CANARY);
        canaries = new ByteBuffer[] {before, after};
      }
      fill(buffer, content);
    }

    private static ByteBuffer allocate(boolean direct, int size) {
      return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.wrap(new byte[size]);
    }

    private static void fill(ByteBuffer b, byte value) {
      for (int i = 0; i < b.capacity(); i++) {
        b.put(i, value);
      }
    }

    /** What was found changed in the canaries, or null. */
    String corruption() {
      for (int c = 0; c < canaries.length; c++) {
        ByteBuffer canary = canaries[c];
        for (int i = 0; i < canary.capacity(); i++) {
          if (canary.get(i) != CANARY) {
            return String.format(
                "the canary %s the %s buffer was overwritten at byte %d (0x%02x)",
                c == 0 ? "before" : "after", description, i, canary.get(i) & 0xff);
          }
        }
      }
      return null;
    }
  }

  /** Outcomes counted by name, printed sorted. */
  private static final class Counts {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String what) {
      add(what, 1);
    }

    void add(String what, long n) {
      counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
    }

    @Override
    public String toString() {
      Map<String, Long> sorted = new TreeMap<>();
      counts.forEach((k, v) -> sorted.put(k, v.sum()));
      return sorted.toString();
    }
  }
}
