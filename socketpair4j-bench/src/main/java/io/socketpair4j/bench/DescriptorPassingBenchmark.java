package io.socketpair4j.bench;

import java.io.IOException;
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
 * 6. Descriptors passed per second: the benchmark thread sends messages of 1 byte and 1 descriptor
 * (the write end of a pipe, {@code SCM_RIGHTS}); a receiver thread receives each, checks its byte
 * and that exactly one descriptor came with it, and closes that descriptor. Both are platform
 * threads, as in the C reference. After each iteration every message sent must have been received,
 * and {@code /proc/self/fd} must be back where it was when the iteration began.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DescriptorPassingBenchmark {
  /** More than this many descriptors open after an iteration than before it fails the run. */
  static final int LEAK_TOLERANCE = 16;

  @Param({"NATIVE", "JUNIXSOCKET"})
  public MessageImpl impl;

  @Param({"STREAM", "SEQPACKET"})
  public PassingSocket socket;

  private NativePipe pipe;
  private DescriptorPassing pair;
  private Thread receiver;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private volatile boolean stopping;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private long descriptorsBefore;

  @Setup(Level.Trial)
  public void start() throws IOException {
    pipe = NativePipe.open();
    pair = DescriptorPassing.open(impl, socket, pipe);
    receiver = Thread.ofPlatform().name("receiver").daemon().start(this::receive);
  }

  private void receive() {
    try {
      for (; ; ) {
        int b = pair.receive();
        if (b < 0) {
          throw new IllegalStateException("end of stream");
        }
        long n = received.get();
        if (b != (n & 0xff)) {
          throw new IllegalStateException("message " + n + ": got byte " + b);
        }
        received.set(n + 1);
        if (stopping && n + 1 == sent.get()) {
          return;
        }
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  @Setup(Level.Iteration)
  public void countBefore() throws IOException {
    descriptorsBefore = Descriptors.count();
  }

  @Benchmark
  public void pass() throws IOException {
    long n = sent.get();
    sent.set(n + 1);
    pair.send((byte) n);
  }

  @TearDown(Level.Iteration)
  public void check() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (received.get() < sent.get() && failure.get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("received " + received.get() + " of " + sent.get());
      }
      Thread.onSpinWait();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("receiver failed", failure.get());
    }
    long grown = Descriptors.count() - descriptorsBefore;
    if (grown > LEAK_TOLERANCE) {
      throw new IllegalStateException(
          grown + " more descriptors open after passing " + sent.get() + " than before");
    }
  }

  /** One more message, after {@code stopping} is set, ends the receiver. */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try (NativePipe p = pipe;
        DescriptorPassing d = pair) {
      if (failure.get() == null && receiver.isAlive()) {
        stopping = true;
        pass();
        receiver.join(10_000);
      }
    }
  }
}
