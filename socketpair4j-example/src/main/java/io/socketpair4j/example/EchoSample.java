package io.socketpair4j.example;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's socketpair sample on socketpair4j. Each client owns one pair: it writes its name to
 * {@code second()} and waits for the echo, {@code repetitions} times. The main thread waits on the
 * {@code first()} end of every pair with one selector, reads each name, checks that it belongs to
 * that pair, prints it and writes it back. Then it tears down: joins the clients and closes every
 * end.
 */
final class EchoSample {

  /** What to run. */
  record Settings(int pairs, int repetitions, ThreadKind threads, boolean quiet, Backend backend) {
    Settings {
      if (pairs < 1) {
        throw new IllegalArgumentException("pairs must be at least 1, was " + pairs);
      }
      if (repetitions < 1) {
        throw new IllegalArgumentException("repetitions must be at least 1, was " + repetitions);
      }
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final AtomicReference<Throwable> clientFailure = new AtomicReference<>();
  private long echoed;

  EchoSample(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * Runs the sample, printing every line but the verdict. Returns normally when every round trip
   * succeeded; throws the first failure otherwise. Every pair is closed and every client thread has
   * ended when this method returns, on success and on failure.
   */
  void run() throws Exception {
    out.println("setting-up");
    List<Backend.Pair> pairs = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    Backend backend = settings.backend();
    try (Selector selector = backend.openSelector()) {
      try {
        for (int i = 0; i < settings.pairs(); i++) {
          Backend.Pair pair = backend.open(i);
          pairs.add(pair);
          String name = Names.of(i);
          out.println(name + ": socketpair: " + pair.firstLabel() + " <=> " + pair.secondLabel());
          pair.first().configureBlocking(false);
          Echo echo = new Echo(name, pair.first(), backend.describe(pair.firstLabel()));
          pair.first().register(selector, SelectionKey.OP_READ, echo);
        }
        long start = System.nanoTime();
        for (int i = 0; i < pairs.size(); i++) {
          String name = Names.of(i);
          SocketChannel end = pairs.get(i).second();
          clients.add(settings.threads().start(name, () -> client(name, end, selector)));
        }
        serve(selector);
        long nanos = System.nanoTime() - start;
        if (settings.quiet()) {
          out.println(summary(echoed, nanos));
        }
        out.println("tearing-down");
        joinAll(clients);
        Throwable failure = clientFailure.get();
        if (failure != null) {
          throw asException(failure);
        }
      } finally {
        // On failure this also wakes clients still blocked, so that they can be joined.
        closeAll(pairs);
        joinAll(clients);
      }
    }
  }

  static String summary(long roundTrips, long nanos) {
    double seconds = nanos / 1e9;
    return String.format(
        "main: %d round trips in %.3f s (%.0f round trips/s)",
        roundTrips, seconds, roundTrips / Math.max(seconds, 1e-9));
  }

  private void serve(Selector selector) throws Exception {
    long total = (long) settings.pairs() * settings.repetitions();
    while (echoed < total) {
      Throwable failure = clientFailure.get();
      if (failure != null) {
        throw asException(failure);
      }
      try {
        selector.select(key -> ((Echo) key.attachment()).onReady(key));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private void client(String name, SocketChannel end, Selector selector) {
    try {
      byte[] message = name.getBytes(StandardCharsets.US_ASCII);
      ByteBuffer echo = ByteBuffer.allocate(message.length);
      for (int i = 0; i < settings.repetitions(); i++) {
        end.write(ByteBuffer.wrap(message));
        echo.clear();
        while (echo.hasRemaining()) {
          if (end.read(echo) < 0) {
            throw new IOException(name + ": end of stream before the echo");
          }
        }
        if (!Arrays.equals(echo.array(), message)) {
          throw new IllegalStateException(
              name + ": echo was '" + new String(echo.array(), StandardCharsets.US_ASCII) + "'");
        }
      }
    } catch (Throwable t) {
      if (clientFailure.compareAndSet(null, t)) {
        selector.wakeup();
      }
    }
  }

  /** The main thread's end of one pair: reads a whole name, checks it, echoes it. */
  private final class Echo {
    private final String name;
    private final byte[] expected;
    private final SocketChannel channel;
    private final String where; // "fd 7", or "end #1"
    private final ByteBuffer in;
    private ByteBuffer pending; // an echo not yet fully written

    Echo(String name, SocketChannel channel, String where) {
      this.name = name;
      this.expected = name.getBytes(StandardCharsets.US_ASCII);
      this.channel = channel;
      this.where = where;
      this.in = ByteBuffer.allocate(expected.length);
    }

    void onReady(SelectionKey key) {
      try {
        if (key.isReadable() && channel.read(in) < 0) {
          throw new IOException("main: end of stream on " + where + " (" + name + ")");
        }
        if (pending == null && !in.hasRemaining()) {
          received(key);
        }
        if (pending != null) {
          channel.write(pending);
          if (pending.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
          } else {
            pending = null;
            in.clear();
            key.interestOps(SelectionKey.OP_READ);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void received(SelectionKey key) {
      String got = new String(in.array(), StandardCharsets.US_ASCII);
      if (!Arrays.equals(in.array(), expected)) {
        throw new IllegalStateException(
            "main: read '" + got + "' on " + where + ", which belongs to " + name);
      }
      if (!settings.quiet()) {
        out.println("main: read '" + got + "' on " + where);
      }
      echoed++;
      pending = ByteBuffer.wrap(expected);
    }
  }

  private static void closeAll(List<Backend.Pair> pairs) {
    for (Backend.Pair pair : pairs) {
      try {
        pair.close();
      } catch (IOException e) {
        // closing is best effort here; a failure to close is not a failure of the sample
      }
    }
  }

  private static void joinAll(List<Thread> threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  private static Exception asException(Throwable t) {
    if (t instanceof Exception e) {
      return e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new RuntimeException(t);
  }
}
