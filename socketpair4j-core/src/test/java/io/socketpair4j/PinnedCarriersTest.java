package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads that are pinned (a native frame on the stack) while they wait in a read of ours
 * hold their carriers; when they hold every carrier, the virtual sub-pollers that would wake them
 * cannot run. They are woken all the same: the platform master poller steps in for a sub-poller
 * that has not polled for a while. Runs in the JVM of the {@code two-carriers} execution, where the
 * scheduler has exactly two carriers and no compensating extra ones.
 */
@Tag("two-carriers")
@Timeout(120)
class PinnedCarriersTest {
  @Test
  void readersPinnedOnEveryCarrierAreWokenByTheirData() throws Exception {
    int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism");
    assertThat(Integer.getInteger("jdk.virtualThreadScheduler.maxPoolSize")).isEqualTo(carriers);
    List<UnixSocketPair> pairs = new ArrayList<>();
    try {
      List<Background<Long>> readers = new ArrayList<>();
      for (int i = 0; i < carriers; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        readers.add(
            Background.start(
                true, () -> Pinning.callPinned(() -> TestSupport.readLong(pair.second()))));
      }
      for (Background<Long> reader : readers) {
        reader.awaitBlocked(); // parked in the poller, pinned: its carrier is held
      }
      for (int i = 0; i < carriers; i++) {
        pairs.get(i).first().write(ByteBuffer.allocate(8).putLong(0, 100 + i));
      }
      for (int i = 0; i < carriers; i++) {
        assertThat(readers.get(i).get()).isEqualTo(100L + i);
      }
    } finally {
      for (UnixSocketPair pair : pairs) {
        pair.close();
      }
    }
  }
}
