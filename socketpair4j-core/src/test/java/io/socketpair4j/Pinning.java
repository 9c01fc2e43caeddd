package io.socketpair4j;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs code with a native frame on the stack, so that a virtual thread running it is pinned to its
 * carrier while it blocks: the body runs inside qsort's comparator, an upcall from C.
 */
final class Pinning {
  private Pinning() {}

  /** What runs pinned. */
  interface Body {
    void run() throws Exception;
  }

  private static final ThreadLocal<Body> BODY = new ThreadLocal<>();
  private static final ThreadLocal<Exception> FAILURE = new ThreadLocal<>();

  /** Runs {@code body} once, inside an upcall from native code; rethrows what it threw. */
  static void runPinned(Body body) throws Exception {
    BODY.set(body);
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle qsort =
          linker.downcallHandle(
              linker.defaultLookup().findOrThrow("qsort"),
              FunctionDescriptor.ofVoid(
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.ADDRESS));
      MethodHandle compare =
          MethodHandles.lookup()
              .findStatic(
                  Pinning.class,
                  "runOnceAndCompare",
                  MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
      FunctionDescriptor comparator =
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
              ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT));
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment stub = linker.upcallStub(compare, comparator, arena);
        MemorySegment ints = arena.allocateFrom(ValueLayout.JAVA_INT, 2, 1);
        qsort.invokeExact(ints, 2L, 4L, stub);
      }
    } catch (Throwable t) {
      throw new AssertionError(t);
    } finally {
      BODY.remove();
    }
    Exception failure = FAILURE.get();
    FAILURE.remove();
    if (failure != null) {
      throw failure;
    }
  }

  private static int runOnceAndCompare(MemorySegment x, MemorySegment y) {
    Body body = BODY.get();
    BODY.remove();
    if (body != null) {
      try {
        body.run();
      } catch (Exception e) {
        FAILURE.set(e); // an upcall must not throw: the JVM would exit
      }
    }
    return Integer.compare(x.get(ValueLayout.JAVA_INT, 0), y.get(ValueLayout.JAVA_INT, 0));
  }
}
