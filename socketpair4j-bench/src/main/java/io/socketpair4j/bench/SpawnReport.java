package io.socketpair4j.bench;

import io.socketpair4j.bench.SpawnLatency.Child;
import io.socketpair4j.bench.SpawnLatency.Row;
import io.socketpair4j.bench.SpawnLatency.Way;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spawn rows (issue 11): the runs of {@link SpawnLatency}, their figures (median and spread
 * over every start of every run, and each run's median), and their section of the report.
 */
final class SpawnReport {
  /** How the runs were made, for the section's text. */
  record Setup(
      String command,
      int warmup,
      int rounds,
      int batch,
      int pythonBatch,
      String python,
      String pythonMissing) {}

  /** One run of {@link SpawnLatency}, in a JVM of its own. */
  static final class Run {
    final String load;
    final Map<Row, List<double[]>> samples = new LinkedHashMap<>();
    final Map<Way, double[]> cold = new EnumMap<>(Way.class);
    final Map<Way, Integer> coldPosition = new EnumMap<>(Way.class);
    long fdsBefore;
    long fdsAfter;
    long children;
    int threadsBefore;
    int threadsAfter;
    long startedOurs;
    long startedJdk;
    String failure;

    Run(String load) {
      this.load = load;
    }

    static Run failed(String load, String why) {
      Run r = new Run(load);
      r.failure = why;
      return r;
    }

    /** Reads the samples SpawnLatency wrote and the leak check it printed. */
    static Run parse(String load, Path samples, String check) throws IOException {
      Run r = new Run(load);
      for (String line : Files.readAllLines(samples)) {
        String[] w = line.strip().split(" ");
        if (w[0].equals("COLD")) {
          Way way = Way.valueOf(w[1]);
          r.cold.put(way, new double[] {Double.parseDouble(w[3]), Double.parseDouble(w[4])});
          r.coldPosition.put(way, Integer.parseInt(w[5]));
        } else {
          Row row = new Row(Way.valueOf(w[0]), Child.valueOf(w[1]));
          r.samples
              .computeIfAbsent(row, k -> new ArrayList<>())
              .add(new double[] {Double.parseDouble(w[2]), Double.parseDouble(w[3])});
        }
      }
      String[] c = check.strip().split(" ");
      if (c.length != 7) {
        throw new IOException("unexpected leak check line: " + check);
      }
      r.fdsBefore = Long.parseLong(c[0]);
      r.fdsAfter = Long.parseLong(c[1]);
      r.children = Long.parseLong(c[2]);
      r.threadsBefore = Integer.parseInt(c[3]);
      r.threadsAfter = Integer.parseInt(c[4]);
      r.startedOurs = Long.parseLong(c[5]);
      r.startedJdk = Long.parseLong(c[6]);
      return r;
    }

    /** The round trips (which 0) or the times to exit (which 1) of a row, sorted. */
    double[] times(Row row, int which) {
      List<double[]> list = samples.getOrDefault(row, List.of());
      double[] t = new double[list.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = list.get(i)[which];
      }
      Arrays.sort(t);
      return t;
    }
  }

  private final Setup setup;
  private final List<Run> runs;

  SpawnReport(Setup setup, List<Run> runs) {
    this.setup = setup;
    this.runs = runs;
  }

  /** The rows measured, in the report's order. */
  private List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Child child : Child.values()) {
      for (Way way : Way.values()) {
        Row row = new Row(way, child);
        if (runs.stream().anyMatch(r -> r.samples.containsKey(row))) {
          rows.add(row);
        }
      }
    }
    return rows;
  }

  /** Every start of a row in every run, sorted. */
  double[] pooled(Row row, int which) {
    List<double[]> each = new ArrayList<>();
    for (Run r : runs) {
      each.add(r.times(row, which));
    }
    double[] all = each.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    return all;
  }

  /**
   * The {@code p}-th percentile of sorted values, interpolated between the nearest ranks (as a
   * spreadsheet's PERCENTILE); NaN when there are none.
   */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("## Starting a child with a socket pair end\n\n");
    List<Run> ok = runs.stream().filter(r -> r.failure == null).toList();
    md.append(
            "Spawn-to-first-round-trip latency (issue 11): the time from just before a child"
                + " process is started until the parent has sent it 5 bytes and read the child's"
                + " echo of them, and, separately, until the parent has collected the child's"
                + " exit. Measured by `")
        .append(setup.command())
        .append("` on ")
        .append(LocalDate.now())
        .append(": ")
        .append(runs.size())
        .append(" runs, each in a JVM of its own (load average at the start of each: ")
        .append(String.join("; ", runs.stream().map(r -> r.load).toList()))
        .append("). A run warms up with ")
        .append(setup.warmup())
        .append(" rounds of ")
        .append(setup.batch())
        .append(
            " starts of each way (the JIT needs several hundred starts before socketpair4j's"
                + " times settle), then measures ")
        .append(setup.rounds())
        .append(" rounds; each round starts ")
        .append(setup.batch())
        .append(" children of every row one after the other")
        .append(
            setup.python() == null
                ? ""
                : " (" + setup.pythonBatch() + " of the python3 rows, whose child starts slowly)")
        .append(
            ", the rows in an order that rotates from round to round, so every row is measured"
                + " in the same minutes. Median and the 10th and 90th percentiles are over every"
                + " start of every run; *runs* gives each run's median; the ratio divides a"
                + " median by that of the C row with the same child program (each run's ratio in"
                + " brackets).\n\n");
    md.append("What each row includes, from before the first call to the end of the timing:\n\n");
    md.append(
        "- **socketpair4j**: `UnixSocketPair.open()`, `new UnixProcessBuilder(child..., \"3\","
            + " \"3\").mapDescriptor(3, pair.second()).inheritIO().start()` (descriptor staging,"
            + " `posix_spawnp` through FFM, `pidfd_open`, registration with the exit watcher), the"
            + " parent's copy of the second end closed, 5 bytes written to the first end and 5"
            + " read back. Exit: the first end closed (the child reads end of stream and exits),"
            + " then `Process.waitFor()`, which returns when the exit watcher thread has seen the"
            + " pidfd readable in `epoll_wait` and reaped the child with `waitid`.\n");
    md.append(
        "- **ProcessBuilder**: `new ProcessBuilder(child..., \"0\", \"1\")"
            + ".redirectError(Redirect.INHERIT).start()` (this JDK on Linux: `posix_spawn` of"
            + " `jspawnhelper`, which then runs the child with `execve`; pipes for the child's"
            + " stdin and stdout), 5 bytes written to `getOutputStream()` and flushed,"
            + " `readNBytes(5)` from `getInputStream()`. Exit: `getOutputStream()` closed, then"
            + " `waitFor()`, which returns when the JDK's process reaper thread, blocked in"
            + " `waitpid` for this child, has reaped it.\n");
    md.append(
        "- **C**: `socketpair4j-bench/src/main/c/spawn_reference.c`: `socketpair`,"
            + " `posix_spawn` with the second end `adddup2`'d to 3, `addclosefrom_np(4)`, an"
            + " empty signal mask and default dispositions (what UnixProcessBuilder asks for),"
            + " standard streams inherited, the parent's copy closed, `write` and `read`. Exit:"
            + " `close`, then `waitpid(pid)`. Each batch runs in a fresh process, which warms up"
            + " with one start that is not counted.\n");
    md.append(
        "- The child: `socketpair4j-bench/src/main/c/echo_child.c` (compiled with `cc -O2"
            + " -pthread` like the references) reads descriptor 3 (0 for ProcessBuilder) and"
            + " writes what it read to 3 (1) until end of stream, then exits 0.");
    if (setup.python() != null) {
      md.append(" python3 rows: the same loop in `").append(setup.python()).append(" -c ...`.");
    } else {
      md.append(" python3 rows: not run, ").append(setup.pythonMissing()).append('.');
    }
    md.append("\n\n");
    if (ok.isEmpty()) {
      md.append("No run completed:\n\n");
      for (int i = 0; i < runs.size(); i++) {
        md.append("- run ").append(i + 1).append(": ").append(runs.get(i).failure).append('\n');
      }
      return md.append('\n').toString();
    }
    List<Row> rows = rows();
    md.append("### Until the first round trip\n\n");
    table(md, rows, 0);
    md.append("\n### Until the exit is collected\n\n");
    table(md, rows, 1);
    md.append('\n');
    versus(md, rows);
    md.append("\n### The first start in a JVM\n\n");
    md.append(
        "The first start of each Java way in each run (C echo child), in milliseconds: it"
            + " includes loading and linking the classes and native calls involved, so the way"
            + " started first in the JVM also pays for what the two share; which way starts first"
            + " rotates from run to run.\n\n");
    md.append("| started by |");
    for (int i = 0; i < runs.size(); i++) {
      md.append(" run ").append(i + 1).append(" |");
    }
    md.append("\n|---|");
    md.append("---:|".repeat(runs.size()));
    md.append('\n');
    for (Way way : List.of(Way.OURS, Way.JDK)) {
      md.append("| ").append(way.title).append(" |");
      for (Run r : runs) {
        double[] c = r.cold.get(way);
        md.append(' ');
        if (c == null) {
          md.append('—');
        } else {
          md.append(String.format(Locale.ROOT, "%.1f", c[0] / 1e3));
          if (r.coldPosition.get(way) == 0) {
            md.append(" (first)");
          }
        }
        md.append(" |");
      }
      md.append('\n');
    }
    md.append("\n### Checks\n\n");
    md.append(
        "Every start checks the echo (the same 5 bytes) and that the child exited with status"
            + " 0. After the warm-up and after the last round each run counts the descriptors"
            + " open in its JVM (/proc/self/fd) and its live Java threads (the JDK's process"
            + " reaper threads included), and at the end the children it has not reaped; each C"
            + " batch checks the same of itself (/proc/self/fd before and after, and"
            + " `waitpid(-1, WNOHANG)` failing with `ECHILD`) and fails otherwise.\n\n");
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      md.append("- run ").append(i + 1).append(": ");
      if (r.failure != null) {
        md.append(r.failure).append('\n');
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "%,d children started by socketpair4j and %,d by ProcessBuilder; descriptors open"
                  + " %d after the warm-up, %d at the end (%s); children not reaped: %d; live"
                  + " Java threads %d after the warm-up, %d at the end\n",
              r.startedOurs,
              r.startedJdk,
              r.fdsBefore,
              r.fdsAfter,
              r.fdsAfter <= r.fdsBefore
                  ? "none left open"
                  : (r.fdsAfter - r.fdsBefore) + " LEFT OPEN",
              r.children,
              r.threadsBefore,
              r.threadsAfter));
    }
    return md.append('\n').toString();
  }

  private void table(StringBuilder md, List<Row> rows, int which) {
    md.append(
        "| child | started by | median | p10 | p90 | runs (median of each) | ratio to C |\n"
            + "|---|---|---:|---:|---:|---|---:|\n");
    for (Row row : rows) {
      double[] all = pooled(row, which);
      Row c = new Row(Way.C, row.child());
      double cMedian = percentile(pooled(c, which), 50);
      double median = percentile(all, 50);
      List<String> each = new ArrayList<>();
      List<String> ratios = new ArrayList<>();
      for (Run r : runs) {
        double m = percentile(r.times(row, which), 50);
        double cm = percentile(r.times(c, which), 50);
        each.add(Double.isNaN(m) ? "—" : format(m));
        ratios.add(Double.isNaN(m) || Double.isNaN(cm) ? "—" : ratio(m / cm));
      }
      md.append("| ")
          .append(row.child().title)
          .append(" | ")
          .append(row.way().title)
          .append(" | ")
          .append(format(median))
          .append(" µs | ")
          .append(format(percentile(all, 10)))
          .append(" | ")
          .append(format(percentile(all, 90)))
          .append(" | ")
          .append(String.join(", ", each))
          .append(" | ")
          .append(row.way() == Way.C ? "1" : ratio(median / cMedian))
          .append(row.way() == Way.C ? "" : " (" + String.join(", ", ratios) + ")")
          .append(" |\n");
    }
  }

  /** socketpair4j against ProcessBuilder, per child program and measure, with each run's ratio. */
  private void versus(StringBuilder md, List<Row> rows) {
    for (Child child : Child.values()) {
      Row ours = new Row(Way.OURS, child);
      Row jdk = new Row(Way.JDK, child);
      if (!rows.contains(ours) || !rows.contains(jdk)) {
        continue;
      }
      md.append("socketpair4j's time ÷ ProcessBuilder's, ").append(child.title).append(": ");
      List<String> parts = new ArrayList<>();
      for (int which = 0; which < 2; which++) {
        List<String> each = new ArrayList<>();
        for (Run r : runs) {
          double o = percentile(r.times(ours, which), 50);
          double j = percentile(r.times(jdk, which), 50);
          each.add(Double.isNaN(o) || Double.isNaN(j) ? "—" : ratio(o / j));
        }
        parts.add(
            (which == 0 ? "first round trip " : "until the exit ")
                + ratio(percentile(pooled(ours, which), 50) / percentile(pooled(jdk, which), 50))
                + " ("
                + String.join(", ", each)
                + ")");
      }
      md.append(String.join("; ", parts)).append(".\n");
    }
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, v >= 10 ? "%.0f" : "%.1f", v);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  /** The load average (1, 5, 15 minutes) now, as /proc/loadavg gives it. */
  static String loadAverage() {
    try {
      String[] w = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return w[0] + " " + w[1] + " " + w[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The lines the console gets: each row's median and spread. */
  List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (Row row : rows()) {
      for (int which = 0; which < 2; which++) {
        double[] all = pooled(row, which);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %-5s %-12s median %9.1f µs  p10 %9.1f  p90 %9.1f  (%d starts)",
                row.child(),
                row.way(),
                which == 0 ? "round trip" : "exit",
                percentile(all, 50),
                percentile(all, 10),
                percentile(all, 90),
                all.length));
      }
    }
    return lines;
  }
}
