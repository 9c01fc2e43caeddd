package io.socketpair4j;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Helpers for tests that start children with {@link UnixProcessBuilder}. */
final class Spawned {
  private Spawned() {}

  /** A shell command that lists the shell's own descriptors, one number per line. */
  static final String LIST_FDS = "ls /proc/$$/fd";

  static UnixProcessBuilder shell(String script) {
    return new UnixProcessBuilder("/bin/sh", "-c", script);
  }

  /** Starts the builder, reads the child's standard output to the end, checks it exited with 0. */
  static String output(UnixProcessBuilder builder) throws IOException, InterruptedException {
    Process p = builder.start();
    return outputOf(p);
  }

  static String outputOf(Process p) throws IOException, InterruptedException {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(p.exitValue()).as("exit value; stdout %s, stderr %s", out, err).isZero();
    p.getOutputStream().close();
    p.getInputStream().close();
    p.getErrorStream().close();
    return out;
  }

  /** The descriptor numbers open in a shell started by {@code builder}. */
  static Set<Integer> descriptorsOfChild(UnixProcessBuilder builder)
      throws IOException, InterruptedException {
    builder.command("/bin/sh", "-c", LIST_FDS);
    return numbers(output(builder));
  }

  static Set<Integer> numbers(String lines) {
    return Arrays.stream(lines.trim().split("\\s+"))
        .filter(s -> !s.isEmpty())
        .map(Integer::valueOf)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Whether {@code python3} can be run here. */
  static boolean hasPython() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "python3"))) {
        return true;
      }
    }
    return false;
  }

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle DUP =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("dup").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("close").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle FCNTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("fcntl").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2));

  /** {@code dup(fd)}: a new number for the same file, without close-on-exec. */
  static int dup(int fd) {
    try {
      int r = (int) DUP.invokeExact(fd);
      assertThat(r).as("dup(%d)", fd).isGreaterThanOrEqualTo(0);
      return r;
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  static void close(int fd) {
    try {
      int r = (int) CLOSE.invokeExact(fd);
      assertThat(r).as("close(%d)", fd).isZero();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int O_NONBLOCK = 04000;

  static int fcntl(int fd, int cmd, int arg) {
    try {
      return (int) FCNTL.invokeExact(fd, cmd, arg);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
