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
 * prints the median round trips per second over ROUNDS runs (after one run of warm-up).
 */
public final class ScaledSample {
  private ScaledSample() {}

  public static void main(String[] args) throws Exception {
    Impl impl = Impl.valueOf(args[0]);
    int pairs = Integer.parseInt(args[1]);
    int repetitions = Integer.parseInt(args[2]);
    ThreadKind threads = ThreadKind.valueOf(args[3]);
    int rounds = Integer.parseInt(args[4]);
    double[] rates = new double[rounds];
    for (int i = 0; i <= rounds; i++) {
      double rate = run(impl, pairs, repetitions, threads);
      if (i > 0) {
        rates[i - 1] = rate;
      }
    }
    Arrays.sort(rates);
    double median =
        rounds % 2 == 1 ? rates[rounds / 2] : (rates[rounds / 2 - 1] + rates[rounds / 2]) / 2;
    System.out.println(median);
  }

  /** One run; returns round trips per second. */
  static double run(Impl impl, int pairs, int repetitions, ThreadKind kind) throws Exception {
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
      for (Thread t : clients) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a client failed", failure.get());
      }
      return total / seconds;
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
