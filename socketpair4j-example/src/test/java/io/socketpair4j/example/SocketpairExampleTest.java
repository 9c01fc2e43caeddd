package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class SocketpairExampleTest extends InProcessSample {

  @Test
  void defaultRunIsTheSeedSample() {
    assertThat(run()).as(err.toString()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false);
    assertThat(lines()).hasSize(1 + 3 + 9 + 2);
    assertThat(lines().subList(1, 4))
        .allSatisfy(l -> assertThat(l).matches("(Alpha|Bravo|Charlie): socketpair: \\d+ <=> \\d+"));
  }

  @ParameterizedTest(name = "--threads {0} --backend {1}")
  @CsvSource({"platform,native", "virtual,native", "platform,jdk", "virtual,jdk"})
  void quietRunPrintsOneSummaryLine(String threads, String backend) {
    assertThat(
            run(
                "--pairs",
                "50",
                "--repetitions",
                "20",
                "--threads",
                threads,
                "--backend",
                backend,
                "--quiet"))
        .as(err.toString())
        .isZero();
    SampleOutput.assertSuccess(lines(), 50, 20, true);
  }

  @Test
  void theJdkBackendNamesEndsInOrderInsteadOfByDescriptor() {
    assertThat(run("--backend", "jdk")).as(err.toString()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false);
    assertThat(lines().subList(1, 4))
        .containsExactly(
            "Alpha: socketpair: #1 <=> #2",
            "Bravo: socketpair: #3 <=> #4",
            "Charlie: socketpair: #5 <=> #6");
    assertThat(lines()).contains("main: read 'Bravo' on end #3");
  }

  @Test
  void autoIsNativeWhereSupported() {
    assertThat(io.socketpair4j.UnixSocketPair.isSupported()).isTrue();
    assertThat(run("--backend", "auto", "--pairs", "1", "--repetitions", "1")).isZero();
    assertThat(lines().get(1)).matches("Alpha: socketpair: \\d+ <=> \\d+");
    assertThat(lines().get(2)).matches("main: read 'Alpha' on fd \\d+");
  }

  @Test
  void namesGoOnThroughTheNatoAlphabet() {
    assertThat(run("--pairs", "28", "--repetitions", "1")).isZero();
    SampleOutput.assertSuccess(lines(), 28, 1, false);
    assertThat(lines().get(26)).startsWith("Zulu: ");
    assertThat(lines().get(27)).startsWith("Alpha2: ");
    assertThat(lines().get(28)).startsWith("Bravo2: ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--pairs=0",
        "--pairs=x",
        "--repetitions=0",
        "--threads=green",
        "--backend=tcp",
        "--bogus",
        "extra"
      })
  void badOptionsPrintUsageOnStderrAndExit2(String option) {
    assertThat(run(option)).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: socketpair-example");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void helpAndVersion() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--pairs=N",
            "--repetitions=N",
            "--threads=KIND",
            "--backend=KIND",
            "--quiet",
            "--version");
    out.reset();
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("socketpair-example ");
  }
}
