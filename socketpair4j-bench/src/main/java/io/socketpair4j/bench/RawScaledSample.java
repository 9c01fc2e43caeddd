package io.socketpair4j.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor of the scaled sample for any java.lang.foreign implementation: the protocol of {@link
 * ScaledSample} and of the C reference ({@code reference sample}), with the system calls made
 * straight through java.lang.foreign ({@link RawSocketPair}, {@code epoll_wait(2)}) and nothing a
 * channel or selector adds. Platform threads only. Not part of {@code ./socketpair-bench}: run it
 * alone, interleaved with the C reference and {@code ScaledSample}, when the platform-thread sample
 * needs explaining:
 *
 * <pre>java -cp benchmarks.jar io.socketpair4j.bench.RawScaledSample P R ROUNDS</pre>
 *
 * prints the median round trips per second over ROUNDS runs (after one run of warm-up) and the
 * context switches per round trip, as {@link ScaledSample} does.
 */
public final class RawScaledSample {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLLIN = 1;
  private static final long EVENT_SIZE = 12; // struct epoll_event is packed on x86_64
  private static final int MAX_EVENTS = 256;
  private static final MethodHandle EPOLL_CREATE1 =
      handle("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle EPOLL_CTL =
      handle("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EPOLL_WAIT =
      handle("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private RawScaledSample() {}

  private static MethodHandle handle(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
  }

  public static void main(String[] args) throws Throwable {
    int pairs = Integer.parseInt(args[0]);
    int repetitions = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    double[] rates = new double[rounds];
    double[] voluntary = new double[rounds];
    double[] involuntary = new double[rounds];
    for (int i = 0; i <= rounds; i++) {
      ScaledSample.Run run = run(pairs, repetitions);
      if (i > 0) {
        rates[i - 1] = run.rate();
        voluntary[i - 1] = run.switches().voluntary();
        involuntary[i - 1] = run.switches().involuntary();
      }
    }
    Arrays.sort(rates);
    Arrays.sort(voluntary);
    Arrays.sort(involuntary);
    ContextSwitches.PerTrip switches =
        new ContextSwitches.PerTrip(voluntary[rounds / 2], involuntary[rounds / 2]);
    System.out.println(rates[rounds / 2] + " " + switches.print());
  }

  static ScaledSample.Run run(int pairs, int repetitions) throws Throwable {
    List<RawSocketPair> made = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int epoll = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
    if (epoll < 0) {
      throw new IOException("epoll_create1 failed");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment event = arena.allocate(EVENT_SIZE);
      int[] serverFds = new int[pairs];
      for (int i = 0; i < pairs; i++) {
        RawSocketPair p = RawSocketPair.open();
        made.add(p);
        serverFds[i] = p.first();
        event.set(JAVA_INT, 0, EPOLLIN);
        event.set(JAVA_INT_UNALIGNED, 4, i); // data.u32: the pair's index
        if ((int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, p.first(), event) != 0) {
          throw new IOException("epoll_ctl failed");
        }
      }
      ContextSwitches.Count before = ContextSwitches.now();
      long start = System.nanoTime();
      for (int i = 0; i < pairs; i++) {
        int fd = made.get(i).second();
        long id = i;
        clients.add(
            Thread.ofPlatform()
                .name("client-" + i)
                .daemon()
                .start(
                    () -> {
                      try {
                        client(fd, id, repetitions);
                      } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                      }
                    }));
      }
      long total = (long) pairs * repetitions;
      long echoed = 0;
      MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS);
      MemorySegment buf = arena.allocate(8);
      while (echoed < total) {
        if (failure.get() != null) {
          throw new IllegalStateException("a client failed", failure.get());
        }
        int n = (int) EPOLL_WAIT.invokeExact(epoll, events, MAX_EVENTS, -1);
        for (int k = 0; k < n; k++) {
          int fd = serverFds[events.get(JAVA_INT_UNALIGNED, EVENT_SIZE * k + 4)];
          // 8 bytes are written at once, so they arrive together, as the C reference assumes
          if (RawSocketPair.read(fd, buf) != 8 || RawSocketPair.write(fd, buf) != 8) {
            throw new IOException("short read or write");
          }
          echoed++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      ContextSwitches.PerTrip switches =
          ContextSwitches.PerTrip.between(before, ContextSwitches.now(), total);
      for (Thread t : clients) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a client failed", failure.get());
      }
      return new ScaledSample.Run(total / seconds, switches);
    } finally {
      for (RawSocketPair p : made) {
        p.close(); // a client still blocked in read(2) then reads end of stream and stops
      }
      int ignored = (int) CLOSE.invokeExact(epoll);
      for (Thread t : clients) {
        t.join();
      }
    }
  }

  private static void client(int fd, long id, int repetitions) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(8);
      MemorySegment in = arena.allocate(8);
      for (int r = 0; r < repetitions; r++) {
        long v = id << 32 | r;
        out.set(JAVA_LONG, 0, v);
        if (RawSocketPair.write(fd, out) != 8 || RawSocketPair.read(fd, in) != 8) {
          throw new IOException("client " + id + ": short write or read");
        }
        if (in.get(JAVA_LONG, 0) != v) {
          throw new IllegalStateException("client " + id + ": wrong echo");
        }
      }
    }
  }
}
