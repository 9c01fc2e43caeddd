package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad arguments get the exception the JDK documents for the method, before anything is done: the
 * channel stays open and usable, and nothing is read or written.
 */
class ArgumentErrorTest extends PairFixture {
  @AfterEach
  void checkTheChannelIsStillUsable() throws IOException {
    assertThat(a.isOpen()).as("a bad argument leaves the channel open").isTrue();
    // and usable: nothing was written by the failed calls
    a.write(ByteBuffer.wrap(new byte[] {42}));
    b.configureBlocking(false);
    ByteBuffer got = ByteBuffer.allocate(8);
    assertThat(b.read(got)).isEqualTo(1);
    assertThat(got.get(0)).isEqualTo((byte) 42);
  }

  @Test
  void nullBuffersAreNullPointerExceptions() {
    assertThatThrownBy(() -> a.read((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.write((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.read((ByteBuffer[]) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.write((ByteBuffer[]) null)).isInstanceOf(NullPointerException.class);
    ByteBuffer[] withNull = {ByteBuffer.allocate(1), null};
    assertThatThrownBy(() -> a.read(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.write(withNull)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void readingIntoAReadOnlyBufferIsAnIllegalArgument() {
    ByteBuffer readOnly = ByteBuffer.allocate(4).asReadOnlyBuffer();
    assertThatThrownBy(() -> a.read(readOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Read-only buffer");
    assertThatThrownBy(() -> a.read(new ByteBuffer[] {ByteBuffer.allocate(1), readOnly}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Read-only buffer");
    assertThatThrownBy(() -> a.read(ByteBuffer.allocateDirect(4).asReadOnlyBuffer()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void offsetsAndLengthsOutOfRangeAreIndexOutOfBounds() {
    ByteBuffer[] two = {ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
    int[][] bad = {{-1, 1}, {0, -1}, {0, 3}, {2, 1}, {3, 0}, {1, Integer.MAX_VALUE}};
    for (int[] range : bad) {
      assertThatThrownBy(() -> a.read(two, range[0], range[1]))
          .as("read offset %d length %d", range[0], range[1])
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> a.write(two, range[0], range[1]))
          .as("write offset %d length %d", range[0], range[1])
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void negativeTimeoutsAreIllegalArguments() {
    assertThatThrownBy(() -> selector.select(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Negative timeout");
    Consumer<SelectionKey> ignore = k -> {};
    assertThatThrownBy(() -> selector.select(ignore, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Negative timeout");
  }

  @Test
  void nullSelectActionsAreNullPointerExceptions() {
    assertThatThrownBy(() -> selector.select((Consumer<SelectionKey>) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> selector.selectNow(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> selector.select(null, 10)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void invalidInterestOpsAreIllegalArguments() throws IOException {
    a.configureBlocking(false);
    for (int ops : new int[] {SelectionKey.OP_ACCEPT, SelectionKey.OP_CONNECT << 8, -1}) {
      assertThatThrownBy(() -> a.register(selector, ops))
          .as("ops 0x%x", ops)
          .isInstanceOf(IllegalArgumentException.class);
    }
    SelectionKey key = a.register(selector, SelectionKey.OP_READ);
    Throwable invalid = catchThrowable(() -> key.interestOps(SelectionKey.OP_ACCEPT));
    assertThat(invalid).isInstanceOf(IllegalArgumentException.class);
    if (backend == PairBackend.NATIVE) {
      assertThat(invalid).hasMessage("Invalid interest ops: 0x10"); // the JDK's has no message
    }
    assertThatThrownBy(() -> key.interestOpsOr(SelectionKey.OP_ACCEPT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(key.interestOps()).as("unchanged").isEqualTo(SelectionKey.OP_READ);
    key.cancel();
    selector.selectNow();
    a.configureBlocking(true);
  }

  @Test
  void registeringABlockingChannelIsAnIllegalBlockingMode() {
    assertThatThrownBy(() -> a.register(selector, SelectionKey.OP_READ))
        .isInstanceOf(IllegalBlockingModeException.class);
  }

  @Test
  void badOptionsAreRejectedAsTheJdkDoes() {
    assertThatThrownBy(() -> a.setOption(StandardSocketOptions.TCP_NODELAY, true))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("TCP_NODELAY");
    assertThatThrownBy(() -> a.getOption(StandardSocketOptions.SO_KEEPALIVE))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> a.setOption(StandardSocketOptions.SO_SNDBUF, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(backend == PairBackend.NATIVE ? "-1" : "buffer size");
    assertThatThrownBy(() -> a.setOption(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.getOption(null)).isInstanceOf(NullPointerException.class);
  }
}
