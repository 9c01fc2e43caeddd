package io.socketpair4j.bench;

import io.socketpair4j.UnixDatagramPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 5. An 8-byte message round trip on a pair of message sockets ({@code SOCK_SEQPACKET} or {@code
 * SOCK_DGRAM}) between two threads of the same kind: microseconds per round trip. As {@link
 * PingPongBenchmark}, but every read must return one whole message of exactly 8 bytes (it reads
 * into room for 16, so two messages run together would show).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MessagePingPongBenchmark {
  static final int TRIPS = 1_000;
  private static final long STOP = Long.MIN_VALUE;

  @Param({"NATIVE", "JUNIXSOCKET"})
  public MessageImpl impl;

  @Param({"SEQPACKET", "DATAGRAM"})
  public UnixDatagramPair.Type type;

  @Param({"PLATFORM", "VIRTUAL"})
  public ThreadKind threads;

  private MessagePair pair;
  private Thread echo;
  private long next;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() throws IOException {
    pair = impl.open(type);
    echo = threads.start("echo", this::echo);
  }

  /** Receives one message, which must be 8 bytes long, and returns it as a long. */
  static long receive(DatagramChannel ch, ByteBuffer buf) throws IOException {
    int n = ch.read(buf.clear());
    if (n != 8) {
      throw new IllegalStateException("a message of " + n + " bytes, expected 8");
    }
    return buf.getLong(0);
  }

  static void send(DatagramChannel ch, ByteBuffer buf, long v) throws IOException {
    int n = ch.write(buf.clear().putLong(0, v).limit(8));
    if (n != 8) {
      throw new IllegalStateException("a blocking write of 8 bytes wrote " + n);
    }
  }

  private void echo() {
    ByteBuffer buf = ByteBuffer.allocateDirect(16);
    try {
      for (; ; ) {
        long v = receive(pair.b(), buf);
        if (v == STOP) {
          return;
        }
        send(pair.b(), buf, v);
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  @Benchmark
  @OperationsPerInvocation(TRIPS)
  public void roundTrips() throws Exception {
    long first = next;
    next += TRIPS;
    AtomicReference<Throwable> pingFailure = new AtomicReference<>();
    Thread ping =
        threads.start(
            "ping",
            () -> {
              try {
                ping(first);
              } catch (Throwable t) {
                pingFailure.set(t);
              }
            });
    ping.join();
    if (pingFailure.get() != null) {
      throw new IllegalStateException("ping failed", pingFailure.get());
    }
  }

  private void ping(long first) throws IOException {
    ByteBuffer out = ByteBuffer.allocateDirect(16);
    ByteBuffer in = ByteBuffer.allocateDirect(16);
    for (long i = first; i < first + TRIPS; i++) {
      send(pair.a(), out, i);
      long back = receive(pair.a(), in);
      if (back != i) {
        throw new IllegalStateException("sent " + i + ", got back " + back);
      }
    }
  }

  /** Tells the echo thread to stop with a message (a DATAGRAM end has no end of stream). */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try (MessagePair p = pair) {
      if (failure.get() == null) {
        send(p.a(), ByteBuffer.allocateDirect(16), STOP);
      }
      echo.join(10_000);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("echo failed", failure.get());
    }
  }
}
