package io.socketpair4j;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a test class's {@code main} in a child JVM with this JVM's class path. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code mainClass} with the given JVM options, under a descriptor limit of {@code fdLimit}
   * when it is positive, and returns its combined output after checking it exited with 0 within 120
   * s (a child still running then is killed).
   *
   * <p>Should the child crash, its error report goes to {@code target/} (never into the source
   * tree) and it writes no core dump.
   */
  static String run(Class<?> mainClass, int fdLimit, String... jvmOptions)
      throws IOException, InterruptedException {
    List<String> prefix = new ArrayList<>();
    if (fdLimit > 0) {
      // The shell lowers the soft limit, then becomes the JVM.
      prefix.addAll(List.of("/bin/sh", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "sh"));
    }
    return run(prefix, mainClass, jvmOptions);
  }

  /**
   * Runs {@code mainClass} as {@link #run(Class, int, String...)} does, started through {@code
   * prefix}: a program that is given the JVM's command line as its last arguments and becomes it
   * (for example a shell that changes a limit or a signal disposition, then {@code exec}s).
   */
  static String run(List<String> prefix, Class<?> mainClass, String... jvmOptions)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(prefix);
    command.add(java);
    String name = mainClass.getSimpleName();
    command.add("-XX:ErrorFile=" + target().resolve("hs_err_" + name + "_pid%p.log"));
    command.add("-XX:ReplayDataFile=" + target().resolve("replay_" + name + "_pid%p.log"));
    command.add("-XX:-CreateCoredumpOnCrash");
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    String out = output.join();
    assertThat(ended).as("child JVM ended within 120 s; its output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** The build's {@code target} directory (the parent of {@code target/test-classes}). */
  private static Path target() {
    try {
      return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * For a probe's {@code main} to call first: makes the process non-dumpable ({@code
   * prctl(PR_SET_DUMPABLE, 0)}), so that if it crashes the kernel writes no core dump, whatever
   * {@code ulimit -c} and {@code core_pattern} say (a pipe to a crash collector included).
   */
  static void forbidCoreDumps() throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle prctl =
        linker.downcallHandle(
            linker.defaultLookup().find("prctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    int prSetDumpable = 4;
    int r = (int) prctl.invokeExact(prSetDumpable, 0L);
    if (r != 0) {
      throw new IllegalStateException("prctl(PR_SET_DUMPABLE, 0) returned " + r);
    }
  }

  /**
   * In a probe (the child): ends the child if it runs far longer than it should, printing every
   * thread's stack first.
   */
  static void startWatchdog(Duration bound) {
    Thread.ofPlatform()
        .daemon()
        .name("probe-watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(bound); // a bound on the whole run, never used to synchronise
              } catch (InterruptedException e) {
                return;
              }
              System.out.println("watchdog: the probe did not finish within " + bound);
              Thread.getAllStackTraces()
                  .forEach(
                      (t, stack) -> {
                        System.out.println(t);
                        for (StackTraceElement f : stack) {
                          System.out.println("    at " + f);
                        }
                      });
              System.out.flush();
              Runtime.getRuntime().halt(3);
            });
  }
}
