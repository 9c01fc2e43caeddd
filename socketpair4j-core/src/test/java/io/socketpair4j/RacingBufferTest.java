package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, point 2: a buffer whose position and limit another thread moves while a read or write
 * runs on it may give wrong data or an exception, never a corrupted JVM. Hammered in a child JVM
 * ({@link RacingBufferProbe}), so that a crash fails this test instead of ending the test run.
 */
class RacingBufferTest {

  @Test
  @DisplayName(
      "Reads and writes on buffers whose position and limit another thread keeps moving never"
          + " touch memory outside them: heap, direct, single and scatter/gather; the JVM works on")
  void racingBuffersNeverCorruptTheJvm() throws Exception {
    String output =
        ChildJvm.run(
            RacingBufferProbe.class,
            0,
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-Dsocketpair4j.racing.millis=2000");
    System.out.println(output);
    assertThat(output)
        .contains("racing buffers: all canaries intact; ordinary work afterwards: ok")
        .contains("DIRECT_ARRAY write");
  }
}
