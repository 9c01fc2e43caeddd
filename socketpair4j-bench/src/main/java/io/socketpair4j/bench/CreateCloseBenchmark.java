package io.socketpair4j.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** 1. Create and close a pair: microseconds per pair. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CreateCloseBenchmark {
  @Param({"NATIVE", "JDK", "PIPES", "TCP", "JUNIXSOCKET", "JNR"})
  public Impl impl;

  private long descriptorsBefore;

  @Setup(Level.Iteration)
  public void countBefore() throws IOException {
    descriptorsBefore = Descriptors.count();
  }

  @Benchmark
  public void createAndClose() throws IOException {
    Duplex d = impl.open();
    if (!d.a().isOpen() || !d.b().isOpen()) {
      throw new IllegalStateException("a new pair is not open");
    }
    d.close();
  }

  /** Reports descriptors that this iteration's closed pairs still hold (see LeakCheck). */
  @TearDown(Level.Iteration)
  public void countAfter() throws IOException {
    long grown = Descriptors.count() - descriptorsBefore;
    if (grown > 64) {
      System.out.println("descriptors grew by " + grown + " during the iteration (" + impl + ")");
    }
  }
}
