package io.socketpair4j.example;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's socketpair sample on socketpair4j. Each client owns one pair: it writes its name to
 * {@code second()} and waits for the echo, {@code repetitions} times (see {@link Client}). The main
 * thread waits on the {@code first()} end of every pair with one selector, reads each name, checks
 * that it belongs to that pair, prints it and writes it back. Then it tears down: joins the clients
 * and closes every end. The same logic serves every {@linkplain SocketType type of socket}, through
 * {@link End}; under {@code --pass-fd} each name comes with a {@linkplain PassedSocket socket that
 * carries it}; and the clients run on threads or, under {@code --processes}, each in a child
 * process that was handed its end (see {@link Clients}).
 */
final class EchoSample {

  /**
   * What to run. {@code peer} is the program each client process runs under {@code --processes}, or
   * null for clients on threads of this JVM; {@code threads} is the kind of the client threads, or
   * of the threads that watch the client processes.
   */
  record Settings(
      int pairs,
      int repetitions,
      ThreadKind threads,
      boolean quiet,
      Backend backend,
      SocketType type,
      boolean passFd,
      Peer peer) {
    Settings {
      if (pairs < 1) {
        throw new IllegalArgumentException("pairs must be at least 1, was " + pairs);
      }
      if (repetitions < 1) {
        throw new IllegalArgumentException("repetitions must be at least 1, was " + repetitions);
      }
      if (!backend.offers(type)) {
        throw new IllegalArgumentException(backend + " has no " + type.optionValue() + " pairs");
      }
      if (passFd && !backend.passesDescriptors()) {
        throw new IllegalArgumentException(backend + " cannot pass descriptors");
      }
      if (peer != null && !backend.handsEndsToProcesses()) {
        throw new IllegalArgumentException(backend + " cannot hand an end to a child process");
      }
    }

    /** Where the clients run. */
    Clients clients(PrintStream err) {
      return peer == null
          ? new ClientThreads(threads, repetitions, passFd)
          : new ClientProcesses(peer, this, err);
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final PrintStream err;
  private final AtomicReference<Throwable> clientFailure = new AtomicReference<>();
  private long echoed;

  /**
   * A sample that prints its lines on {@code out}; {@code err} shows what client processes print,
   * if anything.
   */
  EchoSample(Settings settings, PrintStream out, PrintStream err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the sample, printing every line but the verdict. Returns normally when every round trip
   * succeeded; throws the first failure otherwise. Every pair and every descriptor received is
   * closed and every client thread or process has ended when this method returns, on success and on
   * failure.
   */
  void run() throws Exception {
    out.println("setting-up");
    List<Backend.Pair> pairs = new ArrayList<>();
    List<Echo> echoes = new ArrayList<>();
    Clients clients = settings.clients(err);
    Backend backend = settings.backend();
    try (Selector selector = backend.openSelector()) {
      try {
        for (int i = 0; i < settings.pairs(); i++) {
          Backend.Pair pair = backend.open(i, settings.type());
          pairs.add(pair);
          String name = Names.of(i);
          out.println(name + ": socketpair: " + pair.firstLabel() + " <=> " + pair.secondLabel());
          pair.first().channel().configureBlocking(false);
          Echo echo = new Echo(name, pair.first(), backend.describe(pair.firstLabel()));
          echoes.add(echo);
          pair.first().channel().register(selector, SelectionKey.OP_READ, echo);
        }
        long start = System.nanoTime();
        for (int i = 0; i < pairs.size(); i++) {
          clients.start(
              Names.of(i),
              pairs.get(i).second(),
              failure -> {
                if (clientFailure.compareAndSet(null, failure)) {
                  selector.wakeup();
                }
              });
        }
        serve(selector);
        long nanos = System.nanoTime() - start;
        if (settings.quiet()) {
          out.println(summary(echoed, nanos));
        }
        out.println("tearing-down");
        clients.join();
        Throwable failure = clientFailure.get();
        if (failure != null) {
          throw asException(failure);
        }
      } finally {
        // On failure, ends the clients that are still waiting, so that they can be joined: client
        // processes first, which might otherwise not see the ends close; closing the ends wakes
        // client threads still blocked.
        clients.stop();
        closeAll(pairs);
        clients.join();
        for (Echo echo : echoes) {
          echo.in.close();
        }
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

  /**
   * The main thread's end of one pair: receives a whole name (with its descriptor, under {@code
   * --pass-fd}), checks it, prints it, echoes it. After the last echo of the run it leaves the
   * selector: its client is done, and a client process then exits, which closes its end.
   */
  private final class Echo {
    private final String name;
    private final byte[] expected;
    private final End end;
    private final String where; // "fd 7", or "end #1"
    private final Incoming in;
    private ByteBuffer pending; // an echo not yet fully written
    private int echoes; // written in full

    Echo(String name, End end, String where) {
      this.name = name;
      this.expected = name.getBytes(StandardCharsets.US_ASCII);
      this.end = end;
      this.where = where;
      this.in =
          new Incoming(end, expected.length, "main: end of stream on " + where + " (" + name + ")");
    }

    void onReady(SelectionKey key) {
      try {
        if (pending == null && key.isReadable() && in.receive(settings.passFd())) {
          received();
        }
        if (pending != null) {
          end.send(pending);
          if (pending.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
          } else {
            pending = null;
            in.clear();
            if (++echoes == settings.repetitions()) {
              key.cancel();
            } else {
              key.interestOps(SelectionKey.OP_READ);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void received() throws IOException {
      String got = in.text();
      if (!in.is(expected)) {
        throw new IllegalStateException(
            "main: read '" + got + "' on " + where + ", which belongs to " + name);
      }
      String passed =
          settings.passFd() ? " with " + PassedSocket.receive(in.takeDescriptors(), expected) : "";
      if (!settings.quiet()) {
        out.println("main: read '" + got + "' on " + where + passed);
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
