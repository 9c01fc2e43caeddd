package io.socketpair4j.bench;

import io.socketpair4j.UnixProcessBuilder;
import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.UnixSocketPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 5. Spawn-to-first-round-trip latency (issue 11): the time from just before a child is started
 * until the parent has sent it 5 bytes and read its echo of them, and until the parent has
 * collected its exit. One run, in a JVM of its own:
 *
 * <pre>
 * java -cp benchmarks.jar io.socketpair4j.bench.SpawnLatency OUT RUN WARMUP ROUNDS BATCH \
 *     SPAWN_REFERENCE ECHO_CHILD [PYTHON PYTHON_BATCH]
 * </pre>
 *
 * <p>Every round runs a batch of BATCH starts (PYTHON_BATCH for the python3 child) of each {@link
 * Row}, a way of starting the child and the child program, in an order that rotates from round to
 * round, so that the ways are measured in the same minutes. WARMUP rounds of the C echo child's
 * rows and one batch of each python3 row come first and are not counted, except that the first
 * start of each Java way is recorded as its cold start; which way starts first in the JVM rotates
 * with RUN. The C way runs {@code SPAWN_REFERENCE BATCH CHILD...} for each batch, a fresh process
 * that warms up with one start of its own and prints its times.
 *
 * <p>Writes one line per start to OUT: {@code WAY CHILD ROUND_TRIP_US EXIT_US}, and for each cold
 * start {@code COLD WAY CHILD ROUND_TRIP_US EXIT_US POSITION} (0: the first start in the JVM).
 * Prints, as its last line, the leak check: the descriptors open in this JVM after the warm-up and
 * after the last round, the children of this JVM not yet reaped, the live Java threads (the JDK's
 * process reapers included) after the warm-up and after the last round, and the children started by
 * each Java way.
 */
public final class SpawnLatency {
  private SpawnLatency() {}

  /** The 5 bytes sent and echoed. */
  static final byte[] MESSAGE = "hello".getBytes(StandardCharsets.US_ASCII);

  /** The echo child in Python: the same protocol as echo_child.c (IN OUT as arguments). */
  static final String PYTHON_ECHO =
      "import os,sys\n"
          + "i,o=int(sys.argv[1]),int(sys.argv[2])\n"
          + "while True:\n"
          + "    b=os.read(i,4096)\n"
          + "    if not b: break\n"
          + "    while b: b=b[os.write(o,b):]\n";

  /** How the child is started. */
  enum Way {
    /** socketpair4j: a UnixSocketPair, its second end at descriptor 3 in the child. */
    OURS("socketpair4j UnixProcessBuilder, pair end at fd 3"),
    /** The JDK's ProcessBuilder: the child's stdin and stdout are pipes. */
    JDK("JDK ProcessBuilder, stdin/stdout pipes"),
    /** socketpair(2) and posix_spawn(3) in C (spawn_reference.c). */
    C("C socketpair + posix_spawn, pair end at fd 3");

    final String title;

    Way(String title) {
      this.title = title;
    }
  }

  /** The child program. */
  enum Child {
    /** echo_child.c, compiled with the machine's cc. */
    C_ECHO("C echo (echo_child.c)"),
    /** The same echo loop in python3. */
    PYTHON("python3 echo");

    final String title;

    Child(String title) {
      this.title = title;
    }
  }

  /** One row of the measurement: a way of starting a child program. */
  record Row(Way way, Child child) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int run = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    String reference = args[5];
    String echo = args[6];
    String python = args.length > 8 ? args[7] : null;
    int pythonBatch = python == null ? 0 : Integer.parseInt(args[8]);

    List<Row> rows = new ArrayList<>();
    for (Child child : Child.values()) {
      if (child == Child.PYTHON && python == null) {
        continue;
      }
      for (Way way : Way.values()) {
        rows.add(new Row(way, child));
      }
    }
    Programs programs = new Programs(reference, echo, python);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      int ways = Way.values().length;
      for (int r = 0; r < warmup; r++) {
        for (int k = 0; k < ways; k++) {
          Row row = new Row(Way.values()[(run + k) % ways], Child.C_ECHO);
          List<double[]> times = programs.run(row, batch);
          if (r == 0 && row.way() != Way.C) {
            double[] first = times.getFirst();
            w.printf("COLD %s %s %.3f %.3f %d%n", row.way(), row.child(), first[0], first[1], k);
          }
        }
      }
      for (Row row : rows) {
        if (row.child() == Child.PYTHON) {
          programs.run(row, pythonBatch);
        }
      }
      long fdsBefore = Descriptors.count();
      int threadsBefore = Thread.getAllStackTraces().size();
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < rows.size(); k++) {
          Row row = rows.get((r + k) % rows.size());
          int n = row.child() == Child.PYTHON ? pythonBatch : batch;
          for (double[] t : programs.run(row, n)) {
            w.printf("%s %s %.3f %.3f%n", row.way(), row.child(), t[0], t[1]);
          }
        }
      }
      long fdsAfter = Descriptors.count();
      int threadsAfter = Thread.getAllStackTraces().size();
      long children = ProcessHandle.current().children().count();
      System.out.println(
          fdsBefore
              + " "
              + fdsAfter
              + " "
              + children
              + " "
              + threadsBefore
              + " "
              + threadsAfter
              + " "
              + programs.started[Way.OURS.ordinal()]
              + " "
              + programs.started[Way.JDK.ordinal()]);
    }
  }

  /** The child programs, and one batch of starts of a row. */
  static final class Programs {
    private final String reference;
    private final String echo;
    private final String python;
    private final ByteBuffer send = ByteBuffer.allocateDirect(MESSAGE.length);
    private final ByteBuffer receive = ByteBuffer.allocateDirect(MESSAGE.length);
    private final byte[] echoed = new byte[MESSAGE.length];

    /** How many children each way has started. */
    final long[] started = new long[Way.values().length];

    Programs(String reference, String echo, String python) {
      this.reference = reference;
      this.echo = echo;
      this.python = python;
      send.put(MESSAGE).flip();
    }

    /** The child's command line, reading {@code in} and writing {@code out}. */
    List<String> command(Child child, int in, int out) {
      String i = Integer.toString(in);
      String o = Integer.toString(out);
      return child == Child.C_ECHO ? List.of(echo, i, o) : List.of(python, "-c", PYTHON_ECHO, i, o);
    }

    /** Starts {@code n} children one after the other; for each, {round trip, exit} in µs. */
    List<double[]> run(Row row, int n) throws IOException, InterruptedException {
      started[row.way().ordinal()] += n;
      if (row.way() == Way.C) {
        return c(command(row.child(), 3, 3), n);
      }
      List<double[]> times = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        times.add(
            row.way() == Way.OURS
                ? ours(command(row.child(), 3, 3))
                : jdk(command(row.child(), 0, 1)));
      }
      return times;
    }

    /**
     * socketpair4j: open a pair, start the child with the second end at descriptor 3 (standard
     * streams inherited), close the parent's copy of that end, write 5 bytes and read the echo on
     * the first end; then close it (the child sees end of stream and exits) and wait for the exit.
     */
    double[] ours(List<String> command) throws IOException, InterruptedException {
      long start = System.nanoTime();
      UnixSocketPair pair = UnixSocketPair.open();
      Process child;
      try {
        child = new UnixProcessBuilder(command).mapDescriptor(3, pair.second()).inheritIO().start();
      } catch (IOException | RuntimeException e) {
        pair.close();
        throw e;
      } finally {
        pair.second().close();
      }
      UnixSocketChannel end = pair.first();
      try {
        send.rewind();
        while (send.hasRemaining()) {
          end.write(send);
        }
        receive.clear();
        while (receive.hasRemaining()) {
          if (end.read(receive) < 0) {
            throw new IOException("end of stream before the echo");
          }
        }
      } finally {
        if (receive.hasRemaining()) { // failed: do not leave the child waiting
          end.close();
        }
      }
      long echoedAt = System.nanoTime();
      end.close();
      int status = child.waitFor();
      long exited = System.nanoTime();
      receive.flip().get(echoed);
      check(status, "socketpair4j");
      return new double[] {(echoedAt - start) / 1e3, (exited - start) / 1e3};
    }

    /**
     * The JDK: start the child with pipes for its standard input and output (standard error
     * inherited), write 5 bytes to its input (flushed) and read the echo from its output; then
     * close its input (the child sees end of stream and exits) and wait for the exit.
     */
    double[] jdk(List<String> command) throws IOException, InterruptedException {
      long start = System.nanoTime();
      Process child = new ProcessBuilder(command).redirectError(Redirect.INHERIT).start();
      OutputStream in = child.getOutputStream();
      InputStream out = child.getInputStream();
      int n;
      try {
        in.write(MESSAGE);
        in.flush();
        n = out.readNBytes(echoed, 0, echoed.length);
      } catch (IOException e) {
        child.destroyForcibly();
        throw e;
      }
      long echoedAt = System.nanoTime();
      in.close();
      int status = child.waitFor();
      long exited = System.nanoTime();
      out.close();
      if (n != echoed.length) {
        throw new IOException("ProcessBuilder: end of stream after " + n + " bytes of the echo");
      }
      check(status, "ProcessBuilder");
      return new double[] {(echoedAt - start) / 1e3, (exited - start) / 1e3};
    }

    private void check(int status, String way) throws IOException {
      if (status != 0) {
        throw new IOException(way + ": the child exited with " + status);
      }
      if (!Arrays.equals(echoed, MESSAGE)) {
        throw new IOException(way + ": wrong echo " + Arrays.toString(echoed));
      }
    }

    /** C: one batch of spawn_reference, which checks its own echoes, exits and descriptors. */
    List<double[]> c(List<String> child, int n) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(reference, Integer.toString(n)));
      command.addAll(child);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      // its pipes are closed here, not left to the JDK's reaper thread, which closes them only
      // some time after waitFor returns: the leak check counts this JVM's descriptors right after
      p.getOutputStream().close(); // nothing to send
      String output;
      try (InputStream stdout = p.getInputStream()) {
        output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(
            "spawn_reference failed: " + output.strip().lines().findFirst().orElse(""));
      }
      List<double[]> times = new ArrayList<>(n);
      for (String line : output.strip().split("\n")) {
        String[] t = line.strip().split(" ");
        times.add(new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])});
      }
      if (times.size() != n) {
        throw new IOException("spawn_reference printed " + times.size() + " of " + n + " times");
      }
      return times;
    }
  }
}
