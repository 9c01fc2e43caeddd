package io.socketpair4j.bench;

import io.socketpair4j.bench.Measurement.Group;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Writes docs/benchmarks.md (machine, commands, medians with ratios to C, the spawn section,
 * targets) and its chart.
 */
final class Report {
  private final Map<Group, List<Measurement>> results;
  private final Map<Subject, String> leaks;
  private final List<String> messageChecks;
  private final SpawnReport spawn;
  private final boolean quick;
  private final String command;
  private final double minutes;

  Report(
      Map<Group, List<Measurement>> results,
      Map<Subject, String> leaks,
      List<String> messageChecks,
      SpawnReport spawn,
      boolean quick,
      String command,
      double minutes) {
    this.results = results;
    this.leaks = leaks;
    this.messageChecks = messageChecks;
    this.spawn = spawn;
    this.quick = quick;
    this.command = command;
    this.minutes = minutes;
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (!results.isEmpty()) { // --only spawn has no row to chart: leave the chart as it is
      chart(dir.resolve("benchmarks.png"));
    }
    Files.writeString(dir.resolve("benchmarks.md"), markdown());
  }

  private Measurement c(Group g) {
    return results.get(g).stream().filter(m -> m.impl() == null).findFirst().orElseThrow();
  }

  private Measurement of(Group g, Subject impl) {
    List<Measurement> row = results.get(g);
    if (row == null) { // a part of the report that was not run (--only)
      return null;
    }
    return row.stream().filter(m -> m.impl() == impl).findFirst().orElse(null);
  }

  /** Every implementation, in the order the report compares them. */
  private static List<Subject> subjects() {
    List<Subject> all = new ArrayList<>(List.of(Impl.values()));
    all.addAll(List.of(MessageImpl.values()));
    return all;
  }

  private String markdown() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append(
            "Every figure is a median measured in one run on one machine, and every ratio compares"
                + " two figures of that run. Written by `")
        .append(command)
        .append("` on ")
        .append(LocalDate.now())
        .append(String.format(Locale.ROOT, " in %.1f minutes", minutes))
        .append(quick ? " (quick mode: short JMH iterations, fewer rounds)" : "")
        .append(".\n\n");
    if (!results.isEmpty()) {
      md.append("![Speed relative to C](benchmarks.png)\n\n");
    }
    md.append("## The machine\n\n").append(Machine.describe()).append('\n');
    md.append("## How to reproduce\n\n");
    md.append("```sh\n./socketpair-bench --quick   # about 10 minutes on 2 cores\n");
    md.append("./socketpair-bench           # longer JMH iterations and more rounds\n");
    md.append(
        "./socketpair-bench --quick --only messages   # only the message and descriptor rows"
            + " (--only streams: only the stream rows)\n");
    md.append(
        "./socketpair-bench --quick --only spawn      # only starting a child with a socket pair"
            + " end\n```\n\n");
    md.append(
        "The command builds `socketpair4j-bench/target/benchmarks.jar` (JMH and every library"
            + " compared), compiles the C references in `socketpair4j-bench/src/main/c`"
            + " (`reference.c`; for the spawn rows `spawn_reference.c` and the child"
            + " `echo_child.c`) with the machine's `cc -O2 -pthread`, runs everything, and rewrites"
            + " this file and `benchmarks.png`. JMH runs one fork per benchmark; the median is"
            + " taken over the measurement iterations. The scaled sample, the leak check and each"
            + " run of the spawn rows run in a JVM of their own.\n\n");
    if (!results.isEmpty()) {
      results(md);
    }
    if (spawn != null) {
      md.append(spawn.markdown());
    }
    if (!results.isEmpty()) {
      checksAndTargets(md);
    }
    return md.toString();
  }

  private void results(StringBuilder md) {
    md.append("## Results\n\n");
    md.append(
        "Ratio to C: the implementation's median divided by C's. For times (µs) lower is"
            + " better; for throughput, round trips and messages per second higher is better. C"
            + " has no virtual threads: its pthreads are the reference for both thread kinds.\n\n");
    md.append(
        "Context switches per round trip (ping-pong and sample rows): the process's voluntary"
            + " and involuntary context switches (`getrusage(RUSAGE_SELF)`: every thread,"
            + " those that ended included) over the measured section divided by its round trips;"
            + " voluntary / involuntary. A thread that waits in the kernel for its reply switches"
            + " out voluntarily: about 2 per round trip when both parties are platform threads"
            + " that block. For JMH they are the median over the measurement iterations of the"
            + " fork's count (a custom profiler; the JVM's own threads count too), for the sample"
            + " the median over its rounds, for C the median over its rounds around the timed"
            + " loop. n/a: they could not be read.\n\n");
    md.append(
        "| measurement | implementation | median | ratio to C | context switches per round"
            + " trip |\n|---|---|---:|---:|---:|\n");
    for (Map.Entry<Group, List<Measurement>> e : results.entrySet()) {
      Group g = e.getKey();
      Measurement c = c(g);
      for (Measurement m : e.getValue()) {
        String name = m.impl() == null ? "C reference" : m.impl().title();
        String value = m.measured() ? format(m.value()) + " " + g.unit() : "—";
        if (m.measured() && g.timeEach()) {
          value += String.format(Locale.ROOT, " (%.2f µs each)", 1e6 / m.value());
        }
        String ratio = m.impl() == null ? "1" : m.measured() ? ratio(m.ratioTo(c)) : "—";
        String note = m.note().isEmpty() ? "" : " (" + m.note() + ")";
        if (m.impl() != null && leaks.containsKey(m.impl()) && m.note().isEmpty()) {
          note = " (" + leaks.get(m.impl()) + ")";
        }
        md.append("| ")
            .append(g.name())
            .append(" | ")
            .append(name)
            .append(note)
            .append(" | ")
            .append(value)
            .append(" | ")
            .append(ratio)
            .append(" | ")
            .append(switches(m))
            .append(" |\n");
      }
    }
    md.append('\n');
  }

  private void checksAndTargets(StringBuilder md) {
    md.append("## Honesty checks\n\n");
    if (results.containsKey(BenchMain.CREATE)) {
      md.append(
          "Each implementation opened and closed 1,000 pairs in a JVM of its own while"
              + " /proc/self/fd was counted before and after (and again after a GC).\n\n");
      for (Impl impl : Impl.values()) {
        md.append("- ")
            .append(impl.title())
            .append(": ")
            .append(leaks.getOrDefault(impl, "no descriptor left open"))
            .append('\n');
      }
      md.append('\n');
    }
    if (!messageChecks.isEmpty()) {
      md.append(
          "Message pairs and descriptor passing, each in a JVM of its own: 1,000 message pairs"
              + " of each type opened and closed, and 10,000 descriptors passed (1 byte + 1"
              + " descriptor per message, each received one closed by the receiver) while"
              + " /proc/self/fd was counted before and after with the pair still open, then"
              + " again after closing it and a GC.\n\n");
      for (String line : messageChecks) {
        md.append("- ").append(line).append('\n');
      }
      md.append('\n');
    }
    md.append(
        "Every benchmark checks its data: ping-pong compares each echoed counter, the bulk"
            + " reader checks bytes of every read and the total received against the total"
            + " written, the sample's clients compare every echo, and the C reference does the"
            + " same.");
    if (!messageChecks.isEmpty()) {
      md.append(
          " Message ping-pong reads into room for 16 bytes and requires every message to be"
              + " exactly 8; descriptor passing checks every message's byte, that exactly one"
              + " descriptor came with it (socketpair4j: of a pipe, from its `Descriptor.kind()`),"
              + " that every message sent was received, and after every JMH iteration that"
              + " /proc/self/fd is back where it began (the C reference checks the same after"
              + " each round).");
    }
    md.append("\n\n");
    md.append("## Targets\n\n");
    md.append(targets());
    md.append(
        "\nWhy the targets that are missed are missed, from profiles, and what would close them:"
            + " [performance-notes.md](performance-notes.md).\n");
  }

  private String targets() {
    StringBuilder t = new StringBuilder();
    if (results.containsKey(BenchMain.CREATE)) { // the stream part ran (not --only messages)
      t.append("| target | measured | met |\n|---|---|---|\n");
    }
    target(t, "native create+close ≤ 1.3× C", BenchMain.CREATE, Impl.NATIVE, 1.3, false);
    target(t, "JDK-channel create+close ≤ 3× C", BenchMain.CREATE, Impl.JDK, 3, false);
    target(t, "ping-pong ≤ 1.3× C (platform)", BenchMain.PING_PLATFORM, Impl.NATIVE, 1.3, false);
    target(t, "ping-pong ≤ 1.3× C (virtual)", BenchMain.PING_VIRTUAL, Impl.NATIVE, 1.3, false);
    target(t, "throughput ≥ 0.9× C (direct)", BenchMain.BULK_DIRECT, Impl.NATIVE, 0.9, true);
    target(t, "throughput ≥ 0.9× C (heap)", BenchMain.BULK_HEAP, Impl.NATIVE, 0.9, true);
    target(
        t,
        "sample, 5000 pairs, virtual threads ≥ 1.2× C pthreads",
        BenchMain.sample(5000, ThreadKind.VIRTUAL),
        Impl.NATIVE,
        1.2,
        true);
    t.append(
        "\nsocketpair4j (the better of its two backends) ahead of every other Java library, row"
            + " by row:\n\n");
    for (Group g : results.keySet()) {
      Measurement ours = null;
      for (Subject s : subjects()) {
        Measurement m = of(g, s);
        if (s.ours() && m != null) {
          ours = ours == null ? m : better(g, ours, m);
        }
      }
      List<String> ahead = new ArrayList<>();
      for (Subject other : subjects()) {
        if (other.ours()) {
          continue;
        }
        Measurement m = of(g, other);
        if (m != null && m.measured() && ours != null && ours.measured()) {
          boolean better =
              g.higherIsBetter() ? ours.value() >= m.value() : ours.value() <= m.value();
          if (!better) {
            ahead.add(other.title());
          }
        }
      }
      t.append("- ")
          .append(g.name())
          .append(": ")
          .append(ahead.isEmpty() ? "yes" : "no, behind " + String.join(", ", ahead))
          .append(ours == null ? "" : " (best: " + ours.impl().title() + ")")
          .append('\n');
    }
    return t.toString();
  }

  private static Measurement better(Group g, Measurement x, Measurement y) {
    if (x == null || !x.measured()) {
      return y;
    }
    if (y == null || !y.measured()) {
      return x;
    }
    boolean xBetter = g.higherIsBetter() ? x.value() >= y.value() : x.value() <= y.value();
    return xBetter ? x : y;
  }

  private void target(
      StringBuilder t, String name, Group g, Impl impl, double bound, boolean atLeast) {
    if (!results.containsKey(g)) { // a part of the report that was not run (--only)
      return;
    }
    Measurement m = of(g, impl);
    if (m == null || !m.measured()) {
      t.append("| ").append(name).append(" | not measured | no |\n");
      return;
    }
    double r = m.ratioTo(c(g));
    boolean met = atLeast ? r >= bound : r <= bound;
    t.append("| ")
        .append(name)
        .append(" | ")
        .append(ratio(r))
        .append(" × C | ")
        .append(
            met
                ? "yes"
                : String.format(Locale.ROOT, "no (by %.0f%%)", 100 * Math.abs(r / bound - 1)))
        .append(" |\n");
  }

  /** "voluntary / involuntary" per round trip; empty for a row that does not count them. */
  private static String switches(Measurement m) {
    if (m.switches() == null) {
      return "";
    }
    if (!m.switches().known()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT, "%.2f / %.2f", m.switches().voluntary(), m.switches().involuntary());
  }

  private static String format(double v) {
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  private void chart(Path png) throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1400)
            .height(700)
            .title("Speed relative to C (1 = C; higher is better)")
            .yAxisTitle("× C")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setOverlapped(false);
    List<String> categories = new ArrayList<>();
    for (Group g : results.keySet()) {
      categories.add(g.shortName());
    }
    // one series per library: the message rows of a library draw in the series of its stream pair
    for (Impl impl : Impl.values()) {
      List<Double> speeds = new ArrayList<>();
      Set<String> titles = new LinkedHashSet<>();
      titles.add(impl.title());
      for (Group g : results.keySet()) {
        Measurement m = null;
        for (Subject s : subjects()) {
          Measurement x = of(g, s);
          if (s.series() == impl && x != null) {
            m = x;
            titles.add(s.title());
          }
        }
        speeds.add(m != null && m.measured() ? m.speedRelativeTo(c(g)) : 0.0);
      }
      chart.addSeries(String.join(" / ", titles), categories, speeds);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
