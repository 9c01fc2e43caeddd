package io.socketpair4j.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code socketpair-bench} is doing while it runs: a plan of steps, each with an estimate of
 * its length, run in order. Before each step one line says which step it is, how many are left, and
 * about how long the rest will take: the estimates of the steps left, scaled by how the steps done
 * so far compared with theirs (within a factor of two either way, so one odd step does not throw
 * the estimate off).
 */
final class Progress {
  /** A step of the run; {@code seconds} is what it is expected to take. */
  record Step(String label, double seconds, Action action) {}

  /** The work of a step. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private final List<Step> steps = new ArrayList<>();
  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  /** Adds a step to the plan. */
  void add(String label, double seconds, Action action) {
    steps.add(new Step(label, seconds, action));
  }

  /** Runs the plan, saying what each step is before it starts, and when everything is done. */
  void run() throws Exception {
    long start = System.nanoTime();
    double estimatedDone = 0;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      double elapsed = (System.nanoTime() - start) / 1e9;
      double left = 0;
      for (int j = i; j < steps.size(); j++) {
        left += steps.get(j).seconds();
      }
      double pace = estimatedDone > 30 ? Math.clamp(elapsed / estimatedDone, 0.5, 2.0) : 1.0;
      out.println(line(i + 1, steps.size(), step, elapsed, left * pace));
      out.flush();
      step.action().run();
      estimatedDone += step.seconds();
    }
    out.printf(
        Locale.ROOT,
        "==> done: %d step%s in %s%n",
        steps.size(),
        steps.size() == 1 ? "" : "s",
        duration((System.nanoTime() - start) / 1e9));
  }

  /** {@code ==> step 4 of 13: JMH PingPongBenchmark (12 runs, about 5 min); about 31 min left}. */
  static String line(int number, int total, Step step, double elapsedSeconds, double leftSeconds) {
    return String.format(
        Locale.ROOT,
        "==> step %d of %d: %s (about %s); %s elapsed, about %s left",
        number,
        total,
        step.label(),
        duration(step.seconds()),
        duration(elapsedSeconds),
        duration(leftSeconds));
  }

  /** {@code "40 s"}, {@code "7 min"}, {@code "1 h 12 min"}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 90) {
      return s + " s";
    }
    long minutes = Math.round(seconds / 60);
    return minutes < 60 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
  }
}
