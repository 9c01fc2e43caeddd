package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A platform thread's blocking stream read or write made as one system call that waits in the
 * kernel: {@code recv}/{@code send} without {@code MSG_DONTWAIT} on the socket, which is in
 * blocking mode (socketpair4j never sets {@code O_NONBLOCK}), instead of a non-blocking attempt,
 * {@code EAGAIN}, {@code poll} and a second attempt. A blocking receive made with {@code recvmsg}
 * (a message, or data with descriptors) waits the same way ({@link Transfer} makes it, with this
 * thread's native {@link #callState()}), when the call holds every direct buffer's scope; a message
 * send does not, since a full peer queue makes it wait on the peer's queue, which this end's {@code
 * shutdown(2)} does not wake.
 *
 * <p>Such a call is not a critical downcall: the thread leaves Java state while it waits, so it
 * never holds up a safepoint, and it can be given native memory only. A direct buffer's memory is
 * used as it is (its scope held for the call, as everywhere); a heap buffer's bytes go through this
 * thread's staging memory when the request is at most {@link #MAX_STAGED} bytes (for a send, only
 * after a non-blocking send of the array itself found no space), as the JDK's channels stage heap
 * buffers through temporary direct buffers; a larger heap request takes the non-blocking path (the
 * heap array given to a critical call, then a wait for readiness), so that one read still takes
 * everything that is there, as the JDK's does.
 *
 * <p>What ends the wait: data or space, the peer's close, and every local event that must end it
 * ({@code close}, an interrupt through {@code begin}/{@code end}, {@code shutdownInput} or {@code
 * shutdownOutput}) shuts the connection down in that direction, which wakes the call at once.
 * Virtual threads never come here: a native call that blocks would pin their carrier.
 */
final class KernelWait {
  /** The most bytes of a heap buffer one call moves. */
  static final int MAX_STAGED = 64 * 1024;

  private static final ThreadLocal<KernelWait> PER_THREAD =
      ThreadLocal.withInitial(KernelWait::new);

  private final CallState callState = CallState.allocate(Arena.ofAuto());
  private MemorySegment staging = MemorySegment.NULL;

  private KernelWait() {}

  /** Whether the current thread's blocking calls may wait in the kernel. */
  static boolean allowed() {
    return !Thread.currentThread().isVirtual();
  }

  static KernelWait current() {
    return PER_THREAD.get();
  }

  /** This thread's native call state, for a waiting call made elsewhere ({@code recvmsg}). */
  CallState callState() {
    return callState;
  }

  /**
   * One {@code recv} or {@code send} of up to {@code len} bytes of {@code b} from {@code position},
   * waiting in the kernel. {@code whole} is the segment of {@code b}'s memory from {@code position}
   * on ({@link BufferMemory}); {@code flags} without {@code MSG_DONTWAIT}. Returns the bytes moved
   * or {@code -errno}; advances the buffer's position.
   */
  long transfer(
      int fd,
      boolean sending,
      ByteBuffer b,
      MemorySegment whole,
      int position,
      int len,
      int flags) {
    if (b.isDirect()) {
      long n =
          sending
              ? LibC.sendWaiting(callState, fd, whole, len, flags)
              : LibC.recvWaiting(callState, fd, whole, len, flags);
      if (n > 0) {
        b.position(position + (int) n);
      }
      return n;
    }
    int staged = len; // at most MAX_STAGED: Transfer sends larger heap requests the other way
    MemorySegment s = staging(staged);
    long n;
    if (sending) {
      MemorySegment.copy(whole, 0, s, 0, staged);
      n = LibC.sendWaiting(callState, fd, s, staged, flags);
    } else {
      n = LibC.recvWaiting(callState, fd, s, staged, flags);
      if (n > 0) {
        MemorySegment.copy(s, 0, whole, 0, n);
      }
    }
    if (n > 0) {
      b.position(position + (int) n);
    }
    return n;
  }

  private MemorySegment staging(int len) {
    if (staging.byteSize() < len) {
      int size = Math.max(256, Integer.highestOneBit(len - 1) << 1);
      staging = Arena.ofAuto().allocate(Math.min(size, MAX_STAGED));
    }
    return staging;
  }
}
