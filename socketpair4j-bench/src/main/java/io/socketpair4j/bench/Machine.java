package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A description of the machine, for the report. */
final class Machine {
  private Machine() {}

  static String describe() throws IOException {
    String cpu = firstMatch(Path.of("/proc/cpuinfo"), "model name");
    String memory = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
    return "- CPU: "
        + cpu
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores available\n- Memory: "
        + memory
        + "\n- OS: "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch")
        + "\n- Java: "
        + System.getProperty("java.vm.name")
        + " "
        + Runtime.version()
        + "\n- C compiler: "
        + ccVersion()
        + "\n";
  }

  private static String firstMatch(Path file, String key) throws IOException {
    if (!Files.exists(file)) {
      return "unknown";
    }
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith(key)) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return "unknown";
  }

  private static String ccVersion() {
    try {
      Process p = new ProcessBuilder(List.of("cc", "--version")).redirectErrorStream(true).start();
      String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
      p.waitFor();
      return first;
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
