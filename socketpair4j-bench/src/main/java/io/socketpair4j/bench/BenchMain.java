package io.socketpair4j.bench;

import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.bench.Measurement.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every benchmark (the C reference, JMH, the scaled sample, the leak check) and writes the
 * report and its chart.
 */
@Command(
    name = "socketpair-bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    description = "Measures socketpair4j against C, the JDK and other Java libraries.")
public final class BenchMain implements Callable<Integer> {
  static final Group CREATE = new Group("create + close a pair", "create+close", "µs", false);
  static final Group PING_PLATFORM =
      new Group("8-byte round trip, platform threads", "ping-pong (platform)", "µs", false);
  static final Group PING_VIRTUAL =
      new Group("8-byte round trip, virtual threads", "ping-pong (virtual)", "µs", false);
  static final Group BULK_DIRECT =
      new Group("one-way 64 KiB writes, direct buffers", "bulk (direct)", "GB/s", true);
  static final Group BULK_HEAP =
      new Group("one-way 64 KiB writes, heap buffers", "bulk (heap)", "GB/s", true);

  static Group sample(int pairs, ThreadKind kind) {
    return new Group(
        "scaled sample, " + pairs + " pairs, " + kind.name().toLowerCase() + " threads",
        "sample " + pairs + " (" + kind.name().toLowerCase() + ")",
        "round trips/s",
        true);
  }

  /**
   * A message round trip on a SEQPACKET or DGRAM pair (issue 10). C has no virtual threads: its
   * pthreads are the reference for both thread kinds, as for the stream round trip.
   */
  static Group message(UnixDatagramPair.Type type, ThreadKind kind) {
    String name = typeName(type);
    String threads = kind.name().toLowerCase();
    return new Group(
        "8-byte message round trip, " + name + ", " + threads + " threads",
        name.toLowerCase() + " ping-pong (" + threads + ")",
        "µs",
        false);
  }

  /** The kernel's name of a message socket type: SEQPACKET or DGRAM. */
  static String typeName(UnixDatagramPair.Type type) {
    return type == UnixDatagramPair.Type.SEQPACKET ? "SEQPACKET" : "DGRAM";
  }

  /** Descriptors passed per second, 1 byte + 1 descriptor per message (issue 10). */
  static Group descriptors(PassingSocket socket) {
    String name = socket == PassingSocket.STREAM ? "stream" : "SEQPACKET";
    return new Group(
        "1 byte + 1 descriptor per message, " + name + " pair",
        "descriptors (" + name.toLowerCase() + ")",
        "messages/s",
        true,
        true);
  }

  /** The parts of the report that can be run alone. */
  enum Part {
    /** Stream pairs against everything: creation, round trip, throughput, the scaled sample. */
    streams,
    /** Message pairs and descriptor passing against C and junixsocket (issue 10). */
    messages,
    /**
     * Starting a child with a socket pair end against ProcessBuilder and C's posix_spawn (issue
     * 11).
     */
    spawn
  }

  @Option(names = "--quick", description = "Short runs: the whole report in about 10 minutes.")
  boolean quick;

  @Option(
      names = "--only",
      paramLabel = "PART",
      description =
          "Run one part only, ${COMPLETION-CANDIDATES}; the report then has only its rows"
              + " (default: all).")
  Part only;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "docs",
      description =
          "Where benchmarks.md and benchmarks.png are written (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--cc",
      paramLabel = "CC",
      defaultValue = "cc",
      description = "The C compiler for the references (default: ${DEFAULT-VALUE}).")
  String cc;

  private final Map<Group, List<Measurement>> results = new LinkedHashMap<>();
  private final Map<Subject, String> leaks = new LinkedHashMap<>();
  private final List<String> messageChecks = new ArrayList<>();
  private final Map<String, String> rowNotes = new LinkedHashMap<>();
  private Path reference;
  private SpawnReport spawnReport;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    boolean streams = only == null || only == Part.streams;
    boolean messages = only == null || only == Part.messages;
    boolean spawn = only == null || only == Part.spawn;
    String command =
        "./socketpair-bench" + (quick ? " --quick" : "") + (only == null ? "" : " --only " + only);
    // The lengths given to steps other than JMH's are seconds measured in full-mode runs on a
    // 2-core machine (2026-12-03: 44-45 min in all); the C reference's move with C's round trip
    // time, which differs by up to five times between runs, and Progress scales by the pace so far
    Progress plan = new Progress(System.out);
    if (streams || messages) {
      plan.add("compile the C reference", 1, () -> reference = compile("reference"));
    }
    if (streams) {
      plan.add("C reference: stream pairs", quick ? 30 : 180, this::runC);
    }
    if (messages) {
      plan.add("C reference: message pairs, descriptors", quick ? 30 : 200, this::runMessagesC);
    }
    if (streams) {
      plan.add("leak check: stream pairs", Impl.values().length * 3, this::checkLeaks);
    }
    if (messages) {
      plan.add("leak check: message pairs, descriptors", 20, this::checkMessageLeaks);
    }
    if (streams) {
      // Creating pairs warms up slowly (the first 5-8 seconds of a fork run up to twice as long
      // as later ones, see docs/performance-notes.md): give it more warm-up than the others.
      addJmh(
          plan,
          CreateCloseBenchmark.class,
          8,
          () -> jmh(CreateCloseBenchmark.class, r -> CREATE, 1, 8));
      addJmh(
          plan,
          PingPongBenchmark.class,
          3,
          () ->
              jmh(
                  PingPongBenchmark.class,
                  r ->
                      r.getParams().getParam("threads").equals("VIRTUAL")
                          ? PING_VIRTUAL
                          : PING_PLATFORM,
                  1,
                  3));
      // (the round trip's context switches are counted by ContextSwitchProfiler, see jmh below)
      addJmh(
          plan,
          ThroughputBenchmark.class,
          3,
          () ->
              jmh(
                  ThroughputBenchmark.class,
                  r -> r.getParams().getParam("buffer").equals("HEAP") ? BULK_HEAP : BULK_DIRECT,
                  ThroughputBenchmark.CHUNK / 1e9, // writes/s to GB/s
                  3));
    }
    if (messages) {
      addJmh(plan, MessagePingPongBenchmark.class, 2, this::runMessageRoundTrips);
      addJmh(plan, DescriptorPassingBenchmark.class, 2, this::runDescriptorPassing);
    }
    if (streams) {
      int samples = 3 * ThreadKind.values().length * Impl.values().length - 2;
      plan.add(
          "the scaled sample: " + samples + " runs, one JVM each",
          samples * (quick ? 6 : 28),
          this::runSamples);
    }
    if (spawn) {
      plan.add(
          "starting children: " + (quick ? 3 : 5) + " runs, one JVM each",
          quick ? 40 : 200,
          () -> spawnReport = runSpawn(command));
    }
    plan.run();
    double minutes = (System.nanoTime() - start) / 60e9;
    new Report(results, leaks, messageChecks, spawnReport, quick, command, minutes).write(out);
    System.out.println("wrote " + out.resolve("benchmarks.md") + " and benchmarks.png");
    return 0;
  }

  /**
   * Adds to the plan the step that runs one JMH benchmark class, with its length estimated from its
   * configurations and the iterations and times {@link #jmh} gives them.
   */
  private void addJmh(Progress plan, Class<?> benchmark, int quickWarmups, Progress.Action run) {
    int configurations = 1;
    for (java.lang.reflect.Field f : benchmark.getDeclaredFields()) {
      org.openjdk.jmh.annotations.Param p =
          f.getAnnotation(org.openjdk.jmh.annotations.Param.class);
      if (p != null) {
        configurations *= p.value().length;
      }
    }
    double perConfiguration =
        (quick ? quickWarmups : 2 * quickWarmups) + (quick ? 4 : 20) + 2; // + the fork's start
    plan.add(
        "JMH " + benchmark.getSimpleName() + ": " + configurations + " configurations",
        configurations * perConfiguration,
        run);
  }

  // -- C -----------------------------------------------------------------------------------

  /**
   * Compiles one of the C programs in this jar ({@code NAME.c}, with the {@code bench_common.h} it
   * may include) with {@code cc -O2 -pthread}.
   */
  private Path compile(String name) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("socketpair4j-bench");
    Path source = dir.resolve(name + ".c");
    try (InputStream in = BenchMain.class.getResourceAsStream("/" + name + ".c")) {
      Files.copy(in, source);
    }
    try (InputStream in = BenchMain.class.getResourceAsStream("/bench_common.h")) {
      Files.copy(in, dir.resolve("bench_common.h")); // what the programs share
    }
    Path binary = dir.resolve(name);
    exec(List.of(cc, "-O2", "-pthread", "-o", binary.toString(), source.toString()));
    return binary;
  }

  private void runC() throws IOException, InterruptedException {
    int rounds = quick ? 3 : 7;
    add(CREATE, null, c("create", rounds, "200000").value());
    CFigure ping = c("pingpong", rounds, quick ? "50000" : "200000");
    add(PING_PLATFORM, null, ping.value(), ping.switches());
    // C has no virtual threads: pthreads are its reference
    add(PING_VIRTUAL, null, ping.value(), ping.switches());
    double bulk = c("throughput", rounds, quick ? "2048" : "8192").value();
    add(BULK_DIRECT, null, bulk);
    add(BULK_HEAP, null, bulk);
    for (int pairs : new int[] {100, 1000, 5000}) {
      CFigure rate = c("sample", quick ? 1 : 3, Integer.toString(pairs), repetitions(pairs));
      add(sample(pairs, ThreadKind.PLATFORM), null, rate.value(), rate.switches());
      add(sample(pairs, ThreadKind.VIRTUAL), null, rate.value(), rate.switches());
    }
  }

  private void runMessagesC() throws IOException, InterruptedException {
    int rounds = quick ? 3 : 7;
    for (UnixDatagramPair.Type type : UnixDatagramPair.Type.values()) {
      String name = typeName(type).toLowerCase();
      CFigure trip = c("message", rounds, quick ? "50000" : "200000", name);
      add(message(type, ThreadKind.PLATFORM), null, trip.value(), trip.switches());
      add(message(type, ThreadKind.VIRTUAL), null, trip.value(), trip.switches());
    }
    for (PassingSocket socket : PassingSocket.values()) {
      String name = socket.name().toLowerCase();
      add(
          descriptors(socket),
          null,
          c("fdpass", rounds, quick ? "100000" : "500000", name).value());
    }
  }

  /**
   * One figure of the C reference: its median and, for the round trips (pingpong, message, sample),
   * the median voluntary and involuntary context switches per round trip, which it prints after the
   * median on the same line (NaN when getrusage failed).
   */
  record CFigure(double value, ContextSwitches.PerTrip switches) {}

  /** Runs one measurement of the C reference: {@code reference WHAT ROUNDS ARGS...}. */
  private CFigure c(String what, int rounds, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(reference.toString(), what, Integer.toString(rounds)));
    command.addAll(Arrays.asList(args));
    String[] tokens = exec(command).strip().split("\\s+");
    return new CFigure(Double.parseDouble(tokens[0]), ContextSwitches.PerTrip.parse(tokens, 1));
  }

  private String repetitions(int pairs) {
    if (quick) {
      return pairs >= 1000 ? "50" : "200";
    }
    return pairs >= 1000 ? "200" : "1000";
  }

  // -- the leak check ------------------------------------------------------------------------

  private void checkLeaks() throws IOException, InterruptedException {
    for (Impl impl : Impl.values()) {
      String[] perPair;
      try {
        perPair = java(Duration.ofMinutes(5), LeakCheck.class, impl.name(), "1000").split(" ");
      } catch (TimeoutException e) {
        leaks.put(impl, "leak check did not finish");
        continue;
      }
      double now = Double.parseDouble(perPair[0]);
      double afterGc = Double.parseDouble(perPair[1]);
      if (now > 0.01) {
        leaks.put(
            impl,
            String.format(
                "leaks %.2f descriptors per pair after close (%.2f after a GC)", now, afterGc));
      }
    }
  }

  /**
   * The message rows' honesty checks: 1,000 message pairs of each type opened and closed, and
   * 10,000 descriptors passed on each socket type, counting /proc/self/fd (see MessageLeakCheck).
   */
  private void checkMessageLeaks() throws IOException, InterruptedException {
    for (MessageImpl impl : MessageImpl.values()) {
      Map<String, List<String>> typesByVerdict = new LinkedHashMap<>();
      for (UnixDatagramPair.Type type : UnixDatagramPair.Type.values()) {
        String verdict = messageLeakCheck("pairs", impl, type.name(), 1000);
        messageChecks.add(
            impl.title() + ", " + typeName(type) + ": 1,000 pairs opened and closed: " + verdict);
        typesByVerdict.computeIfAbsent(verdict, k -> new ArrayList<>()).add(typeName(type));
      }
      typesByVerdict.remove(NO_LEAK);
      if (typesByVerdict.size() == 1 && typesByVerdict.values().iterator().next().size() == 2) {
        leaks.put(impl, typesByVerdict.keySet().iterator().next()); // the same for both types
      } else if (!typesByVerdict.isEmpty()) {
        List<String> each = new ArrayList<>();
        typesByVerdict.forEach((v, types) -> each.add(String.join(", ", types) + ": " + v));
        leaks.put(impl, String.join("; ", each));
      }
    }
    for (PassingSocket socket : PassingSocket.values()) {
      for (MessageImpl impl : MessageImpl.values()) {
        Subject subject = DescriptorPassing.subject(impl, socket);
        String verdict = messageLeakCheck("descriptors", impl, socket.name(), 10_000);
        messageChecks.add(
            "descriptor passing, "
                + subject.title()
                + ", "
                + socket
                + ": 10,000 descriptors received and closed: "
                + verdict);
        if (!verdict.equals(NO_LEAK)) {
          rowNotes.put(descriptors(socket).name() + "|" + subject.title(), verdict);
        }
      }
    }
  }

  private static final String NO_LEAK = "no descriptor left open";

  private String messageLeakCheck(String what, MessageImpl impl, String type, int n)
      throws IOException, InterruptedException {
    String[] perOne;
    try {
      perOne =
          java(
                  Duration.ofMinutes(5),
                  MessageLeakCheck.class,
                  what,
                  impl.name(),
                  type,
                  Integer.toString(n))
              .split(" ");
    } catch (TimeoutException e) {
      return "leak check did not finish";
    } catch (IOException e) {
      return "leak check failed: " + e.getMessage();
    }
    double now = Double.parseDouble(perOne[0]);
    double afterGc = Double.parseDouble(perOne[1]);
    if (what.equals("pairs") && now > 0.01) { // as the stream pairs' leak check
      return String.format(
          "leaks %.2f descriptors per pair after close (%.2f after a GC)", now, afterGc);
    }
    if (what.equals("descriptors") && now * n >= 1) { // a single descriptor is reported
      return String.format(
          "%.0f descriptors left open after %,d messages (%.0f after closing the pair and a GC)",
          now * n, n, afterGc * n);
    }
    return NO_LEAK;
  }

  // -- JMH -----------------------------------------------------------------------------------

  private void jmh(
      Class<?> benchmark, Function<RunResult, Group> group, double scale, int quickWarmups)
      throws RunnerException {
    List<Map.Entry<Group, Subject>> expected = new ArrayList<>();
    for (Impl impl : Impl.values()) {
      for (Group g : groupsOf(benchmark)) {
        expected.add(Map.entry(g, impl));
      }
    }
    jmh(
        benchmark,
        group,
        r -> Impl.valueOf(r.getParams().getParam("impl")),
        expected,
        scale,
        quickWarmups);
  }

  private void runMessageRoundTrips() throws RunnerException {
    List<Map.Entry<Group, Subject>> trips = new ArrayList<>();
    for (MessageImpl impl : MessageImpl.values()) {
      for (UnixDatagramPair.Type type : UnixDatagramPair.Type.values()) {
        for (ThreadKind kind : ThreadKind.values()) {
          trips.add(Map.entry(message(type, kind), impl));
        }
      }
    }
    // the message rows warm up as fast as the stream round trip; 2 warm-up iterations in the
    // quick mode keep the whole report near 10 minutes
    jmh(
        MessagePingPongBenchmark.class,
        r ->
            message(
                UnixDatagramPair.Type.valueOf(r.getParams().getParam("type")),
                ThreadKind.valueOf(r.getParams().getParam("threads"))),
        r -> MessageImpl.valueOf(r.getParams().getParam("impl")),
        trips,
        1,
        2);
  }

  private void runDescriptorPassing() throws RunnerException {
    List<Map.Entry<Group, Subject>> passes = new ArrayList<>();
    for (MessageImpl impl : MessageImpl.values()) {
      for (PassingSocket socket : PassingSocket.values()) {
        passes.add(Map.entry(descriptors(socket), DescriptorPassing.subject(impl, socket)));
      }
    }
    jmh(
        DescriptorPassingBenchmark.class,
        r -> descriptors(PassingSocket.valueOf(r.getParams().getParam("socket"))),
        r ->
            DescriptorPassing.subject(
                MessageImpl.valueOf(r.getParams().getParam("impl")),
                PassingSocket.valueOf(r.getParams().getParam("socket"))),
        passes,
        1,
        2);
  }

  /**
   * Runs every configuration of one JMH benchmark and adds the median of each, scaled, to its row;
   * an expected row that has no result (the benchmark failed) is added as failed.
   */
  private void jmh(
      Class<?> benchmark,
      Function<RunResult, Group> group,
      Function<RunResult, Subject> subject,
      List<Map.Entry<Group, Subject>> expected,
      double scale,
      int quickWarmups)
      throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(Pattern.quote(benchmark.getName()) + "\\.")
            .forks(1)
            .warmupIterations(quick ? quickWarmups : 2 * quickWarmups)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 4 : 10)
            .measurementTime(TimeValue.seconds(quick ? 1 : 2))
            .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
            .shouldFailOnError(false);
    // the round trips' operations are round trips: count the fork's context switches per one
    boolean roundTrips =
        benchmark == PingPongBenchmark.class || benchmark == MessagePingPongBenchmark.class;
    if (roundTrips) {
      options.addProfiler(ContextSwitchProfiler.class);
    }
    Collection<RunResult> runs = new Runner(options.build()).run();
    Map<String, Group> seen = new LinkedHashMap<>();
    for (RunResult run : runs) {
      Subject impl = subject.apply(run);
      Group g = group.apply(run);
      seen.put(g.name() + "|" + impl.title(), g);
      if (roundTrips) {
        add(g, impl, median(run) * scale, switches(run));
      } else {
        add(g, impl, median(run) * scale);
      }
    }
    // a benchmark that failed (for example, out of descriptors) leaves no result: say so
    for (Map.Entry<Group, Subject> e : expected) {
      Group g = e.getKey();
      Subject impl = e.getValue();
      if (!seen.containsKey(g.name() + "|" + impl.title())) {
        addMissing(g, impl, "failed: see the run's output" + leakHint(impl));
      }
    }
  }

  private List<Group> groupsOf(Class<?> benchmark) {
    if (benchmark == CreateCloseBenchmark.class) {
      return List.of(CREATE);
    }
    if (benchmark == PingPongBenchmark.class) {
      return List.of(PING_PLATFORM, PING_VIRTUAL);
    }
    return List.of(BULK_DIRECT, BULK_HEAP);
  }

  private String leakHint(Subject impl) {
    return leaks.containsKey(impl) ? " (it " + leaks.get(impl) + ", and ran out)" : "";
  }

  private static double median(RunResult run) {
    List<Double> scores = new ArrayList<>();
    for (BenchmarkResult b : run.getBenchmarkResults()) {
      for (IterationResult i : b.getIterationResults()) {
        scores.add(i.getPrimaryResult().getScore());
      }
    }
    return median(scores);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    values.sort(null);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  /**
   * The medians over the measurement iterations of ContextSwitchProfiler's counts per round trip;
   * unknown when the fork could not count them.
   */
  private static ContextSwitches.PerTrip switches(RunResult run) {
    List<Double> voluntary = new ArrayList<>();
    List<Double> involuntary = new ArrayList<>();
    for (BenchmarkResult b : run.getBenchmarkResults()) {
      for (IterationResult i : b.getIterationResults()) {
        Result<?> v = i.getSecondaryResults().get(ContextSwitchProfiler.VOLUNTARY);
        Result<?> n = i.getSecondaryResults().get(ContextSwitchProfiler.INVOLUNTARY);
        if (v != null && n != null) {
          voluntary.add(v.getScore());
          involuntary.add(n.getScore());
        }
      }
    }
    if (voluntary.isEmpty()) {
      return ContextSwitches.PerTrip.UNKNOWN;
    }
    return new ContextSwitches.PerTrip(median(voluntary), median(involuntary));
  }

  // -- the scaled sample ---------------------------------------------------------------------

  private void runSamples() throws IOException, InterruptedException {
    for (int pairs : new int[] {100, 1000, 5000}) {
      for (ThreadKind kind : ThreadKind.values()) {
        for (Impl impl : Impl.values()) {
          Group g = sample(pairs, kind);
          if (impl == Impl.PIPES && pairs == 5000) {
            addMissing(g, impl, "not run: 4 descriptors per pair, 20,000 is this machine's limit");
            continue;
          }
          try {
            String[] printed =
                java(
                        Duration.ofSeconds(quick ? 30 : 300),
                        ScaledSample.class,
                        impl.name(),
                        Integer.toString(pairs),
                        repetitions(pairs),
                        kind.name(),
                        quick ? "1" : "3")
                    .strip()
                    .split("\\s+");
            // the rate, then the context switches per round trip (see ScaledSample.main)
            add(g, impl, Double.parseDouble(printed[0]), ContextSwitches.PerTrip.parse(printed, 1));
          } catch (TimeoutException e) {
            addMissing(g, impl, "did not finish within " + e.getMessage());
          } catch (IOException e) {
            addMissing(g, impl, "failed: " + e.getMessage());
          }
        }
      }
    }
  }

  // -- starting a child (issue 11) ----------------------------------------------------------

  /**
   * Runs {@link SpawnLatency} in fresh JVMs, one after the other: 3 runs in the quick mode, 5
   * otherwise (each about 12 and 30 seconds on 2 cores).
   */
  private SpawnReport runSpawn(String command) throws IOException, InterruptedException {
    Path spawnReference = compile("spawn_reference");
    Path echo = compile("echo_child");
    String python = null;
    String pythonMissing = null;
    try {
      python = exec(List.of("python3", "-c", "import sys; print(sys.executable)")).strip();
      if (python.isEmpty()) {
        python = null;
        pythonMissing = "python3 does not name its interpreter (sys.executable is empty)";
      }
    } catch (IOException e) {
      pythonMissing = "python3 cannot be run here (" + e.getMessage() + ")";
    }
    int warmup = 20;
    int rounds = quick ? 20 : 40;
    int batch = 50;
    int pythonBatch = quick ? 2 : 4;
    SpawnReport.Setup setup =
        new SpawnReport.Setup(command, warmup, rounds, batch, pythonBatch, python, pythonMissing);
    List<SpawnReport.Run> runs = new ArrayList<>();
    int count = quick ? 3 : 5;
    for (int i = 0; i < count; i++) {
      String load = SpawnReport.loadAverage();
      Path samples = Files.createTempFile("socketpair4j-spawn", ".txt");
      try {
        List<String> args =
            new ArrayList<>(
                List.of(
                    samples.toString(),
                    Integer.toString(i),
                    Integer.toString(warmup),
                    Integer.toString(rounds),
                    Integer.toString(batch),
                    spawnReference.toString(),
                    echo.toString()));
        if (python != null) {
          args.addAll(List.of(python, Integer.toString(pythonBatch)));
        }
        String check =
            java(
                Duration.ofMinutes(quick ? 2 : 5), SpawnLatency.class, args.toArray(String[]::new));
        runs.add(SpawnReport.Run.parse(load, samples, check));
      } catch (TimeoutException e) {
        runs.add(SpawnReport.Run.failed(load, "did not finish within " + e.getMessage()));
      } catch (IOException e) {
        runs.add(SpawnReport.Run.failed(load, "failed: " + e.getMessage()));
      } finally {
        Files.deleteIfExists(samples);
      }
      System.out.println("spawn run " + (i + 1) + " of " + count + " done (load " + load + ")");
    }
    SpawnReport report = new SpawnReport(setup, runs);
    report.summary().forEach(System.out::println);
    return report;
  }

  // -- plumbing ------------------------------------------------------------------------------

  private void add(Group g, Subject impl, double value) {
    add(g, impl, value, null);
  }

  /** Adds a row; {@code switches}: its context switches per round trip, null for other rows. */
  private void add(Group g, Subject impl, double value, ContextSwitches.PerTrip switches) {
    String note = impl == null ? "" : rowNotes.getOrDefault(g.name() + "|" + impl.title(), "");
    results
        .computeIfAbsent(g, k -> new ArrayList<>())
        .add(new Measurement(g, impl, value, note, switches));
    System.out.printf(
        "%-45s %-12s %12.3f %s%s%n",
        g.name(),
        impl == null ? "C" : impl,
        value,
        g.unit(),
        switches == null
            ? ""
            : switches.known()
                ? String.format(
                    Locale.ROOT,
                    "  (%.3f voluntary, %.3f involuntary switches per round trip)",
                    switches.voluntary(),
                    switches.involuntary())
                : "  (context switches n/a)");
  }

  private void addMissing(Group g, Subject impl, String why) {
    results
        .computeIfAbsent(g, k -> new ArrayList<>())
        .add(new Measurement(g, impl, Double.NaN, why));
    System.out.printf("%-45s %-12s %s%n", g.name(), impl, why);
  }

  /**
   * Runs a main class of this jar in a JVM of its own and returns the last line it printed.
   *
   * @throws TimeoutException if it runs longer than {@code limit} (it is then killed)
   */
  private static String java(Duration limit, Class<?> main, String... args)
      throws IOException, InterruptedException, TimeoutException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(Arrays.asList(args));
    Path log = Files.createTempFile("socketpair4j-bench", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new TimeoutException(limit.toSeconds() + " s");
      }
      List<String> lines = Files.readAllLines(log).stream().map(String::strip).toList();
      if (p.exitValue() != 0) {
        throw new IOException(
            lines.stream()
                .filter(l -> l.contains("Exception"))
                .findFirst()
                .orElse("exit " + p.exitValue()));
      }
      // the last line is the result: a JVM may print warnings first
      return lines.isEmpty() ? "" : lines.getLast();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed: " + output.strip().lines().findFirst().orElse(""));
    }
    List<String> lines = output.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.getLast();
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  /** Reads the version that the build wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      java.util.Properties properties = new java.util.Properties();
      try (InputStream in = BenchMain.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "socketpair-bench (socketpair4j " + properties.getProperty("version", "unknown") + ")"
      };
    }
  }
}
