package io.socketpair4j;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;

/**
 * Runs code with a native frame on the stack, so that a virtual thread running it is pinned to its
 * carrier while it blocks: the body runs inside qsort's comparator, an upcall from C.
 */
final class Pinning {
  private Pinning() {}

  private static final ThreadLocal<Callable<?>> BODY = new ThreadLocal<>();
  private static final ThreadLocal<Object> RESULT = new ThreadLocal<>();
  private static final ThreadLocal<Exception> FAILURE = new ThreadLocal<>();

  /**
   * Calls {@code body} once, inside an upcall from native code; returns what it returned, or
   * rethrows what it threw.
   */
  @SuppressWarnings("unchecked") // RESULT holds what body returned
  static <T> T callPinned(Callable<T> body) throws Exception {
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
    Object result = RESULT.get();
    Exception failure = FAILURE.get();
    RESULT.remove();
    FAILURE.remove();
    if (failure != null) {
      throw failure;
    }
    return (T) result;
  }

  private static int runOnceAndCompare(MemorySegment x, MemorySegment y) {
    Callable<?> body = BODY.get();
    BODY.remove();
    if (body != null) {
      try {
        RESULT.set(body.call());
      } catch (Exception e) {
        FAILURE.set(e); // an upcall must not throw: the JVM would exit
      }
    }
    return Integer.compare(x.get(ValueLayout.JAVA_INT, 0), y.get(ValueLayout.JAVA_INT, 0));
  }
}
