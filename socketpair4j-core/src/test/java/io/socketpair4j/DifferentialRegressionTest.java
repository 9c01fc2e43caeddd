package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shrunk counterexamples of {@link DifferentialPropertyTest}, each as a plain test that both
 * backends must pass: what the JDK's own channels do in these cases, ours must do too.
 */
class DifferentialRegressionTest extends PairFixture {

  @Test
  @DisplayName(
      "S41: a write to a peer that shut its input down or closed throws IOException itself")
  void s41_writeToAGonePeerThrowsIOException() throws IOException {
    // The JDK's channels throw a plain IOException ("Broken pipe") for EPIPE, not a subclass.
    b.shutdownInput();
    assertThatThrownBy(() -> a.write(ascii("x"))).isExactlyInstanceOf(IOException.class);
    b.close();
    assertThatThrownBy(() -> a.write(ascii("x"))).isExactlyInstanceOf(IOException.class);
    assertThatThrownBy(() -> a.write(new ByteBuffer[] {ascii("x"), ByteBuffer.allocateDirect(1)}))
        .isExactlyInstanceOf(IOException.class);
  }

  @Test
  @DisplayName(
      "S49: every write after shutdownOutput throws AsynchronousCloseException, blocking or not")
  void s49_writeAfterShutdownOutput() throws IOException {
    a.shutdownOutput();
    assertThatThrownBy(() -> a.write(ByteBuffer.allocate(0)))
        .isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThatThrownBy(() -> a.write(ascii("x")))
        .isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThatThrownBy(() -> a.write(new ByteBuffer[] {ascii("x")}))
        .isExactlyInstanceOf(AsynchronousCloseException.class);
    a.configureBlocking(false);
    assertThatThrownBy(() -> a.write(ascii("x")))
        .isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThatThrownBy(() -> a.write(new ByteBuffer[] {ByteBuffer.allocateDirect(1)}))
        .isExactlyInstanceOf(AsynchronousCloseException.class);
  }

  @Test
  @DisplayName(
      "S47/S49: a read into a read-only buffer first checks the channel: -1 after shutdownInput,"
          + " ClosedChannelException after close")
  void s49_readIntoAReadOnlyBufferChecksTheChannelFirst() throws IOException {
    ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
    assertThatThrownBy(() -> a.read(readOnly)).isExactlyInstanceOf(IllegalArgumentException.class);
    a.shutdownInput();
    assertThat(a.read(readOnly)).isEqualTo(-1);
    assertThat(a.read(new ByteBuffer[] {ByteBuffer.allocate(1), readOnly})).isEqualTo(-1);
    a.close();
    assertThatThrownBy(() -> a.read(readOnly)).isExactlyInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.read(new ByteBuffer[] {readOnly}))
        .isExactlyInstanceOf(ClosedChannelException.class);
  }

  @Test
  @DisplayName("S34/S36: after the peer closed, a key interested in OP_CONNECT is selected with it")
  void s36_hangUpMakesOpConnectReady() throws IOException {
    // On a hang-up the JDK's selector makes the whole interest set ready, OP_CONNECT included.
    b.configureBlocking(false);
    a.close();
    SelectionKey key = b.register(selector, OP_CONNECT);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_CONNECT);
  }

  @Test
  @DisplayName(
      "S34: on a hang-up, a key already selected gets exactly its interest set as its ready set")
  void s34_hangUpSetsTheReadySetToTheInterestSet() throws IOException {
    // The JDK's selector replaces the ready set of a key already in the selected-key set with its
    // interest set when the descriptor hangs up (instead of adding to it).
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_WRITE);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_WRITE);
    key.interestOps(OP_READ);
    a.close();
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(selector.selectedKeys()).containsExactly(key);
    assertThat(key.readyOps()).isEqualTo(OP_READ);
  }

  @Test
  @DisplayName(
      "S13/S17: a non-blocking gathering write of heap buffers is one send: what fits in one"
          + " socket buffer is taken whole")
  void s17_nonBlockingGatheringWriteOfHeapBuffersIsOneSend() throws IOException {
    a.configureBlocking(false);
    // Fill the send buffer one byte at a time, so that every queued socket buffer costs the same.
    long queued = 0;
    while (a.write(ascii("x")) == 1) {
      queued++;
    }
    assertThat(queued).as("bytes queued").isPositive();
    // Reading one byte frees one socket buffer: room for exactly one more send of any size.
    assertThat(b.read(ByteBuffer.allocate(1))).isEqualTo(1);
    ByteBuffer[] two = {ascii("y"), ascii("z")};
    assertThat(a.write(two)).as("bytes the gathering write took").isEqualTo(2);
    assertThat(two[1].hasRemaining()).isFalse();
  }

  @Test
  @DisplayName("S34/S42: closing a registered end shows its peer end of stream at once")
  void s42_closeOfARegisteredEndIsEndOfStreamAtOnce() throws IOException {
    b.configureBlocking(false);
    b.register(selector, OP_READ);
    b.close();
    a.configureBlocking(false);
    assertThat(a.read(ByteBuffer.allocate(8))).isEqualTo(-1);
  }

  @Test
  @DisplayName(
      "S18: a scattering read into heap buffers whose staging must grow partway through gets the"
          + " bytes that were sent, in the right buffers")
  void s18_scatteringReadIntoHeapBuffersThatOutgrowTheStaging() throws IOException {
    // The first heap buffer fits the first staging memory, the second makes it grow: the first
    // one's bytes once went to staging memory that was then replaced.
    a.write(ascii("hi"));
    ByteBuffer first = ByteBuffer.allocate(2);
    ByteBuffer second = ByteBuffer.allocate(4095);
    assertThat(b.read(new ByteBuffer[] {first, second})).isEqualTo(2);
    assertThat(ascii(first.flip())).isEqualTo("hi");
    assertThat(second.position()).isZero();
    byte[] big = TestSupport.pattern(6000, 7);
    a.write(ByteBuffer.wrap(big));
    ByteBuffer[] three = {
      ByteBuffer.allocate(100), ByteBuffer.allocate(4000), ByteBuffer.allocate(1900)
    };
    long n = 0;
    while (n < big.length) {
      n += b.read(three);
    }
    ByteBuffer all = ByteBuffer.allocate(big.length);
    for (ByteBuffer x : three) {
      all.put(x.flip());
    }
    assertThat(all.array()).isEqualTo(big);
  }

  @Test
  @DisplayName(
      "select(action) replaces a key's ready set, also with nothing, when its event is no longer"
          + " of interest")
  void selectWithActionReplacesTheReadySetEvenWithNothing() throws IOException {
    a.write(ascii("x"));
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(OP_READ);
    key.interestOps(OP_CONNECT); // a connected end never becomes connectable
    int[] actions = {0};
    assertThat(selector.selectNow(k -> actions[0]++)).isZero();
    assertThat(actions[0]).isZero();
    assertThat(key.readyOps()).isZero();
  }

  @Test
  @DisplayName(
      "setOption checks the value's type, then that the channel is open, then the size, as the"
          + " JDK's channels do")
  void setOptionChecksInTheJdksOrder() throws IOException {
    assertThatThrownBy(() -> a.setOption(java.net.StandardSocketOptions.SO_SNDBUF, null))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.setOption(java.net.StandardSocketOptions.SO_SNDBUF, -1))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    a.close();
    assertThatThrownBy(() -> a.setOption(java.net.StandardSocketOptions.SO_SNDBUF, -1))
        .isExactlyInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.setOption(java.net.StandardSocketOptions.SO_RCVBUF, null))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName(
      "S25: a blocking read into a heap buffer larger than the staging memory takes everything"
          + " that is there in one call")
  void s25_blockingHeapReadLargerThanTheStagingTakesEverything() throws IOException {
    // A platform thread's blocking read waits in the kernel through staging memory of at most
    // 64 KiB; a larger heap read once took 64 KiB where the JDK's takes all 65,537 bytes.
    a.configureBlocking(false);
    byte[] sent = TestSupport.pattern(65_537, 3);
    assertThat(a.write(ByteBuffer.wrap(sent))).isEqualTo(sent.length);
    ByteBuffer got = ByteBuffer.allocate(sent.length);
    assertThat(b.read(got)).isEqualTo(sent.length);
    assertThat(got.array()).isEqualTo(sent);
  }
}
