package io.socketpair4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
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

/**
 * The cost of the stream calls themselves, without a wake-up: one thread writes 8 bytes on one end
 * of a pair and reads them at the other, so neither call waits. What is left is each library's own
 * path around two system calls, which the scaled sample and the ping-pong hide under thread
 * wake-ups. {@code RAW} is the floor of any java.lang.foreign implementation: {@code read(2)} and
 * {@code write(2)} called straight on a {@code socketpair(2)} ({@link RawSocketPair}). Not part of
 * {@code ./socketpair-bench}: run it alone when a platform-thread row needs explaining.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamCallCostBenchmark {
  /** An {@link Impl} by name, or {@code RAW}. */
  @Param({"NATIVE", "JDK", "PIPES", "JUNIXSOCKET", "RAW"})
  public String impl;

  /** Whether the ends are in blocking mode (the path a blocking platform thread takes). */
  @Param({"true", "false"})
  public boolean blocking;

  private Duplex pair;
  private RawSocketPair raw;
  private final ByteBuffer out = ByteBuffer.allocateDirect(8);
  private final ByteBuffer in = ByteBuffer.allocateDirect(8);
  private final MemorySegment rawOut = Arena.ofAuto().allocate(8);
  private final MemorySegment rawIn = Arena.ofAuto().allocate(8);
  private long next;

  @Setup(Level.Trial)
  public void open() throws IOException {
    if (impl.equals("RAW")) {
      raw = RawSocketPair.open();
    } else {
      pair = Impl.valueOf(impl).open();
      pair.a().configureBlocking(blocking);
      pair.b().configureBlocking(blocking);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (raw != null) {
      raw.close();
    } else {
      pair.close();
    }
  }

  /** 8 bytes written on one end and read at the other, on one thread. */
  @Benchmark
  public long writeThenRead() throws IOException {
    long v = next++;
    if (raw != null) {
      rawOut.set(ValueLayout.JAVA_LONG, 0, v);
      if (RawSocketPair.write(raw.first(), rawOut) != 8
          || RawSocketPair.read(raw.second(), rawIn) != 8) {
        throw new IOException("short call");
      }
      return rawIn.get(ValueLayout.JAVA_LONG, 0);
    }
    pair.a().writeFully(out.clear().putLong(0, v));
    pair.b().readFully(in.clear());
    return in.getLong(0);
  }
}
