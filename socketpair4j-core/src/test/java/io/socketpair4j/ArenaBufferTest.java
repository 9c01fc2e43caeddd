package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Buffers of {@link java.lang.foreign.Arena}s in blocking reads and writes, on both backends, in a
 * child JVM each ({@link ArenaBufferProbe}): a call must never touch memory that its arena has
 * freed. The JDK's own channels hold the memory's scope during each call, and so must ours. A crash
 * of the child fails the test with the child's output.
 */
@Timeout(180)
class ArenaBufferTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"native", "jdk"})
  @DisplayName(
      "arena buffers: a shared arena closed during a blocking call is never written or read after"
          + " it is freed, a confined one fails from another thread, automatic and global ones work")
  void arenaBuffersInBlockingCalls(String backend) throws Exception {
    String output =
        ChildJvm.run(
            ArenaBufferProbe.class,
            0,
            "--enable-native-access=ALL-UNNAMED",
            "-XX:-CreateCoredumpOnCrash",
            "-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/arena-probe-hs_err_%p.log",
            "-D" + ArenaBufferProbe.BACKEND + "=" + backend);
    List<String> lines = output.lines().toList();
    for (String threads : ArenaBufferProbe.THREADS) {
      for (String scenario : ArenaBufferProbe.SCENARIOS) {
        String prefix = threads + " " + scenario + ": ";
        assertThat(lines)
            .as("%s%nchild output:%n%s", prefix, output)
            .anyMatch(line -> line.startsWith(prefix + "OK "));
      }
    }
    assertThat(lines).as(output).contains("done").noneMatch(line -> line.contains(": FAIL "));
  }
}
