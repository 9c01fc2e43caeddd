package io.socketpair4j.internal.nio;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The memory at a buffer's position, in the form a system call takes it, remembered for the buffer
 * last asked about: a native address for a direct buffer, a heap segment for a buffer with an
 * accessible array. Making a {@link MemorySegment} per call costs an allocation that the JIT
 * removes only when it inlines everything (it stops doing so once a call site has seen several
 * buffer classes); with this, a channel that reads or writes the same buffer again and again makes
 * no garbage at all.
 *
 * <p>Everything is held weakly, so a buffer the caller drops can still be freed; the caller keeps
 * its buffer reachable during its call. A garbage collection may clear what is remembered, which
 * costs one allocation on the next call.
 *
 * <p>Not thread-safe: each channel keeps one for reads and one for writes, guarded by its locks.
 */
final class BufferMemory {
  private WeakReference<ByteBuffer> direct; // null until the first direct buffer
  private long directBase;

  private WeakReference<byte[]> array; // null until the first heap buffer
  private WeakReference<MemorySegment> slice;
  private int sliceOffset;

  /** The native address of {@code buffer}'s position; {@code buffer} is direct. */
  long address(ByteBuffer buffer) {
    if (direct == null || direct.get() != buffer) {
      directBase = MemorySegment.ofBuffer(buffer.duplicate().clear()).address();
      direct = new WeakReference<>(buffer);
    }
    return directBase + buffer.position();
  }

  /**
   * A heap segment starting at {@code buffer}'s position and running to the end of its array;
   * {@code buffer} has an accessible array (not direct, not read-only).
   */
  MemorySegment segment(ByteBuffer buffer) {
    byte[] a = buffer.array();
    int offset = buffer.arrayOffset() + buffer.position();
    MemorySegment s = slice == null ? null : slice.get();
    if (s == null || offset != sliceOffset || array.get() != a) {
      s = MemorySegment.ofArray(a).asSlice(offset);
      slice = new WeakReference<>(s);
      array = new WeakReference<>(a);
      sliceOffset = offset;
    }
    return s;
  }
}
