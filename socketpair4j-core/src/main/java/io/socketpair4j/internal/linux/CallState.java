package io.socketpair4j.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a downcall captures {@code errno}. A heap state (backed by an {@code int[]}) costs nothing
 * to make and serves the critical calls; a native state is needed for calls that may block.
 *
 * <p>A state is not thread-safe: each is used by one thread at a time (callers keep one per lock
 * they hold, or per thread).
 */
public final class CallState {
  private static final long ERRNO_OFFSET =
      Linker.Option.captureStateLayout()
          .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final long SIZE = Linker.Option.captureStateLayout().byteSize();

  private final MemorySegment segment;

  private CallState(MemorySegment segment) {
    this.segment = segment;
  }

  /** A state on the Java heap, for critical calls only. */
  public static CallState heap() {
    return new CallState(MemorySegment.ofArray(new int[(int) ((SIZE + 3) / 4)]));
  }

  /** A state in native memory from the given arena, usable with every call. */
  public static CallState allocate(Arena arena) {
    return new CallState(arena.allocate(Linker.Option.captureStateLayout()));
  }

  MemorySegment segment() {
    return segment;
  }

  /** The errno captured by the last failed call. */
  public int errno() {
    return segment.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
  }
}
