package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_BASE;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_LEN;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOV;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOVLEN;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.socketpair4j.internal.linux.LinuxConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A {@code struct msghdr} with its {@code iovec} array in native memory, describing a run of direct
 * buffers for one scattering {@code recvmsg} or gathering {@code sendmsg}. Each channel keeps one
 * per direction, used under that direction's lock.
 */
final class IoVectors {
  private final MemorySegment msghdr;
  private final MemorySegment iovecs;

  IoVectors() {
    Arena arena = Arena.ofAuto();
    this.msghdr = arena.allocate(MSGHDR);
    this.iovecs = arena.allocate(IOVEC, LinuxConstants.IOV_MAX);
    msghdr.set(ADDRESS, MSGHDR_IOV, iovecs);
  }

  /** True when every buffer with bytes remaining in the run is direct. */
  static boolean allDirect(ByteBuffer[] buffers, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (!buffers[i].isDirect() && buffers[i].hasRemaining()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Describes the remaining bytes of the (direct) buffers, at most {@link LinuxConstants#IOV_MAX}
   * of them, and returns the {@code msghdr}.
   */
  MemorySegment describe(ByteBuffer[] buffers, int offset, int length) {
    int count = 0;
    for (int i = offset; i < offset + length && count < LinuxConstants.IOV_MAX; i++) {
      ByteBuffer b = buffers[i];
      int remaining = b.remaining();
      if (remaining == 0) {
        continue;
      }
      long at = count * IOVEC.byteSize();
      iovecs.set(ADDRESS, at + IOVEC_BASE, MemorySegment.ofBuffer(b));
      iovecs.set(JAVA_LONG, at + IOVEC_LEN, remaining);
      count++;
    }
    msghdr.set(JAVA_LONG, MSGHDR_IOVLEN, count);
    return msghdr;
  }

  /** Advances the buffers' positions past {@code n} transferred bytes. */
  static void advance(ByteBuffer[] buffers, int offset, int length, long n) {
    for (int i = offset; i < offset + length && n > 0; i++) {
      ByteBuffer b = buffers[i];
      int step = (int) Math.min(b.remaining(), n);
      b.position(b.position() + step);
      n -= step;
    }
  }

  /** The bytes remaining in a run of buffers. */
  static long remaining(ByteBuffer[] buffers, int offset, int length) {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += buffers[i].remaining();
    }
    return total;
  }
}
