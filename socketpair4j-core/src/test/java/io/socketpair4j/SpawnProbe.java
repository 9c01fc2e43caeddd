package io.socketpair4j;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Runs in a child JVM started by {@link SpawnInChildJvmTest}, where the JVM's own signal
 * dispositions or the launcher's fallbacks differ from the test JVM's. Prints one line per finding;
 * the test checks them.
 */
public final class SpawnProbe {
  private SpawnProbe() {}

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    ChildJvm.startWatchdog(Duration.ofSeconds(90));
    switch (System.getProperty("probe", "")) {
      case "dispositions" -> dispositions();
      case "sigchld" -> sigchld();
      case "fallbacks" -> fallbacks();
      default -> throw new IllegalArgumentException(System.getProperty("probe"));
    }
  }

  /** The JVM was started with SIGHUP and SIGINT ignored: what do children get? */
  private static void dispositions() throws Exception {
    String script = "exec grep -E '^Sig(Ign|Blk)' /proc/self/status";
    String ours = Spawned.output(Spawned.shell(script)).replace('\n', ' ').trim();
    Process jdk = new ProcessBuilder("/bin/sh", "-c", script).start();
    String theirs =
        new String(jdk.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
            .replace('\n', ' ')
            .trim();
    jdk.waitFor();
    System.out.println("ours: " + ours);
    System.out.println("processbuilder: " + theirs);
  }

  /**
   * Native code set SIGCHLD to SIG_IGN (the JDK resets an ignored SIGCHLD inherited at startup, as
   * soon as it first reads the environment, so it must be set later to matter): start() must
   * refuse, saying why.
   */
  private static void sigchld() throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle signal =
        linker.downcallHandle(
            linker.defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    System.getenv(); // the JDK's one reset of an ignored SIGCHLD happens here, so it comes first
    MemorySegment previous = (MemorySegment) signal.invokeExact(17, MemorySegment.ofAddress(1));
    System.out.println("previous SIGCHLD handler: " + previous.address());
    try {
      Process p = new UnixProcessBuilder("true").start();
      System.out.println("started: " + p.waitFor());
    } catch (IOException | InterruptedException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }

  /** Without pidfds and without closefrom: the same guarantees. */
  private static void fallbacks() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      int inheritable = Spawned.dup(pair.first().fd());
      Set<Integer> fds =
          Spawned.descriptorsOfChild(new UnixProcessBuilder().mapDescriptor(4, pair.second()));
      System.out.println("descriptors: " + fds);
      Spawned.close(inheritable);
      System.out.println("exit: " + Spawned.shell("exit 5").start().waitFor());
      Process sleeper = new UnixProcessBuilder("sleep", "600").start();
      System.out.println(
          "waiting thread: "
              + Thread.getAllStackTraces().keySet().stream()
                  .anyMatch(t -> t.getName().equals("socketpair4j-wait-" + sleeper.pid())));
      sleeper.destroy();
      System.out.println("destroyed: " + sleeper.waitFor());
      System.out.println("after exit, destroy sent: " + sleeper.toHandle().destroy());
      Map<Integer, String> before = FdTable.snapshot();
      for (int i = 0; i < 200; i++) {
        Spawned.output(Spawned.shell("exit 0").mapDescriptor(3, pair.second()));
      }
      System.out.println("leaked: " + FdTable.opened(before, FdTable.snapshot()));
    }
  }
}
