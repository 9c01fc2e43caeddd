package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged executable jar as a separate process, as a user would. */
class SocketpairExampleIT {
  private record Result(int exit, List<String> out, String err) {}

  private static Path jar() {
    Path jar = Path.of(System.getProperty("example.jar", "target/socketpair-example.jar"));
    assertThat(jar).exists();
    return jar;
  }

  private static Result runJar(String... args) throws Exception {
    return run(List.of("-jar", jar().toString()), args);
  }

  /** Runs {@code java} with the given JVM arguments, then the sample's arguments. */
  private static Result run(List<String> jvmArgs, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmArgs);
    command.addAll(List.of(args));
    Path errFile = Files.createTempFile("socketpair-example", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
      List<String> out =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
      return new Result(p.exitValue(), out, Files.readString(errFile));
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  @Test
  void defaultRun() throws Exception {
    Result r = runJar();
    assertThat(r.exit()).as(r.err()).isZero();
    // The manifest enables native access: no warning about restricted methods.
    assertThat(r.err()).isEmpty();
    SampleOutput.assertSuccess(r.out(), 3, 3, false);
  }

  @Test
  void quietVirtualRun() throws Exception {
    Result r = runJar("--pairs", "50", "--repetitions", "20", "--threads", "virtual", "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 50, 20, true);
  }

  @Test
  void scalesToFiveThousandPairsOnVirtualThreads() throws Exception {
    // 10,000 descriptors and 1,000,000 round trips; the fd limit here is 20,000.
    Result r = runJar("--pairs", "5000", "--repetitions", "200", "--threads", "virtual", "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 5000, 200, true);
  }

  @Test
  void jdkBackendRun() throws Exception {
    Result r = runJar("--backend", "jdk");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 3, 3, false);
    assertThat(r.out().get(1)).isEqualTo("Alpha: socketpair: #1 <=> #2");
  }

  @Test
  void jdkBackendScalesToFiveThousandPairs() throws Exception {
    Result r =
        runJar(
            "--pairs",
            "5000",
            "--repetitions",
            "20",
            "--threads",
            "virtual",
            "--backend",
            "jdk",
            "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 5000, 20, true);
  }

  @Test
  void autoFallsBackToJdkChannelsWithoutNativeAccess() throws Exception {
    // On the class path (not -jar) the manifest's Enable-Native-Access does not apply.
    Result r =
        run(
            List.of(
                "--illegal-native-access=deny",
                "-cp",
                jar().toString(),
                SocketpairExample.class.getName()),
            "--backend",
            "auto");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 3, 3, false);
    assertThat(r.out().get(1)).isEqualTo("Alpha: socketpair: #1 <=> #2");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void seqpacketPairsPassingDescriptors() throws Exception {
    Result r = runJar("--type", "seqpacket", "--pass-fd");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    SampleOutput.assertSuccess(r.out(), 3, 3, false, true);
  }

  @Test
  void datagramPairsScaleOnVirtualThreads() throws Exception {
    Result r =
        runJar(
            "--pairs",
            "1000",
            "--repetitions",
            "20",
            "--threads",
            "virtual",
            "--type",
            "datagram",
            "--pass-fd",
            "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    SampleOutput.assertSuccess(r.out(), 1000, 20, true);
  }

  @Test
  void messageTypesWithoutNativeAccessExit2SayingWhy() throws Exception {
    Result r =
        run(
            List.of(
                "--illegal-native-access=deny",
                "-cp",
                jar().toString(),
                SocketpairExample.class.getName()),
            "--type",
            "seqpacket");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("Option '--type seqpacket' needs native socket pairs, which this JVM does not")
        .contains("Usage: socketpair-example");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badOptionExits2WithUsage() throws Exception {
    Result r = runJar("--pairs", "none");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: socketpair-example");
    assertThat(r.out()).isEmpty();
  }
}
