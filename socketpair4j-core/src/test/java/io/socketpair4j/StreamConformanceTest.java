package io.socketpair4j;

import static io.socketpair4j.TestSupport.PROMPTLY;
import static io.socketpair4j.TestSupport.ascii;
import static io.socketpair4j.TestSupport.readFully;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Behaviours of {@code ../shared/spec/socketpair-behaviour.md} for a Linux stream pair, in java.nio
 * terms, for every backend. See {@code docs/conformance.md} for where each S-id is covered.
 */
class StreamConformanceTest extends PairFixture {
  @Test
  @DisplayName("S13: a non-blocking write queues part of a large buffer and returns that count")
  void s13_nonBlockingWriteIsPartial() throws IOException {
    a.configureBlocking(false);
    ByteBuffer big = ByteBuffer.allocate(4 << 20);
    int n = a.write(big);
    assertThat(n).isPositive().isLessThan(big.capacity());
    assertThat(big.position()).isEqualTo(n);
  }

  @Test
  @DisplayName("S13: a blocking write returns only when the whole buffer is queued")
  void s13_blockingWriteIsComplete() throws Exception {
    byte[] data = TestSupport.pattern(4 << 20, 13);
    Background<byte[]> read = Background.start(() -> readFully(b, data.length));
    assertThat(a.write(ByteBuffer.wrap(data))).isEqualTo(data.length);
    assertThat(read.get()).isEqualTo(data);
  }

  @Test
  @DisplayName("S17/S18: a gathering write and a scattering read keep order across buffers")
  void s17_gatheringWriteAndScatteringRead() throws IOException {
    ByteBuffer[] out = {ascii("Hello, "), ascii("socketpair(2) "), ascii("world!")};
    assertThat(a.write(out)).isEqualTo(27);
    ByteBuffer[] in = {ByteBuffer.allocate(5), ByteBuffer.allocate(10), ByteBuffer.allocate(32)};
    long total = 0;
    while (total < 27) {
      total += b.read(in);
    }
    assertThat(total).isEqualTo(27);
    assertThat(ascii(in[0].flip()) + ascii(in[1].flip()) + ascii(in[2].flip()))
        .isEqualTo("Hello, socketpair(2) world!");
    assertThat(in[0].limit()).isEqualTo(5);
    assertThat(in[1].limit()).isEqualTo(10);
  }

  @Test
  @DisplayName("S26: blocking mode belongs to each end; setting one leaves the other alone")
  void s26_blockingModeIsPerEnd() throws Exception {
    a.configureBlocking(false);
    assertThat(a.isBlocking()).isFalse();
    assertThat(b.isBlocking()).isTrue();
    assertThat(a.read(ByteBuffer.allocate(1))).as("a does not wait").isZero();
    Background<String> read = Background.start(() -> new String(readFully(b, 1))).awaitBlocked();
    a.write(ascii("k"));
    assertThat(read.get()).isEqualTo("k");
  }

  @Test
  @DisplayName("S32/S40: select wakes for OP_WRITE when the peer frees space later")
  void s32_selectWakesWhenSpaceIsFreed() throws Exception {
    a.configureBlocking(false);
    long queued = TestSupport.fill(a);
    SelectionKey key = a.register(selector, OP_WRITE);
    Background<Integer> selected = Background.start(selector::select).awaitBlocked();
    readFully(b, (int) queued);
    assertThat(selected.get()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
  }

  @Test
  @DisplayName("S35: peer close while selecting for OP_WRITE: it becomes ready, the write is EPIPE")
  void s35_peerCloseWhileWaitingToWrite() throws Exception {
    a.configureBlocking(false);
    TestSupport.fill(a);
    SelectionKey key = a.register(selector, OP_WRITE);
    Background<Integer> selected = Background.start(selector::select).awaitBlocked();
    b.close();
    assertThat(selected.get()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
    assertThatThrownBy(() -> a.write(ascii("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Broken pipe");
  }

  @Test
  @DisplayName("S36: with the peer already closed, select returns at once, read and write ready")
  void s36_peerAlreadyClosed() throws IOException {
    b.close();
    a.configureBlocking(false);
    SelectionKey key = a.register(selector, OP_READ | OP_WRITE);
    assertThat(selector.select(PROMPTLY.toMillis())).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_READ | OP_WRITE);
    assertThat(a.read(ByteBuffer.allocate(1))).isEqualTo(-1);
  }

  @Test
  @DisplayName("S37: interest in both read and write: incoming data wakes a selector that waits")
  void s37_waitsOnBothConditions() throws Exception {
    a.configureBlocking(false);
    TestSupport.fill(a); // not writable
    SelectionKey key = a.register(selector, OP_READ | OP_WRITE);
    assertThat(selector.selectNow()).isZero();
    Background<Integer> selected = Background.start(selector::select).awaitBlocked();
    b.write(ascii("in"));
    assertThat(selected.get()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_READ);
  }

  @Test
  @DisplayName("S43: closing with unread data resets the peer: one read names ECONNRESET, then EOF")
  void s43_closeWithUnreadDataResetsThePeer() throws IOException {
    a.write(ascii("never read"));
    b.close();
    a.configureBlocking(false);
    SelectionKey key = a.register(selector, OP_READ);
    assertThat(selector.select(PROMPTLY.toMillis())).isEqualTo(1);
    assertThat(key.isReadable()).isTrue();
    // Linux reports ECONNRESET once, then end of stream; java.nio channels (the JDK's) keep
    // reporting the reset, and so do ours.
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> a.read(ByteBuffer.allocate(8)))
          .isInstanceOf(java.net.SocketException.class)
          .hasMessageContaining("Connection reset");
    }
    assertThatThrownBy(() -> a.write(ascii("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Broken pipe");
  }

  @Test
  @DisplayName("S49: shutting down either half again succeeds and changes nothing")
  void s49_shutdownAgain() throws IOException {
    a.shutdownInput();
    a.shutdownInput();
    a.shutdownOutput();
    a.shutdownOutput();
    assertThat(a.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    assertThat(b.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    assertThat(a.isOpen()).isTrue();
  }
}
