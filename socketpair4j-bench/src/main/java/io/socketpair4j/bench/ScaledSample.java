package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * 4. The scaled sample: P pairs, one client thread per pair sending an 8-byte message and waiting
 * for its echo R times, one selector thread echoing on the other ends. Run in a JVM of its own per
 * configuration (a library that leaks descriptors must not spoil the next one):
 *
 * <pre>java -cp benchmarks.jar io.socketpair4j.bench.ScaledSample IMPL P R THREADS ROUNDS</pre>
 *
 * prints the median round trips per second over ROUNDS runs (after one run of warm-up), then on the
 * same line the medians of the process's voluntary and involuntary context switches per round trip
 * over the same section ({@code getrusage}, NaN when they cannot be read).
 */
public final class ScaledSample {
  private ScaledSample() {}

  public static void main(String[] args) throws Throwable {
    Impl impl = Impl.valueOf(args[0]);
    int pairs = Integer.parseInt(args[1]);
    int repetitions = Integer.parseInt(args[2]);
    ThreadKind threads = ThreadKind.valueOf(args[3]);
    int rounds = Integer.parseInt(args[4]);
    printMedians(rounds, () -> run(impl, pairs, repetitions, threads));
  }

  /** One run of a sample, for {@link #printMedians}. */
  @FunctionalInterface
  interface Sample {
    Run run() throws Throwable;
  }

  /**
   * Runs {@code sample} once for warm-up, then {@code rounds} times, and prints the median rate
   * and, on the same line, the medians of the context switches per round trip (as {@link #main}
   * says).
   */
  static void printMedians(int rounds, Sample sample) throws Throwable {
    double[] rates = new double[rounds];
    double[] voluntary = new double[rounds];
    double[] involuntary = new double[rounds];
    for (int i = 0; i <= rounds; i++) {
      Run run = sample.run();
      if (i > 0) {
        rates[i - 1] = run.rate();
        voluntary[i - 1] = run.switches().voluntary();
        involuntary[i - 1] = run.switches().involuntary();
      }
    }
    ContextSwitches.PerTrip switches =
        new ContextSwitches.PerTrip(median(voluntary), median(involuntary));
    System.out.println(median(rates) + " " + switches.print());
  }

  /** The median; NaN when any value is (context switches that could not be read). */
  private static double median(double[] v) {
    int n = v.length;
    Arrays.sort(v); // NaN sorts last
    if (Double.isNaN(v[n - 1])) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** One run's round trips per second and context switches per round trip. */
  record Run(double rate, ContextSwitches.PerTrip switches) {}

  /** One run. */
  static Run run(Impl impl, int pairs, int repetitions, ThreadKind kind) throws Exception {
    List<Duplex> duplexes = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Selector selector = null;
    try {
      for (int i = 0; i < pairs; i++) {
        duplexes.add(impl.open());
      }
      selector = impl.openSelector(duplexes.getFirst());
      for (int i = 0; i < pairs; i++) {
        End server = duplexes.get(i).a();
        server.configureBlocking(false);
        server.readSide().register(selector, SelectionKey.OP_READ, server);
      }
      ContextSwitches.Count switchesBefore = ContextSwitches.now();
      long start = System.nanoTime();
      for (int i = 0; i < pairs; i++) {
        End client = duplexes.get(i).b();
        long id = i;
        Selector s = selector;
        clients.add(
            kind.start(
                "client-" + i,
                () -> {
                  try {
                    client(client, id, repetitions);
                  } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    s.wakeup();
                  }
                }));
      }
      long total = (long) pairs * repetitions;
      long echoed = 0;
      ByteBuffer buf = ByteBuffer.allocateDirect(8);
      while (echoed < total) {
        if (failure.get() != null) {
          throw new IllegalStateException("a client failed", failure.get());
        }
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          End end = (End) key.attachment();
          buf.clear();
          int n = end.read(buf);
          if (n < 0) {
            throw new IOException("end of stream");
          }
          if (n == 0) {
            continue;
          }
          while (buf.hasRemaining()) { // the rest of the 8 bytes is on its way
            end.read(buf);
          }
          end.writeFully(buf.flip());
          echoed++;
        }
        selector.selectedKeys().clear();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      ContextSwitches.PerTrip switches =
          ContextSwitches.PerTrip.between(switchesBefore, ContextSwitches.now(), total);
      for (Thread t : clients) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a client failed", failure.get());
      }
      return new Run(total / seconds, switches);
    } finally {
      for (Duplex d : duplexes) {
        d.close();
      }
      if (selector != null) {
        selector.close();
      }
      for (Thread t : clients) {
        t.join();
      }
    }
  }

  private static void client(End end, long id, int repetitions) throws IOException {
    ByteBuffer out = ByteBuffer.allocateDirect(8);
    ByteBuffer in = ByteBuffer.allocateDirect(8);
    for (int r = 0; r < repetitions; r++) {
      long v = id << 32 | r;
      end.writeFully(out.clear().putLong(0, v));
      end.readFully(in.clear());
      if (in.getLong(0) != v) {
        throw new IllegalStateException("client " + id + ": wrong echo");
      }
    }
  }
}
