package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --type seqpacket|datagram} and {@code --pass-fd}, in process. */
@Timeout(120)
class SocketTypeAndPassFdTest extends InProcessSample {

  /**
   * The lines with every number (descriptor, end) as N, sorted: the run's content, not its order.
   */
  private static List<String> modNumbers(List<String> lines) {
    return lines.stream().map(l -> l.replaceAll("\\b\\d+\\b", "N")).sorted().toList();
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @ParameterizedTest(name = "--type {0}")
  @ValueSource(strings = {"seqpacket", "datagram"})
  void messageTypesPrintWhatStreamPrints(String type) {
    assertThat(run()).as(err.toString()).isZero();
    List<String> stream = lines();
    assertThat(run("--type", type)).as(err.toString()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false);
    assertThat(lines()).hasSize(1 + 3 + 9 + 2);
    assertThat(modNumbers(lines())).isEqualTo(modNumbers(stream));
    assertThat(lines().subList(1, 4))
        .allSatisfy(l -> assertThat(l).matches("(Alpha|Bravo|Charlie): socketpair: \\d+ <=> \\d+"));
  }

  @Test
  void typeStreamIsTheDefault() {
    assertThat(run("--type", "stream")).as(err.toString()).isZero();
    List<String> explicit = lines();
    assertThat(run()).isZero();
    assertThat(modNumbers(explicit)).isEqualTo(modNumbers(lines()));
  }

  @ParameterizedTest(name = "--type {0} --threads {1}")
  @CsvSource({
    "stream,platform",
    "stream,virtual",
    "seqpacket,platform",
    "seqpacket,virtual",
    "datagram,platform",
    "datagram,virtual"
  })
  void fiftyPairs(String type, String threads) {
    assertThat(run("--pairs", "50", "--type", type, "--threads", threads))
        .as(err.toString())
        .isZero();
    SampleOutput.assertSuccess(lines(), 50, 3, false);
  }

  @ParameterizedTest(name = "--type {0} --quiet")
  @ValueSource(strings = {"seqpacket", "datagram"})
  void quietMessageRun(String type) {
    assertThat(run("--pairs", "50", "--repetitions", "20", "--type", type, "--quiet"))
        .as(err.toString())
        .isZero();
    SampleOutput.assertSuccess(lines(), 50, 20, true);
  }

  @ParameterizedTest(name = "--pass-fd --type {0}")
  @ValueSource(strings = {"stream", "seqpacket", "datagram"})
  void passFdSendsASocketCarryingTheName(String type) {
    assertThat(run("--pass-fd", "--type", type)).as(err.toString()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false, true);
    assertThat(lines())
        .anyMatch(
            l ->
                l.matches(
                    "main: read 'Bravo' on fd \\d+ with fd \\d+ \\(a socket carrying 'Bravo'\\)"));
  }

  @ParameterizedTest(name = "--pass-fd --type {0} --threads {1}")
  @CsvSource({
    "stream,platform",
    "stream,virtual",
    "seqpacket,platform",
    "seqpacket,virtual",
    "datagram,platform",
    "datagram,virtual"
  })
  void passFdWithFiftyPairs(String type, String threads) {
    assertThat(run("--pass-fd", "--pairs", "50", "--type", type, "--threads", threads))
        .as(err.toString())
        .isZero();
    SampleOutput.assertSuccess(lines(), 50, 3, false, true);
  }

  @ParameterizedTest(name = "--pass-fd --type {0}")
  @ValueSource(strings = {"stream", "seqpacket", "datagram"})
  void passFdLeavesNoDescriptorOpen(String type) throws IOException {
    // A first run starts what lives as long as the JVM (the pollers of virtual threads).
    assertThat(run("--pass-fd", "--type", type, "--threads", "virtual", "--quiet")).isZero();
    long before = openDescriptors();
    // 2,000 descriptors passed, on both thread kinds.
    for (String threads : List.of("platform", "virtual")) {
      assertThat(
              run(
                  "--pass-fd",
                  "--type",
                  type,
                  "--pairs",
                  "20",
                  "--repetitions",
                  "50",
                  "--threads",
                  threads,
                  "--quiet"))
          .as(err.toString())
          .isZero();
      SampleOutput.assertSuccess(lines(), 20, 50, true);
    }
    assertThat(openDescriptors()).isLessThanOrEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--type=raw|Invalid value for option '--type': expected stream, seqpacket or datagram",
        "--backend=jdk --type=seqpacket|Option '--type seqpacket' needs native socket pairs",
        "--backend=jdk --type=datagram|Option '--type datagram' needs native socket pairs",
        "--backend=jdk --pass-fd|Option '--pass-fd' needs native socket pairs",
        "--backend=jdk --type=stream --pass-fd|the JDK's channels cannot pass descriptors"
      })
  void badCombinationsPrintWhyAndUsageAndExit2(String args, String why) {
    assertThat(run(args.split(" "))).isEqualTo(2);
    assertThat(err.toString()).contains(why).contains("Usage: socketpair-example");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void helpNamesTheNewOptions() {
    assertThat(run("--help")).isZero();
    // picocli wraps the descriptions; the words matter, not where the lines break.
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains(
            "--type=TYPE",
            "stream (SOCK_STREAM), seqpacket (SOCK_SEQPACKET) or datagram (SOCK_DGRAM)",
            "--pass-fd",
            "main: read 'Alpha' on fd 7 with fd 12 (a socket carrying 'Alpha')");
  }
}
