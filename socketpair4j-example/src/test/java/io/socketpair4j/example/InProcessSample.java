package io.socketpair4j.example;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * For tests that run the sample in the test JVM: {@link #run} calls {@link SocketpairExample#run}
 * with standard output and error captured, afresh for each run.
 */
abstract class InProcessSample {
  protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
  protected final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs the command with {@code args}; returns its exit status. */
  protected int run(String... args) {
    out.reset();
    err.reset();
    return SocketpairExample.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** The lines the last run printed to standard output. */
  protected List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** What the last run printed to standard error. */
  protected String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
