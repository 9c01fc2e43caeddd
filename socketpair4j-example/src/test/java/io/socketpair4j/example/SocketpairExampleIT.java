package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    return run(Map.of(), jvmArgs, args);
  }

  /** Runs the jar with {@code env} added to the environment. */
  private static Result runJar(Map<String, String> env, String... args) throws Exception {
    return run(env, List.of("-jar", jar().toString()), args);
  }

  private static Result run(Map<String, String> env, List<String> jvmArgs, String... args)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmArgs);
    command.addAll(List.of(args));
    Path errFile = Files.createTempFile("socketpair-example", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(errFile.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
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

  @Test
  void fiftyClientProcessesFromTheJar() throws Exception {
    // 50 child JVMs, started with -jar on this same jar: the one large --processes run.
    Result r = runJar("--processes", "--pairs", "50");
    assertThat(r.exit()).as(r.err()).isZero();
    // The children enable native access as the jar does, and print nothing.
    assertThat(r.err()).isEmpty();
    SampleOutput.assertSuccess(r.out(), 50, 3, false);
  }

  @Test
  void pythonClientsFromTheJar() throws Exception {
    Assumptions.assumeTrue(
        PythonPeer.find().isPresent(),
        "python3 is not on the PATH (" + System.getenv("PATH") + "): the Python peer cannot run");
    Result r =
        runJar(
            "--processes", "--peer", "python", "--type", "seqpacket", "--pass-fd", "--pairs", "5");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    SampleOutput.assertSuccess(r.out(), 5, 3, false, true);
  }

  /**
   * A directory for the PATH that holds only a {@code python3} that says so on its stderr and exits
   * 3, and {@code sh} for it.
   */
  private static String pathWithFailingPython(Path dir) throws Exception {
    Path python = dir.resolve("python3");
    Files.writeString(python, "#!/bin/sh\necho \"a python3 that refuses\" >&2\nexit 3\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir + ":/bin:/usr/bin";
  }

  @Test
  void aClientProcessThatFailsIsAFailureShowingWhatItSaid(@TempDir Path dir) throws Exception {
    // On datagram pairs the main thread learns of the failure from the exit status alone.
    Result r =
        runJar(
            Map.of("PATH", pathWithFailingPython(dir)),
            "--processes",
            "--peer",
            "python",
            "--type",
            "datagram",
            "--pairs",
            "1");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).first().isEqualTo("setting-up");
    assertThat(r.out()).last().isEqualTo("FAILURE");
    assertThat(r.err().lines().toList())
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).matches("Alpha \\(pid \\d+\\): a python3 that refuses"),
            l ->
                assertThat(l)
                    .matches(
                        "socketpair-example: io\\.socketpair4j\\.example\\."
                            + "ClientProcessFailedException: Alpha: the client process \\(pid"
                            + " \\d+\\) exited with status 3"));
  }

  @Test
  void theStreamOfAClientProcessThatFailsEnds(@TempDir Path dir) throws Exception {
    Result r =
        runJar(Map.of("PATH", pathWithFailingPython(dir)), "--processes", "--peer", "python");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).last().isEqualTo("FAILURE");
    assertThat(r.err()).containsPattern("(?m)^(Alpha|Bravo|Charlie) \\(pid \\d+\\): a python3");
    assertThat(r.err()).containsPattern("(?m)^socketpair-example: .*(Alpha|Bravo|Charlie)");
  }

  @Test
  void thePythonPeerWithoutPython3OnThePathExits2SayingWhy(@TempDir Path empty) throws Exception {
    Result r = runJar(Map.of("PATH", empty.toString()), "--processes", "--peer", "python");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("Option '--peer python' needs python3, which is not on the PATH (" + empty + ")")
        .contains("Usage: socketpair-example");
    assertThat(r.out()).isEmpty();
  }
}
