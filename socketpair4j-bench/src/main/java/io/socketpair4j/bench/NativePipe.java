package io.socketpair4j.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A kernel pipe made with {@code pipe2(2)}, for its descriptor numbers: the file the descriptor
 * benchmarks pass (socketpair4j takes a number, junixsocket a {@code FileDescriptor} made from it,
 * C the same number). Linux only, as everything it is used with.
 */
final class NativePipe implements Closeable {
  private static final int O_CLOEXEC = 0x80000; // x86_64 and aarch64
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle PIPE2 =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("pipe2").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("close").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private final int readFd;
  private final int writeFd;
  private boolean closed;

  private NativePipe(int readFd, int writeFd) {
    this.readFd = readFd;
    this.writeFd = writeFd;
  }

  static NativePipe open() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      int r;
      try {
        r = (int) PIPE2.invokeExact(fds, O_CLOEXEC);
      } catch (Throwable t) {
        throw new IOException("pipe2", t);
      }
      if (r != 0) {
        throw new IOException("pipe2 failed");
      }
      return new NativePipe(fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1));
    }
  }

  /** The write end's descriptor number: what the descriptor benchmarks pass. */
  int writeFd() {
    return writeFd;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      int r = (int) CLOSE.invokeExact(readFd);
      int w = (int) CLOSE.invokeExact(writeFd);
      if (r != 0 || w != 0) {
        throw new IOException("close failed");
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("close", t);
    }
  }
}
