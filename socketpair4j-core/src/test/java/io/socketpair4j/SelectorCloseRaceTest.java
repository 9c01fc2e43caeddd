package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A selector closed while other threads cancel keys, close registered channels or register them
 * again: nothing may be left behind and nothing may deadlock. (Found by the concurrency soak; each
 * test failed within its rounds before the fix: sockets left open, or a deadlock in the first
 * round.)
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorCloseRaceTest {
  private static final int CHANNELS = 50;

  @ParameterizedTest(name = "cancel by {0}")
  @ValueSource(strings = {"channel close", "key cancel"})
  @DisplayName(
      "closing a selector while another thread closes its registered channels, or cancels their"
          + " keys, leaves no socket open once every pair is closed")
  void selectorCloseRacingCancellationsLeavesNoSocket(String how) throws Exception {
    long before = TestSupport.openSocketCount();
    for (int round = 0; round < 200; round++) {
      List<UnixSocketPair> pairs = new ArrayList<>();
      List<SelectionKey> keys = new ArrayList<>();
      Selector selector = UnixSelectorProvider.provider().openSelector();
      try {
        for (int k = 0; k < CHANNELS; k++) {
          UnixSocketPair pair = UnixSocketPair.open();
          pairs.add(pair);
          pair.first().configureBlocking(false);
          keys.add(pair.first().register(selector, SelectionKey.OP_READ));
        }
        CyclicBarrier go = new CyclicBarrier(2);
        Background<Object> cancelling =
            Background.start(
                () -> {
                  go.await();
                  for (int k = 0; k < CHANNELS; k++) {
                    if (how.equals("key cancel")) {
                      keys.get(k).cancel();
                    } else {
                      pairs.get(k).first().close();
                    }
                  }
                  return null;
                });
        go.await();
        selector.close();
        cancelling.get();
      } finally {
        for (UnixSocketPair p : pairs) {
          p.close();
        }
      }
    }
    assertThat(TestSupport.openSocketCount()).as("sockets open").isEqualTo(before);
  }

  @Test
  @DisplayName(
      "registering again and again while another thread cancels every key in keys() and a third"
          + " closes the selector never deadlocks")
  void registerRacingCancelsAndASelectorCloseNeverDeadlocks() throws Exception {
    for (int round = 0; round < 100; round++) {
      // Closed only after the checks: a deadlocked thread would hold the channel's key lock, and
      // closing the channel would then wait for it forever instead of failing the test.
      UnixSocketPair pair = UnixSocketPair.open();
      {
        pair.first().configureBlocking(false);
        Selector selector = UnixSelectorProvider.provider().openSelector();
        Thread registering =
            daemon(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    try {
                      pair.first().register(selector, SelectionKey.OP_READ);
                      selector.selectNow();
                    } catch (CancelledKeyException | ClosedSelectorException e) {
                      // expected while the others cancel and close
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  }
                });
        Thread cancelling =
            daemon(
                () -> {
                  try {
                    for (int i = 0; i < 500; i++) {
                      for (SelectionKey k : selector.keys()) {
                        k.cancel();
                      }
                    }
                  } catch (ClosedSelectorException e) {
                    // the selector was closed
                  }
                });
        Thread closing =
            daemon(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    Thread.onSpinWait();
                  }
                  try {
                    selector.close();
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
        for (Thread t : List.of(registering, cancelling, closing)) {
          t.join(TestSupport.PROMPTLY.toMillis());
        }
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        assertThat(deadlocked).as("deadlocked threads in round %d", round).isNull();
        for (Thread t : List.of(registering, cancelling, closing)) {
          assertThat(t.isAlive()).as("%s still running in round %d", t.getName(), round).isFalse();
        }
      }
      pair.close();
    }
  }

  private static Thread daemon(Runnable task) {
    return Thread.ofPlatform().daemon().start(task);
  }
}
