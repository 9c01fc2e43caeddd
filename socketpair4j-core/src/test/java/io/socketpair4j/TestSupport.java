package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/** Helpers shared by the tests. */
public final class TestSupport {
  private TestSupport() {}

  /** A generous bound for things that should happen promptly; never a sleep. */
  public static final Duration PROMPTLY = Duration.ofSeconds(20);

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  static String ascii(ByteBuffer flipped) {
    byte[] bytes = new byte[flipped.remaining()];
    flipped.get(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** Reads exactly {@code n} bytes from a blocking channel. */
  static byte[] readFully(ReadableByteChannel ch, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    readInto(ch, buf);
    return buf.array();
  }

  /** Reads 8 bytes from a blocking channel, as a long. */
  public static long readLong(ReadableByteChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8);
    readInto(ch, buf);
    return buf.getLong(0);
  }

  /** Reads from a blocking channel until {@code buf} is full. */
  public static void readInto(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IOException("end of stream after " + buf.position() + " bytes");
      }
    }
  }

  static byte[] pattern(int n, int seed) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }

  /** What /proc/self/fd/N links to, or null when N is not open. */
  public static String fdTarget(int fd) throws IOException {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  static void assertIsOpenSocket(int fd) throws IOException {
    assertThat(fdTarget(fd)).as("/proc/self/fd/%d", fd).startsWith("socket:[");
  }

  /**
   * Spins (yielding) until the condition holds, failing after {@link #PROMPTLY}. For waiting on
   * another thread's progress without sleeping.
   */
  public static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PROMPTLY.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.yield();
    }
  }

  /**
   * Waits until {@code thread} is waiting for readiness: a platform thread inside {@code poll} or
   * {@code epoll_wait}, a virtual thread parked by the poller. Only then does a test act on it.
   */
  public static void awaitBlocked(Thread thread) {
    await(thread.getName() + " is blocked", () -> isBlocked(thread));
  }

  private static boolean isBlocked(Thread thread) {
    for (StackTraceElement f : thread.getStackTrace()) {
      String c = f.getClassName();
      String m = f.getMethodName();
      if (c.endsWith(".LibC") && (m.equals("poll") || m.equals("epoll_wait"))) {
        return true; // a platform thread waiting on one of our channels or selectors
      }
      if (c.endsWith(".LibC")
          && (m.equals("recvWaiting") || m.equals("sendWaiting") || m.equals("recvmsgWaiting"))) {
        // a platform thread in a read or write that waits in the kernel; as with the JDK's read0,
        // it may be about to enter the system call, which then returns at once after a close or
        // shutdown, whose state the kernel keeps
        return true;
      }
      if (c.startsWith("sun.nio.ch.") && JDK_BLOCKING_CALLS.contains(m)) {
        return true; // a platform thread in a blocking call of a JDK channel or selector
      }
      if ((c.endsWith(".Poller") || c.startsWith("sun.nio.ch.")) && m.equals("park")) {
        return thread.getState() == Thread.State.WAITING
            || thread.getState() == Thread.State.TIMED_WAITING; // a parked virtual thread
      }
    }
    return false;
  }

  /** The JDK's native methods in which a platform thread blocks for I/O or selection. */
  private static final java.util.Set<String> JDK_BLOCKING_CALLS =
      java.util.Set.of("read0", "readv0", "write0", "writev0", "wait", "poll", "accept");

  /**
   * The number of sockets among the entries of /proc/self/fd. (Sockets only: other descriptors,
   * such as the eventfds of threads that have ended, come and go independently of a test.)
   */
  static long openSocketCount() throws IOException {
    return descriptors(target -> target.startsWith("socket:"));
  }

  /** The number of entries of /proc/self/fd whose link target matches. */
  public static long descriptors(java.util.function.Predicate<String> linkTarget)
      throws IOException {
    try (var entries = Files.list(Path.of("/proc/self/fd"))) {
      return entries
          .filter(
              p -> {
                try {
                  return linkTarget.test(Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                  return false; // closed meanwhile, e.g. the listing's own descriptor
                }
              })
          .count();
    }
  }

  /**
   * Writes to a non-blocking channel until a write returns 0 (its send buffer is full), and returns
   * how many bytes are queued.
   */
  static long fill(java.nio.channels.WritableByteChannel nonBlocking) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long queued = 0;
    int n;
    while ((n = nonBlocking.write(chunk.clear())) > 0) {
      queued += n;
    }
    return queued;
  }

  /** The position and limit of each buffer, for a differential test's outcome. */
  static String positionsAndLimits(List<ByteBuffer> buffers) {
    StringBuilder s = new StringBuilder();
    for (ByteBuffer b : buffers) {
      s.append(" [").append(b.position()).append('/').append(b.limit()).append(']');
    }
    return s.toString();
  }

  /** The whole content of each buffer, as its size and a checksum. */
  static List<String> contentSummaries(List<ByteBuffer> buffers) {
    List<String> all = new ArrayList<>();
    for (ByteBuffer b : buffers) {
      byte[] bytes = new byte[b.capacity()];
      b.duplicate().clear().get(bytes);
      CRC32 crc = new CRC32();
      crc.update(bytes);
      all.add(bytes.length + " bytes, crc " + Long.toHexString(crc.getValue()));
    }
    return all;
  }
}
