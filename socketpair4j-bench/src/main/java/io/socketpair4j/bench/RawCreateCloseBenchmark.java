package io.socketpair4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The floor of {@link CreateCloseBenchmark} for any java.lang.foreign implementation: {@code
 * socketpair(2)} and two {@code close(2)} called straight ({@link RawSocketPair}), into memory made
 * once, with no object that a channel needs. Microseconds per pair, as {@link
 * CreateCloseBenchmark}. Not part of {@code ./socketpair-bench}: run it alone, with {@code
 * CreateCloseBenchmark} in the same command, when the creation row needs explaining.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RawCreateCloseBenchmark {
  private final MemorySegment fds = Arena.ofAuto().allocate(ValueLayout.JAVA_INT, 2);

  @Benchmark
  public void createAndClose() throws IOException {
    RawSocketPair.open(fds).close();
  }
}
