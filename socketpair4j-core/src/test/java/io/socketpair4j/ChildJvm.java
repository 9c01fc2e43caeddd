package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test class's {@code main} in a child JVM with this JVM's class path. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code mainClass} with the given JVM options, under a descriptor limit of {@code fdLimit}
   * when it is positive, and returns its combined output after checking it exited with 0.
   */
  static String run(Class<?> mainClass, int fdLimit, String... jvmOptions)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>();
    if (fdLimit > 0) {
      // The shell lowers the soft limit, then becomes the JVM.
      command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "sh"));
    }
    command.add(java);
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM ended").isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
