package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --processes --peer python}: the clients are python3 processes running {@code peer.py}
 * (from the class path, given with {@code python3 -c}). Skipped where python3 is not on the PATH.
 */
@Timeout(120)
class PythonPeerTest extends InProcessSample {

  @BeforeEach
  void needsPython() {
    assumeTrue(
        PythonPeer.find().isPresent(),
        "python3 is not on the PATH (" + System.getenv("PATH") + "): the Python peer cannot run");
  }

  @ParameterizedTest(name = "--processes --peer python {0}")
  @ValueSource(
      strings = {
        "--type=stream",
        "--type=seqpacket",
        "--type=datagram",
        "--type=stream --pass-fd",
        "--type=seqpacket --pass-fd",
        "--type=datagram --pass-fd"
      })
  void pythonClientsSpeakTheProtocol(String options) {
    String[] args =
        Stream.concat(Stream.of("--processes", "--peer", "python"), Stream.of(options.split(" ")))
            .toArray(String[]::new);
    assertThat(run(args)).as(errText()).isZero();
    SampleOutput.assertSuccess(lines(), 3, 3, false, options.contains("--pass-fd"));
    assertThat(errText()).isEmpty();
  }

  @Test
  void manyPythonClientsManyRoundTrips() {
    assertThat(
            run(
                "--processes",
                "--peer",
                "python",
                "--type",
                "seqpacket",
                "--pairs",
                "10",
                "--repetitions",
                "100",
                "--quiet"))
        .as(errText())
        .isZero();
    SampleOutput.assertSuccess(lines(), 10, 100, true);
  }

  @Test
  void theScriptIsOnTheClassPathAndNamesItsProtocol() throws Exception {
    String script = PythonPeer.script();
    assertThat(script)
        .startsWith("#!/usr/bin/env python3")
        .contains("LISTEN_FDS", "send_fds", "def main(argv)");
    List<String> command =
        new PythonPeer()
            .command(
                "Alpha",
                new EchoSample.Settings(
                    1,
                    7,
                    ThreadKind.PLATFORM,
                    false,
                    Backend.NATIVE,
                    SocketType.SEQPACKET,
                    true,
                    new PythonPeer()));
    assertThat(command)
        .containsExactly(
            "python3",
            "-c",
            script,
            "--client",
            "Alpha",
            "--repetitions",
            "7",
            "--type",
            "seqpacket",
            "--pass-fd");
  }
}
