package io.socketpair4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The process's context switches, from {@code getrusage(RUSAGE_SELF)}: it counts every thread of
 * the process, those that have ended included (a {@code /proc/self/task/*} sum would miss the
 * benchmarks' short-lived ping threads). Where it cannot be read (not 64-bit Linux, no native
 * access), {@link #now()} returns null and the report says "n/a".
 */
final class ContextSwitches {
  private ContextSwitches() {}

  /** The counts at one moment: voluntary ({@code ru_nvcsw}) and involuntary ({@code ru_nivcsw}). */
  record Count(long voluntary, long involuntary) {}

  /** Context switches per round trip over a measured section, NaN when they could not be read. */
  record PerTrip(double voluntary, double involuntary) {
    static final PerTrip UNKNOWN = new PerTrip(Double.NaN, Double.NaN);

    static PerTrip between(Count before, Count after, double trips) {
      if (before == null || after == null || trips <= 0) {
        return UNKNOWN;
      }
      return new PerTrip(
          (after.voluntary() - before.voluntary()) / trips,
          (after.involuntary() - before.involuntary()) / trips);
    }

    boolean known() {
      return !Double.isNaN(voluntary);
    }

    /** "v i" as the sample prints it after its rate (NaN when unknown). */
    String print() {
      return String.format(Locale.ROOT, "%.6f %.6f", voluntary, involuntary);
    }

    /** Parses the two numbers at {@code tokens[from]} and after, if there are two that parse. */
    static PerTrip parse(String[] tokens, int from) {
      if (tokens.length < from + 2) {
        return UNKNOWN;
      }
      try {
        return new PerTrip(Double.parseDouble(tokens[from]), Double.parseDouble(tokens[from + 1]));
      } catch (NumberFormatException e) {
        return UNKNOWN;
      }
    }
  }

  // struct rusage on 64-bit Linux: two struct timeval (16 bytes each), then 14 longs, of which
  // ru_nvcsw is the 13th and ru_nivcsw the 14th
  private static final int SIZE = 144;
  private static final long NVCSW = 32 + 12 * 8;
  private static final long NIVCSW = NVCSW + 8;
  private static final int RUSAGE_SELF = 0;
  private static final MethodHandle GETRUSAGE = find();

  private static MethodHandle find() {
    try {
      if (!System.getProperty("os.name", "").startsWith("Linux")
          || ValueLayout.ADDRESS.byteSize() != 8) {
        return null;
      }
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("getrusage")
          .map(
              f ->
                  linker.downcallHandle(
                      f,
                      FunctionDescriptor.of(
                          ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
          .orElse(null);
    } catch (Throwable t) { // no native access, an unknown platform: n/a
      return null;
    }
  }

  /** The process's counts now, or null when they cannot be read. */
  static Count now() {
    if (GETRUSAGE == null) {
      return null;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment usage = arena.allocate(SIZE, 8);
      int rc = (int) GETRUSAGE.invokeExact(RUSAGE_SELF, usage);
      if (rc != 0) {
        return null;
      }
      return new Count(
          usage.get(ValueLayout.JAVA_LONG, NVCSW), usage.get(ValueLayout.JAVA_LONG, NIVCSW));
    } catch (Throwable t) {
      return null;
    }
  }
}
