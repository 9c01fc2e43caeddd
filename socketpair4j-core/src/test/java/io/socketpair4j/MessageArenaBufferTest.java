package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.UnixDatagramPair.Type;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory safety of message ends: buffers of shared arenas closed before a read or write, or while a
 * blocking one waits, in a child JVM ({@link MessageArenaBufferProbe}), so that a call touching
 * freed memory fails this test with the child's output instead of ending the test run. Every such
 * call must throw {@link IllegalStateException} (or the close fail), take or send no message, and
 * leave the channel usable; a confined arena's buffer used from another thread gives {@link
 * WrongThreadException} in the same way.
 */
@Timeout(180)
class MessageArenaBufferTest {

  @Test
  @DisplayName(
      "message ends: a buffer of a closed shared arena gives IllegalStateException, never a crash,"
          + " for every read and write form, in place or flattened, platform and virtual threads")
  void closedArenaBuffersInMessageCalls() throws Exception {
    String output =
        ChildJvm.run(MessageArenaBufferProbe.class, 0, "--enable-native-access=ALL-UNNAMED");
    List<String> lines = output.lines().toList();
    for (Type type : Type.values()) {
      for (String threads : MessageArenaBufferProbe.THREADS) {
        for (String scenario : MessageArenaBufferProbe.SCENARIOS) {
          String prefix = type + " " + threads + " " + scenario + ": ";
          assertThat(lines)
              .as("%s%nchild output:%n%s", prefix, output)
              .anyMatch(line -> line.startsWith(prefix + "OK "));
        }
      }
    }
    assertThat(lines).as(output).contains("done").noneMatch(line -> line.contains(": FAIL "));
  }
}
