package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * 3. One-way bulk transfer with 64 KiB writes: writes per second (the report turns them into GB/s).
 * A reader thread drains the other end with a buffer of the same kind and checks the first and last
 * byte of everything it reads; after each iteration it must have received every byte written.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ThroughputBenchmark {
  static final int CHUNK = 64 * 1024;

  @Param({"NATIVE", "JDK", "PIPES", "TCP", "JUNIXSOCKET", "JNR"})
  public Impl impl;

  @Param({"DIRECT", "HEAP"})
  public String buffer;

  private Duplex pair;
  private ByteBuffer out;
  private Thread reader;
  private long written;
  private final AtomicLong received = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  static byte expected(long offset) {
    return (byte) ((offset % CHUNK) * 31);
  }

  private ByteBuffer allocate() {
    return buffer.equals("DIRECT") ? ByteBuffer.allocateDirect(CHUNK) : ByteBuffer.allocate(CHUNK);
  }

  @Setup(Level.Trial)
  public void start() throws IOException {
    pair = impl.open();
    out = allocate();
    for (int i = 0; i < CHUNK; i++) {
      out.put(i, expected(i));
    }
    reader = Thread.ofPlatform().name("drain").daemon().start(this::drain);
  }

  private void drain() {
    ByteBuffer in = allocate();
    try {
      for (; ; ) {
        int n = pair.b().read(in.clear());
        if (n < 0) {
          return;
        }
        long at = received.get();
        if (n > 0 && (in.get(0) != expected(at) || in.get(n - 1) != expected(at + n - 1))) {
          throw new IllegalStateException("wrong byte near offset " + at);
        }
        received.addAndGet(n);
      }
    } catch (Throwable t) {
      if (pair.b().isOpen()) {
        failure.set(t);
      }
    }
  }

  @Benchmark
  public void write64k() throws IOException {
    pair.a().writeFully(out.clear());
    written += CHUNK;
  }

  @TearDown(Level.Iteration)
  public void check() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (received.get() < written && failure.get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("received " + received.get() + " of " + written);
      }
      Thread.onSpinWait();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("reader failed", failure.get());
    }
    if (received.get() != written) {
      throw new IllegalStateException("received " + received.get() + " bytes, sent " + written);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pair.close();
    reader.join(10_000);
  }
}
