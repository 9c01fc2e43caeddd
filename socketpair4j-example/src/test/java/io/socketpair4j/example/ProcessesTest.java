package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --processes} with the Java peer, in process: the clients are child JVMs started from this
 * test JVM's class path. Each run starts a JVM per pair, so the runs here keep to 3 pairs; 50 pairs
 * run once, from the jar, in {@link SocketpairExampleIT}.
 */
@Timeout(120)
class ProcessesTest extends InProcessSample {

  /** The lines with every number as N, sorted: the run's content, not its order. */
  private static List<String> modNumbers(List<String> lines) {
    return lines.stream().map(l -> l.replaceAll("\\b\\d+\\b", "N")).sorted().toList();
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void defaultsPrintWhatThreadsPrint() {
    assertThat(run()).as(errText()).isZero();
    List<String> threads = lines();
    assertThat(run("--processes")).as(errText()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false);
    assertThat(lines()).hasSize(1 + 3 + 9 + 2);
    assertThat(modNumbers(lines())).isEqualTo(modNumbers(threads));
    // The children printed nothing: no warning about native access, no stray output.
    assertThat(errText()).isEmpty();
  }

  @ParameterizedTest(name = "--processes {0}")
  @ValueSource(
      strings = {
        "--type=seqpacket",
        "--type=datagram",
        "--type=stream --pass-fd",
        "--type=seqpacket --pass-fd --threads=virtual",
        "--type=datagram --pass-fd --repetitions=5"
      })
  void everyTypeWithAndWithoutPassFd(String options) {
    List<String> args =
        Stream.concat(Stream.of("--processes"), Stream.of(options.split(" "))).toList();
    assertThat(run(args.toArray(String[]::new))).as(errText()).isZero();
    int repetitions = options.contains("--repetitions=5") ? 5 : 3;
    SampleOutput.assertSuccess(lines(), 3, repetitions, false, options.contains("--pass-fd"));
    assertThat(errText()).isEmpty();
  }

  @Test
  void quietPrintsTheSummary() {
    assertThat(run("--processes", "--pairs", "2", "--repetitions", "50", "--quiet"))
        .as(errText())
        .isZero();
    SampleOutput.assertSuccess(lines(), 2, 50, true);
  }

  @Test
  void leavesNoDescriptorOpenInTheParent() throws IOException {
    // A first run starts what lives as long as the JVM (the exit watcher of UnixProcessBuilder).
    assertThat(run("--processes", "--pairs", "1", "--repetitions", "1")).isZero();
    long before = openDescriptors();
    assertThat(run("--processes", "--type", "seqpacket", "--pass-fd")).as(errText()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false, true);
    assertThat(openDescriptors()).isLessThanOrEqualTo(before);
  }

  @Test
  void clientModeWithoutAnInheritedEndSaysSoAndExits1() {
    // What a child run by hand, not by --processes, does: there is no LISTEN_FDS here.
    assertThat(System.getenv("LISTEN_FDS")).isNull();
    assertThat(run("--client", "Alpha")).isEqualTo(1);
    assertThat(errText())
        .startsWith("Alpha: cannot take the inherited end: ")
        .contains("no inherited descriptor is named 'client'");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void clientModeIsHiddenFromTheHelp() {
    assertThat(run("--help")).isZero();
    String help = out.toString().replaceAll("\\s+", " ");
    assertThat(help)
        .contains(
            "--processes",
            "Each client runs in a child process",
            "--peer=PROGRAM",
            "java (this sample's client, in a new JVM) or python",
            "with --processes, the threads that wait for the client processes")
        .doesNotContain("--client");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--processes --backend=jdk|Option '--processes' needs native socket pairs (--backend native"
            + " or auto): the JDK's channels have no descriptor to hand to a child process",
        "--peer=python|Option '--peer' needs --processes",
        "--peer=java|Option '--peer' needs --processes",
        "--processes --peer=ruby|Invalid value for option '--peer': expected java or python but"
            + " was 'ruby'"
      })
  void badCombinationsPrintWhyAndUsageAndExit2(String args, String why) {
    assertThat(run(args.split(" "))).isEqualTo(2);
    assertThat(errText()).contains(why).contains("Usage: socketpair-example");
    assertThat(out.toString()).isEmpty();
  }

  /** A peer that says why on its stderr and exits 3 without speaking the protocol. */
  private static final Peer REFUSING =
      (name, settings) -> List.of("sh", "-c", "echo \"$0 refuses\" >&2; exit 3", name);

  private void runSample(int pairs, SocketType type, Peer peer) throws Exception {
    EchoSample.Settings settings =
        new EchoSample.Settings(
            pairs, 3, ThreadKind.PLATFORM, false, Backend.NATIVE, type, false, peer);
    new EchoSample(
            settings,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run();
  }

  @Test
  void aFailingChildOnADatagramPairIsAFailureWithItsExitStatusAndItsStderr() {
    // A datagram end does not see its peer go: the exit status is how the main thread learns.
    assertThatThrownBy(() -> runSample(1, SocketType.DATAGRAM, REFUSING))
        .isInstanceOf(ClientProcessFailedException.class)
        .hasMessageMatching("Alpha: the client process \\(pid \\d+\\) exited with status 3");
    assertThat(errText().lines().toList())
        .singleElement()
        .asString()
        .matches("Alpha \\(pid \\d+\\): Alpha refuses");
    assertThat(lines()).hasSize(2).first().isEqualTo("setting-up");
    assertThat(lines().get(1)).matches("Alpha: socketpair: \\d+ <=> \\d+");
  }

  @Test
  void aFailingChildOnAStreamPairIsAFailureWithItsStderr() {
    // The main thread sees either the end of the stream that the child's exit makes, or the exit
    // status, whichever comes first; what the child said is shown either way.
    assertThatThrownBy(() -> runSample(1, SocketType.STREAM, REFUSING))
        .isInstanceOfAny(EOFException.class, ClientProcessFailedException.class)
        .hasMessageMatching(
            "main: end of stream on fd \\d+ \\(Alpha\\)"
                + "|Alpha: the client process \\(pid \\d+\\) exited with status 3");
    assertThat(errText().lines().toList())
        .singleElement()
        .asString()
        .matches("Alpha \\(pid \\d+\\): Alpha refuses");
  }

  @Test
  void aFailingChildEndsTheOthersEvenOnDatagramPairs() {
    // Bravo and Charlie wait for a datagram for ever, as a client does whose echo never comes
    // (the main thread stops at Alpha's failure); their ends do not see the main thread's close:
    // the sample must end them, not wait for them for ever.
    Peer othersWait =
        (name, settings) ->
            name.equals("Alpha")
                ? REFUSING.command(name, settings)
                : List.of("sh", "-c", "exec cat <&3 >/dev/null");
    assertThatThrownBy(() -> runSample(3, SocketType.DATAGRAM, othersWait))
        .isInstanceOf(ClientProcessFailedException.class)
        .hasMessageStartingWith("Alpha: the client process");
    // Ended by the sample, the others' exit status (SIGTERM) is not a failure of theirs.
    assertThat(errText().lines().toList())
        .singleElement()
        .asString()
        .matches("Alpha \\(pid \\d+\\): Alpha refuses");
  }
}
