package io.socketpair4j;

import static io.socketpair4j.TestSupport.PROMPTLY;
import static io.socketpair4j.TestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
      List<Thread> readers = new ArrayList<>();
      List<CompletableFuture<Integer>> values = new ArrayList<>();
      for (int i = 0; i < carriers; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        CompletableFuture<Integer> value = new CompletableFuture<>();
        values.add(value);
        readers.add(
            Thread.ofVirtual()
                .name("pinned-reader-" + i)
                .start(
                    () -> {
                      try {
                        Pinning.runPinned(
                            () -> {
                              ByteBuffer b = ByteBuffer.allocate(4);
                              while (b.hasRemaining()) {
                                pair.second().read(b);
                              }
                              value.complete(b.getInt(0));
                            });
                      } catch (Throwable t) {
                        value.completeExceptionally(t);
                      }
                    }));
      }
      for (Thread reader : readers) {
        awaitBlocked(reader); // parked in the poller, pinned: its carrier is held
      }
      for (int i = 0; i < carriers; i++) {
        pairs.get(i).first().write(ByteBuffer.allocate(4).putInt(0, 100 + i));
      }
      for (int i = 0; i < carriers; i++) {
        assertThat(values.get(i).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(100 + i);
      }
    } finally {
      for (UnixSocketPair pair : pairs) {
        pair.close();
      }
    }
  }
}
