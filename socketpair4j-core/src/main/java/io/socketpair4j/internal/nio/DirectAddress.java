package io.socketpair4j.internal.nio;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The native address of a direct buffer's position, remembered for the buffer last asked about.
 * Making a {@link MemorySegment} for each call costs an allocation the JIT does not remove; a
 * channel that reads or writes the same buffer again and again then makes no garbage. The buffer is
 * held weakly, so it can still be freed; the caller keeps it reachable during its call.
 *
 * <p>Not thread-safe: each channel keeps one for reads and one for writes, guarded by its locks.
 */
final class DirectAddress {
  private WeakReference<ByteBuffer> buffer = new WeakReference<>(null);
  private long base;

  /** The address of {@code direct}'s position. */
  long of(ByteBuffer direct) {
    if (buffer.get() != direct) {
      base = MemorySegment.ofBuffer(direct.duplicate().clear()).address();
      buffer = new WeakReference<>(direct);
    }
    return base + direct.position();
  }
}
