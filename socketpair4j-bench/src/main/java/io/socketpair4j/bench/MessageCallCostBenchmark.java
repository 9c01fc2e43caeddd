package io.socketpair4j.bench;

import io.socketpair4j.UnixDatagramPair;
import java.io.IOException;
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
 * The cost of the calls themselves, without a wake-up: one thread writes an 8-byte message on one
 * end of a blocking message pair and reads it at the other, so neither call ever waits. What is
 * left is the library's own path and the two system calls, which a round trip between two threads
 * ({@link MessagePingPongBenchmark}) hides under two thread wake-ups. Not part of {@code
 * ./socketpair-bench}: run it alone when a message round trip row needs explaining.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MessageCallCostBenchmark {
  @Param({"NATIVE", "JUNIXSOCKET"})
  public MessageImpl impl;

  @Param({"SEQPACKET", "DATAGRAM"})
  public UnixDatagramPair.Type type;

  private MessagePair pair;
  private final ByteBuffer out = ByteBuffer.allocateDirect(16);
  private final ByteBuffer in = ByteBuffer.allocateDirect(16);
  private long next;

  @Setup(Level.Trial)
  public void open() throws IOException {
    pair = impl.open(type);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    pair.close();
  }

  /** One 8-byte message written on one end and read at the other, on one thread. */
  @Benchmark
  public long writeThenRead() throws IOException {
    long v = next++;
    MessagePingPongBenchmark.send(pair.a(), out, v);
    return MessagePingPongBenchmark.receive(pair.b(), in);
  }
}
