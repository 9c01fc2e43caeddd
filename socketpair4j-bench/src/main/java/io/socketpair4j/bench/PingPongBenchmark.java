package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * 2. An 8-byte round trip between two threads of the same kind: microseconds per round trip. One
 * thread echoes; the other sends a counter, waits for it to come back and checks it. Each
 * invocation runs {@value #TRIPS} round trips on a new thread of the kind under test (platform or
 * virtual), so that both parties are of that kind.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PingPongBenchmark {
  static final int TRIPS = 1_000;

  @Param({"NATIVE", "JDK", "PIPES", "TCP", "JUNIXSOCKET", "JNR"})
  public Impl impl;

  @Param({"PLATFORM", "VIRTUAL"})
  public ThreadKind threads;

  private Duplex pair;
  private Thread echo;
  private long next;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() throws IOException {
    pair = impl.open();
    echo = threads.start("echo", this::echo);
  }

  private void echo() {
    ByteBuffer buf = ByteBuffer.allocateDirect(8);
    try {
      for (; ; ) {
        buf.clear();
        while (buf.hasRemaining()) {
          if (pair.b().read(buf) < 0) {
            return;
          }
        }
        pair.b().writeFully(buf.flip());
      }
    } catch (IOException e) {
      if (pair.b().isOpen()) {
        failure.set(e);
      }
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
    ByteBuffer out = ByteBuffer.allocateDirect(8);
    ByteBuffer in = ByteBuffer.allocateDirect(8);
    for (long i = first; i < first + TRIPS; i++) {
      pair.a().writeFully(out.clear().putLong(0, i));
      pair.a().readFully(in.clear());
      if (in.getLong(0) != i) {
        throw new IllegalStateException("sent " + i + ", got back " + in.getLong(0));
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pair.close();
    echo.join(10_000);
    if (failure.get() != null) {
      throw new IllegalStateException("echo failed", failure.get());
    }
  }
}
