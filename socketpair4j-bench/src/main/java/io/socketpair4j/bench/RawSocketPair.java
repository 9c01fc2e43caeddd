package io.socketpair4j.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The floor of a Java socket pair: {@code socketpair(2)}, {@code read(2)} and {@code write(2)}
 * called straight through java.lang.foreign, with none of what a channel adds (no locks, no
 * interrupt hooks, no descriptor use counts, no errno). Not a usable channel: a measuring stick for
 * what any java.lang.foreign implementation must pay per call ({@link StreamCallCostBenchmark}).
 * Linux only.
 */
final class RawSocketPair implements Closeable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_CLOEXEC = 0x80000; // x86_64 and aarch64
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKETPAIR =
      handle("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle READ =
      handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle WRITE =
      handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
  }

  private final int first;
  private final int second;

  private RawSocketPair(int first, int second) {
    this.first = first;
    this.second = second;
  }

  /** A new stream socket pair, both ends blocking. */
  static RawSocketPair open() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      return open(arena.allocate(JAVA_INT, 2));
    }
  }

  /**
   * A new stream socket pair, both ends blocking, with {@code fds} (two ints) as the memory the
   * kernel writes the descriptor numbers to: a caller that makes many pairs gives the same memory
   * each time.
   */
  static RawSocketPair open(MemorySegment fds) throws IOException {
    int r;
    try {
      r = (int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
    } catch (Throwable t) {
      throw new IOException("socketpair", t);
    }
    if (r != 0) {
      throw new IOException("socketpair failed");
    }
    return new RawSocketPair(fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1));
  }

  int first() {
    return first;
  }

  int second() {
    return second;
  }

  /** {@code read(fd, into, into.byteSize())}: what it returns, -1 on any error. */
  static long read(int fd, MemorySegment into) {
    try {
      return (long) READ.invokeExact(fd, into, into.byteSize());
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** {@code write(fd, from, from.byteSize())}: what it returns, -1 on any error. */
  static long write(int fd, MemorySegment from) {
    try {
      return (long) WRITE.invokeExact(fd, from, from.byteSize());
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      int a = (int) CLOSE.invokeExact(first);
      int b = (int) CLOSE.invokeExact(second);
      if (a != 0 || b != 0) {
        throw new IOException("close failed");
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("close", t);
    }
  }
}
