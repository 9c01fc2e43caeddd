package io.socketpair4j.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.UnixSocketPair;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor of the scaled sample for any java.lang.foreign implementation, and where between it and
 * socketpair4j the time goes: the protocol of {@link ScaledSample} and of the C reference ({@code
 * reference sample}) on platform threads, with either side made of system calls called straight
 * through java.lang.foreign ({@link RawSocketPair}, {@code epoll_wait(2)}) and nothing a channel or
 * selector adds. Not part of {@code ./socketpair-bench}: run it alone, interleaved with the C
 * reference and {@code ScaledSample NATIVE}, when the platform-thread sample needs explaining:
 *
 * <pre>java -cp benchmarks.jar io.socketpair4j.bench.RawScaledSample P R ROUNDS [SIDES]</pre>
 *
 * where SIDES is {@code RAW} (both sides raw, the default), {@code NATIVE_CLIENTS} (the clients
 * read and write blocking {@link UnixSocketChannel}s; the echoing side is raw) or {@code
 * NATIVE_SELECTOR} (the clients are raw; the echoing side is socketpair4j's selector and
 * non-blocking channels). It prints the median round trips per second over ROUNDS runs (after one
 * run of warm-up) and the context switches per round trip, as {@link ScaledSample} does.
 */
public final class RawScaledSample {
  /** Which sides of the sample are raw system calls. */
  enum Sides {
    RAW,
    NATIVE_CLIENTS,
    NATIVE_SELECTOR
  }

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
    Sides sides = args.length > 3 ? Sides.valueOf(args[3]) : Sides.RAW;
    ScaledSample.printMedians(rounds, () -> run(pairs, repetitions, sides));
  }

  /** One pair: descriptor numbers for the raw side, channels for socketpair4j's side. */
  private record Pair(int serverFd, int clientFd, UnixSocketPair channels) implements Closeable {
    static Pair open(Sides sides) throws IOException {
      if (sides == Sides.RAW) {
        RawSocketPair p = RawSocketPair.open();
        return new Pair(p.first(), p.second(), null);
      }
      UnixSocketPair p = UnixSocketPair.open();
      // the numbers are used only while the pair is open (it is closed after the clients ended)
      return new Pair(p.first().fd(), p.second().fd(), p);
    }

    @Override
    public void close() throws IOException {
      if (channels != null) {
        channels.close();
      } else {
        int a;
        int b;
        try {
          a = (int) CLOSE.invokeExact(serverFd);
          b = (int) CLOSE.invokeExact(clientFd);
        } catch (Throwable t) {
          throw new IOException("close", t);
        }
        if (a != 0 || b != 0) {
          throw new IOException("close failed");
        }
      }
    }
  }

  static ScaledSample.Run run(int pairs, int repetitions, Sides sides) throws Throwable {
    List<Pair> made = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (Arena arena = Arena.ofConfined()) {
      for (int i = 0; i < pairs; i++) {
        made.add(Pair.open(sides));
      }
      Echo echo =
          sides == Sides.NATIVE_SELECTOR ? new SelectorEcho(made) : new RawEcho(made, arena);
      try (echo) {
        ContextSwitches.Count before = ContextSwitches.now();
        long start = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
          Pair p = made.get(i);
          long id = i;
          clients.add(
              Thread.ofPlatform()
                  .name("client-" + i)
                  .daemon()
                  .start(
                      () -> {
                        try {
                          if (sides == Sides.NATIVE_CLIENTS) {
                            client(p.channels().second(), id, repetitions);
                          } else {
                            client(p.clientFd(), id, repetitions);
                          }
                        } catch (Throwable t) {
                          failure.compareAndSet(null, t);
                        }
                      }));
        }
        long total = (long) pairs * repetitions;
        long echoed = 0;
        while (echoed < total) {
          if (failure.get() != null) {
            throw new IllegalStateException("a client failed", failure.get());
          }
          echoed += echo.echoReady();
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
      }
    } finally {
      for (Pair p : made) {
        p.close(); // a client still blocked in a read then reads end of stream and stops
      }
      for (Thread t : clients) {
        t.join();
      }
    }
  }

  /** The echoing side: waits for readable ends, echoes 8 bytes on each. */
  private interface Echo extends Closeable {
    /** Waits, echoes what is ready; returns the number of messages echoed. */
    long echoReady() throws Throwable;
  }

  /** {@code epoll_wait}, {@code read} and {@code write} called straight. */
  private static final class RawEcho implements Echo {
    private final int epoll;
    private final int[] serverFds;
    private final MemorySegment events;
    private final MemorySegment buf;

    RawEcho(List<Pair> pairs, Arena arena) throws Throwable {
      epoll = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
      if (epoll < 0) {
        throw new IOException("epoll_create1 failed");
      }
      serverFds = new int[pairs.size()];
      MemorySegment event = arena.allocate(EVENT_SIZE);
      for (int i = 0; i < serverFds.length; i++) {
        serverFds[i] = pairs.get(i).serverFd();
        event.set(JAVA_INT, 0, EPOLLIN);
        event.set(JAVA_INT_UNALIGNED, 4, i); // data.u32: the pair's index
        if ((int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, serverFds[i], event) != 0) {
          close();
          throw new IOException("epoll_ctl failed");
        }
      }
      events = arena.allocate(EVENT_SIZE * MAX_EVENTS);
      buf = arena.allocate(8);
    }

    @Override
    public long echoReady() throws Throwable {
      int n = (int) EPOLL_WAIT.invokeExact(epoll, events, MAX_EVENTS, -1);
      for (int k = 0; k < n; k++) {
        int fd = serverFds[events.get(JAVA_INT_UNALIGNED, EVENT_SIZE * k + 4)];
        // 8 bytes are written at once, so they arrive together, as the C reference assumes
        if (RawSocketPair.read(fd, buf) != 8 || RawSocketPair.write(fd, buf) != 8) {
          throw new IOException("short read or write");
        }
      }
      return Math.max(n, 0);
    }

    @Override
    public void close() throws IOException {
      try {
        int ignored = (int) CLOSE.invokeExact(epoll);
      } catch (Throwable t) {
        throw new IOException("close", t);
      }
    }
  }

  /** socketpair4j's selector and non-blocking channels, as in {@link ScaledSample}. */
  private static final class SelectorEcho implements Echo {
    private final Selector selector;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(8);

    SelectorEcho(List<Pair> pairs) throws IOException {
      selector = pairs.getFirst().channels().first().provider().openSelector();
      for (Pair p : pairs) {
        UnixSocketChannel server = p.channels().first();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_READ);
      }
    }

    @Override
    public long echoReady() throws IOException {
      long echoed = 0;
      selector.select();
      for (SelectionKey key : selector.selectedKeys()) {
        UnixSocketChannel end = (UnixSocketChannel) key.channel();
        buf.clear();
        if (end.read(buf) != 8 || end.write(buf.flip()) != 8) {
          throw new IOException("short read or write");
        }
        echoed++;
      }
      selector.selectedKeys().clear();
      return echoed;
    }

    @Override
    public void close() throws IOException {
      selector.close();
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

  private static void client(UnixSocketChannel end, long id, int repetitions) throws IOException {
    ByteBuffer out = ByteBuffer.allocateDirect(8);
    ByteBuffer in = ByteBuffer.allocateDirect(8);
    for (int r = 0; r < repetitions; r++) {
      long v = id << 32 | r;
      out.clear().putLong(0, v);
      in.clear();
      if (end.write(out) != 8 || end.read(in) != 8) { // 8 bytes go and come at once
        throw new IOException("client " + id + ": short write or read");
      }
      if (in.getLong(0) != v) {
        throw new IllegalStateException("client " + id + ": wrong echo");
      }
    }
  }
}
