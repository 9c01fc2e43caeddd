package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Readiness selection of a pair's channels, the same for every backend and its selector. */
class SelectorTest extends PairFixture {
  @Test
  @DisplayName("S31/S33: OP_READ follows the queue; OP_WRITE is ready on a new pair")
  void s33_readinessFollowsTheQueue() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ | OP_WRITE);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
    selector.selectedKeys().clear();

    a.write(ascii("x"));
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_READ | OP_WRITE);
    assertThat(selector.selectedKeys()).containsExactly(key);
    selector.selectedKeys().clear();

    b.read(ByteBuffer.allocate(1));
    key.interestOps(OP_READ);
    assertThat(selector.selectNow()).isZero();
    assertThat(selector.selectedKeys()).isEmpty();
  }

  @Test
  @DisplayName("S30/S33: OP_WRITE clears when the send buffer is full and returns when drained")
  void s33_writeReadinessFollowsSpace() throws IOException {
    a.configureBlocking(false);
    SelectionKey key = a.register(selector, OP_WRITE);
    long queued = TestSupport.fill(a);
    assertThat(selector.selectNow()).isZero();
    TestSupport.readFully(b, (int) queued);
    assertThat(selector.select(20_000)).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
  }

  @Test
  void readyOpsAccumulateWhileTheKeyStaysSelected() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    assertThat(selector.selectNow()).isZero();
    key.interestOps(OP_READ | OP_WRITE);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
    a.write(ascii("x"));
    assertThat(selector.selectNow()).as("the ready set grew").isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_READ | OP_WRITE);
    assertThat(selector.selectNow()).as("nothing new").isZero();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("S32: select wakes when data arrives later")
  void s32_selectWakesOnData(boolean virtual) throws Exception {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    Background<Integer> selected = Background.start(virtual, selector::select).awaitBlocked();
    a.write(ascii("x"));
    assertThat(selected.get()).isEqualTo(1);
    assertThat(key.isReadable()).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void wakeupMakesABlockedSelectReturn(boolean virtual) throws Exception {
    b.configureBlocking(false);
    b.register(selector, OP_READ);
    Background<Integer> selected = Background.start(virtual, selector::select).awaitBlocked();
    assertThat(selector.wakeup()).isSameAs(selector);
    assertThat(selected.get()).isZero();
  }

  @Test
  void wakeupBeforeSelectMakesTheNextSelectReturnAtOnce() throws IOException {
    selector.wakeup();
    selector.wakeup();
    assertThat(selector.select()).isZero();
    // the wakeup is used up: a timed select now waits out its timeout
    assertThat(selector.select(1)).isZero();
  }

  @Test
  void closingTheSelectorWakesABlockedSelect() throws Exception {
    Background<Integer> selected = Background.start(selector::select).awaitBlocked();
    selector.close();
    selected.thread().join();
    assertThat(selected.isDone()).isTrue();
  }

  @Test
  void interruptingASelectingThreadMakesItReturnAndKeepsTheStatus() throws Exception {
    Background<Integer> selected = Background.start(selector::select).awaitBlocked();
    selected.thread().interrupt();
    selected.get();
    assertThat(selected.interruptedAtEnd()).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void selectWithTheInterruptStatusSetReturnsAtOnceAndKeepsIt(boolean virtual) throws Exception {
    Background<Void> selecting =
        Background.start(
            virtual,
            () -> {
              Thread.currentThread().interrupt();
              assertThat(selector.select()).isZero();
              assertThat(selector.select(k -> {})).isZero();
              return null;
            });
    selecting.get();
    assertThat(selecting.interruptedAtEnd()).isTrue();
    assertThat(selector.isOpen()).as("the selector stays open").isTrue();
  }

  @Test
  void interestChangedWhileAnotherThreadSelectsTakesEffect() throws Exception {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, 0);
    Background<Integer> ready =
        Background.start(
                () -> {
                  while (selector.select() == 0) {
                    // woken without a key: select again with the new interest set
                  }
                  return key.readyOps();
                })
            .awaitBlocked();
    key.interestOps(OP_WRITE);
    selector.wakeup();
    assertThat(ready.get()).isEqualTo(OP_WRITE);
  }

  @Test
  void cancelledKeysAreDroppedAtTheNextSelection() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_WRITE);
    assertThat(selector.selectNow()).isEqualTo(1);
    key.cancel();
    assertThat(key.isValid()).isFalse();
    assertThatThrownBy(key::interestOps).isInstanceOf(CancelledKeyException.class);
    assertThatThrownBy(key::readyOps).isInstanceOf(CancelledKeyException.class);
    assertThat(selector.selectNow()).isZero();
    assertThat(selector.keys()).doesNotContain(key);
    assertThat(selector.selectedKeys()).doesNotContain(key);
    assertThat(b.isRegistered()).isFalse();
    assertThat(b.keyFor(selector)).isNull();
    b.configureBlocking(true); // possible again once deregistered
    b.configureBlocking(false);
    SelectionKey again = b.register(selector, OP_WRITE);
    assertThat(again).isNotSameAs(key);
    assertThat(selector.selectNow()).isEqualTo(1);
  }

  @Test
  void selectOnAClosedSelectorThrows() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    selector.close();
    selector.close(); // idempotent
    assertThat(selector.isOpen()).isFalse();
    assertThat(key.isValid()).isFalse();
    assertThat(b.isRegistered()).isFalse();
    assertThatThrownBy(selector::select).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(() -> selector.select(10)).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(selector::selectNow).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(() -> selector.select(k -> {})).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(selector::keys).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(selector::selectedKeys).isInstanceOf(ClosedSelectorException.class);
    assertThatThrownBy(() -> b.register(selector, OP_READ))
        .isInstanceOf(ClosedSelectorException.class);
    assertThat(selector.wakeup()).isSameAs(selector);
  }

  @Test
  void selectWithAConsumerActsOnReadyKeysWithoutTheSelectedKeySet() throws IOException {
    b.configureBlocking(false);
    a.configureBlocking(false);
    SelectionKey kb = b.register(selector, OP_READ);
    SelectionKey ka = a.register(selector, OP_WRITE);
    a.write(ascii("x"));
    List<SelectionKey> seen = new ArrayList<>();
    assertThat(selector.select(seen::add)).isEqualTo(2);
    assertThat(seen).containsExactlyInAnyOrder(ka, kb);
    assertThat(selector.selectedKeys()).isEmpty();
    assertThat(kb.readyOps()).isEqualTo(OP_READ);
    seen.clear();
    assertThat(selector.selectNow(seen::add)).isEqualTo(2);
    seen.clear();
    assertThat(selector.select(seen::add, 1000)).isEqualTo(2);
    assertThatThrownBy(() -> selector.select(k -> {}, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> selector.select(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> selector.select((java.util.function.Consumer<SelectionKey>) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void keySetsAreNotGrowableByCallers() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_WRITE);
    assertThatThrownBy(() -> selector.keys().add(key))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> selector.keys().remove(key))
        .isInstanceOf(UnsupportedOperationException.class);
    selector.selectNow();
    assertThatThrownBy(() -> selector.selectedKeys().add(key))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(selector.selectedKeys().remove(key)).isTrue();
  }

  @Test
  void registrationChecksItsArguments() throws IOException {
    assertThatThrownBy(() -> b.register(selector, OP_READ))
        .as("a blocking channel")
        .isInstanceOf(IllegalBlockingModeException.class);
    b.configureBlocking(false);
    assertThatThrownBy(() -> b.register(selector, SelectionKey.OP_ACCEPT))
        .isInstanceOf(IllegalArgumentException.class);
    SelectionKey key = b.register(selector, OP_READ, "attachment");
    assertThat(key.attachment()).isEqualTo("attachment");
    assertThat(b.register(selector, OP_WRITE))
        .as("registering again updates the key")
        .isSameAs(key);
    assertThat(key.interestOps()).isEqualTo(OP_WRITE);
    assertThatThrownBy(() -> key.interestOps(SelectionKey.OP_ACCEPT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.configureBlocking(true))
        .isInstanceOf(IllegalBlockingModeException.class);
  }

  @Test
  @DisplayName("S34: peer close makes OP_READ ready, and the read returns end of stream")
  void s34_peerCloseIsReadable() throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    a.close();
    assertThat(selector.select(20_000)).isEqualTo(1);
    assertThat(key.isReadable()).isTrue();
    assertThat(b.read(ByteBuffer.allocate(1))).isEqualTo(-1);
  }

  @Test
  void manyChannelsOnOneSelector() throws IOException {
    List<PairBackend.Ends> pairs = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        PairBackend.Ends p = backend.open();
        pairs.add(p);
        p.first().configureBlocking(false);
        p.first().register(selector, OP_READ, i);
      }
      for (int i = 0; i < pairs.size(); i += 2) {
        pairs.get(i).second().write(ascii("x"));
      }
      int expected = pairs.size() / 2;
      List<Object> ready = new ArrayList<>();
      while (ready.size() < expected) {
        selector.select(k -> ready.add(k.attachment()), 20_000);
      }
      assertThat(ready).hasSize(expected).allMatch(i -> ((Integer) i) % 2 == 0);
    } finally {
      for (PairBackend.Ends p : pairs) {
        p.close();
      }
    }
  }
}
