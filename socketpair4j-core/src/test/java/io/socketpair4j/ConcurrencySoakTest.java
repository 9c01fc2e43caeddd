package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: the concurrency soak, in a child JVM ({@link ConcurrencySoakProbe}) so that a crash
 * fails this test instead of ending the test run. It runs {@code socketpair4j.soak.seconds}
 * (default 50) seconds: set the property on the Maven command line to run it longer or shorter;
 * {@code socketpair4j.soak.seed} repeats a run's random choices.
 */
class ConcurrencySoakTest {

  @Test
  @DisplayName(
      "Random concurrent reads, writes, closes, shutdowns, interrupts, selects and registrations"
          + " on shared native pairs, platform and virtual threads: the JVM survives, every stream"
          + " arrives in order, no thread stays blocked after a close, no descriptor is left open")
  void concurrencySoak() throws Exception {
    List<String> options = new ArrayList<>();
    options.add("--enable-native-access=ALL-UNNAMED");
    options.add("-Xmx512m");
    // Native memory of automatic arenas (each channel's iovec and staging memory) is freed only
    // after a GC notices, and counts against the direct-memory limit, which is -Xmx by default;
    // on a loaded machine the soak's own allocateDirect could then fail before the cleaner ran.
    options.add("-XX:MaxDirectMemorySize=2g");
    options.add(
        "-Dsocketpair4j.soak.seconds=" + System.getProperty("socketpair4j.soak.seconds", "50"));
    String seed = System.getProperty("socketpair4j.soak.seed");
    if (seed != null) {
      options.add("-Dsocketpair4j.soak.seed=" + seed);
    }
    String output = ChildJvm.run(ConcurrencySoakProbe.class, 0, options.toArray(new String[0]));
    System.out.println(output);
    assertThat(output).contains("soak: all checks passed");
  }
}
