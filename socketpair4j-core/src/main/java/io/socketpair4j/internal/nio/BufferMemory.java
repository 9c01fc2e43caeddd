package io.socketpair4j.internal.nio;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The memory of a buffer from a given index on, as a {@link MemorySegment} that a system call can
 * be given: a segment of the buffer itself (from {@link MemorySegment#ofBuffer}), so it carries the
 * buffer's scope, and the linker holds that scope for the length of each call. A buffer of an arena
 * that another thread closes can therefore never be written or read by the kernel after it was
 * freed: the call fails with {@link IllegalStateException} instead (or the close does), and a
 * confined arena's buffer used from another thread fails with {@link WrongThreadException}.
 *
 * <p>The segment for the last buffer and index asked about is remembered, so that a channel that
 * reads or writes the same buffer at the same index again and again (the usual loop: clear, read,
 * flip, write) makes no garbage at all; making a segment per call costs allocations that the JIT
 * removes only sometimes. Heap buffers with an accessible array are remembered by array and offset,
 * so that {@code ByteBuffer.wrap(array)} made anew for every call still finds it. Everything is
 * held weakly, so a buffer the caller drops can still be freed; a garbage collection may clear what
 * is remembered, which costs one allocation on the next call.
 *
 * <p>The segment returned runs from the index to the end of the buffer's memory (its capacity, or
 * for a heap buffer the end of its array), so any length up to {@code capacity - index} stays
 * inside the buffer's memory, whatever another thread does to the buffer's position and limit
 * meanwhile.
 *
 * <p>Not thread-safe: each {@link Transfer} keeps one, used under its channel's read or write lock.
 */
final class BufferMemory {
  private static final WeakReference<Object> NONE = new WeakReference<>(null);

  // the buffer (direct, or heap without an accessible array) or the array last asked about
  private WeakReference<Object> key = NONE;
  private int index; // the buffer index (or array offset) asked about
  private WeakReference<MemorySegment> segment = new WeakReference<>(null);

  /**
   * A segment of {@code buffer}'s memory from index {@code index} (0 ≤ index ≤ capacity) to the end
   * of its memory, holding the buffer's scope.
   */
  MemorySegment from(ByteBuffer buffer, int index) {
    Object k;
    int at;
    if (buffer.hasArray()) {
      k = buffer.array();
      at = buffer.arrayOffset() + index;
    } else {
      k = buffer;
      at = index;
    }
    MemorySegment s = segment.get();
    if (s != null && at == this.index && key.get() == k) {
      return s;
    }
    s = k == buffer ? whole(buffer).asSlice(index) : MemorySegment.ofArray((byte[]) k).asSlice(at);
    key = new WeakReference<>(k);
    this.index = at;
    segment = new WeakReference<>(s);
    return s;
  }

  /**
   * A segment of the whole of {@code buffer}, index 0 to its capacity, whatever its position and
   * limit, with the buffer's scope.
   */
  static MemorySegment whole(ByteBuffer buffer) {
    return MemorySegment.ofBuffer(buffer.duplicate().clear());
  }
}
