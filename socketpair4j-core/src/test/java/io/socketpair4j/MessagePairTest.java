package io.socketpair4j;

import static io.socketpair4j.MessageSupport.expectTagged;
import static io.socketpair4j.MessageSupport.fillWithMessages;
import static io.socketpair4j.MessageSupport.readString;
import static io.socketpair4j.MessageSupport.tagged;
import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.UnixDatagramPair.Type;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * S51 of {@code ../shared/spec/socketpair-behaviour.md}, message boundaries and truncation, in
 * {@link UnixDatagramChannel} terms, on both message types: each test gets a fresh pair, {@link #a}
 * and {@link #b}, in blocking mode.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Type.class)
@Timeout(60)
class MessagePairTest {
  @Parameter Type type;

  UnixDatagramPair pair;
  UnixDatagramChannel a;
  UnixDatagramChannel b;

  @BeforeEach
  void openPair() throws IOException {
    pair = UnixDatagramPair.open(type);
    a = pair.first();
    b = pair.second();
  }

  @AfterEach
  void closePair() throws IOException {
    pair.close();
  }

  @Test
  @DisplayName("S51: boundaries are kept: \"abc\" then \"de\" are two reads, whatever the room")
  void s51_boundariesAreKept() throws IOException {
    assertThat(a.write(ascii("abc"))).isEqualTo(3);
    assertThat(a.write(ascii("de"))).isEqualTo(2);
    assertThat(readString(b, 64)).isEqualTo("abc");
    assertThat(readString(b, 64)).isEqualTo("de");
    // and the other way
    b.write(ascii("fg"));
    b.write(ascii("h"));
    assertThat(readString(a, 64)).isEqualTo("fg");
    assertThat(readString(a, 64)).isEqualTo("h");
  }

  @Test
  @DisplayName(
      "S51: read(ByteBuffer) into a buffer too small takes the whole message and silently drops"
          + " the rest; the next read is the next message")
  void s51_truncatingReadDiscardsTheRest() throws IOException {
    a.write(ascii("abcdef"));
    a.write(ascii("gh"));
    ByteBuffer small = ByteBuffer.allocate(2);
    assertThat(b.read(small)).isEqualTo(2);
    assertThat(TestSupport.ascii(small.flip())).isEqualTo("ab");
    assertThat(readString(b, 64)).as("the next message, not the rest").isEqualTo("gh");
    b.configureBlocking(false);
    assertThat(b.read(ByteBuffer.allocate(64))).as("nothing of the first is left").isZero();
  }

  @Test
  @DisplayName(
      "S51: direct buffers too small, in blocking and non-blocking mode, take the first bytes of"
          + " the message and report its real length (DATAGRAM: recv(2) with MSG_TRUNC)")
  void s51_truncationIntoDirectBuffers() throws IOException {
    a.write(ascii("abcdef"));
    a.write(ascii("gh"));
    a.write(ascii("ijk"));
    ByteBuffer small = ByteBuffer.allocateDirect(2);
    assertThat(b.read(small)).isEqualTo(2); // blocking: on a platform thread, waits in the kernel
    assertThat(TestSupport.ascii(small.flip())).isEqualTo("ab");
    ReceivedMessage cut = b.readMessage(ByteBuffer.allocateDirect(1));
    assertThat(cut.bytesRead()).isEqualTo(1);
    assertThat(cut.length()).isEqualTo(2);
    assertThat(cut.isTruncated()).isTrue();
    b.configureBlocking(false);
    ByteBuffer tiny = ByteBuffer.allocateDirect(8).limit(2);
    assertThat(b.read(tiny)).isEqualTo(2);
    assertThat(tiny.position()).isEqualTo(2);
    assertThat(TestSupport.ascii(tiny.flip())).isEqualTo("ij");
    assertThat(b.read(ByteBuffer.allocateDirect(64))).as("nothing of them is left").isZero();
  }

  @Test
  @DisplayName(
      "S51: readMessage reports the real length and whether the message was cut (MSG_TRUNC)")
  void s51_readMessageReportsLengthAndTruncation() throws IOException {
    a.write(ascii("abcdef"));
    a.write(ascii("gh"));
    ByteBuffer small = ByteBuffer.allocate(2);
    ReceivedMessage cut = b.readMessage(small);
    assertThat(cut.bytesRead()).isEqualTo(2);
    assertThat(cut.length()).isEqualTo(6);
    assertThat(cut.isTruncated()).isTrue();
    assertThat(cut.isEndOfStream()).isFalse();
    assertThat(cut.descriptors()).isEmpty();
    assertThat(TestSupport.ascii(small.flip())).isEqualTo("ab");

    ByteBuffer roomy = ByteBuffer.allocate(2);
    ReceivedMessage whole = b.readMessage(roomy);
    assertThat(whole).isEqualTo(new ReceivedMessage(2, 2, java.util.List.of()));
    assertThat(whole.isTruncated()).as("exactly fits").isFalse();
    assertThat(TestSupport.ascii(roomy.flip())).isEqualTo("gh");
  }

  @Test
  @DisplayName(
      "S51: peekMessage with an empty buffer gives the next message's length without taking it;"
          + " a peek copies what fits; the next read gets the whole message")
  void s51_peekLearnsTheLengthWithoutTakingTheMessage() throws IOException {
    a.write(ascii("abcdef"));
    a.write(ascii("gh"));
    ByteBuffer none = ByteBuffer.allocate(0);
    ReceivedMessage peeked = b.peekMessage(none);
    assertThat(peeked.bytesRead()).isZero();
    assertThat(peeked.length()).isEqualTo(6);
    assertThat(peeked.isTruncated()).isTrue();
    assertThat(none.position()).isZero();

    ByteBuffer three = ByteBuffer.allocate(3);
    ReceivedMessage part = b.peekMessage(three);
    assertThat(part.bytesRead()).isEqualTo(3);
    assertThat(part.length()).isEqualTo(6);
    assertThat(TestSupport.ascii(three.flip())).isEqualTo("abc");

    ByteBuffer all = ByteBuffer.allocate(6);
    assertThat(b.peekMessage(all)).isEqualTo(new ReceivedMessage(6, 6, java.util.List.of()));
    assertThat(TestSupport.ascii(all.flip())).isEqualTo("abcdef");

    assertThat(readString(b, 64)).as("still queued after three peeks").isEqualTo("abcdef");
    assertThat(b.peekMessage(ByteBuffer.allocate(0)).length()).isEqualTo(2);
    assertThat(readString(b, 64)).isEqualTo("gh");
  }

  @Test
  @DisplayName(
      "S51: zero-length messages are sent (write returns 0) and received (read returns 0, not end"
          + " of stream), in order among others, with every receive form")
  void s51_zeroLengthMessages() throws IOException {
    assertThat(a.write(ByteBuffer.allocate(0))).isZero();
    assertThat(a.write(ascii("x"))).isEqualTo(1);
    assertThat(a.write(ByteBuffer.allocateDirect(0))).isZero();
    assertThat(a.write(new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(0)}))
        .as("a gathering write of nothing")
        .isZero();
    assertThat(a.send(ByteBuffer.allocate(0), a.getRemoteAddress())).isZero();
    assertThat(a.write(ascii("y"))).isEqualTo(1);

    // Blocking reads: each returns at once, so each found a message.
    assertThat(b.read(ByteBuffer.allocate(8))).as("empty message 1").isZero();
    assertThat(readString(b, 8)).isEqualTo("x");
    ReceivedMessage empty = b.readMessage(ByteBuffer.allocate(8));
    assertThat(empty).isEqualTo(new ReceivedMessage(0, 0, java.util.List.of()));
    assertThat(empty.isEndOfStream()).isFalse();
    assertThat(b.read(new ByteBuffer[] {ByteBuffer.allocate(4)})).as("empty message 3").isZero();
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertThat(b.receive(dst)).as("empty message 4").isEqualTo(UnixDomainSocketAddress.of(""));
    assertThat(dst.position()).isZero();
    assertThat(readString(b, 8)).isEqualTo("y");

    b.configureBlocking(false);
    assertThat(b.receive(ByteBuffer.allocate(8))).as("nothing more queued").isNull();
  }

  @ParameterizedTest(name = "SO_SNDBUF {0} (0: the default)")
  @ValueSource(ints = {0, 50_000})
  @DisplayName(
      "S51: the largest message is the kernel's SO_SNDBUF - 32 bytes; one byte more is an"
          + " IOException naming EMSGSIZE, sends nothing and leaves the channel usable")
  void s51_largestMessage(int sndbuf) throws IOException {
    if (sndbuf > 0) {
      a.setOption(StandardSocketOptions.SO_SNDBUF, sndbuf);
    }
    // getOption reports what was set, as the JDK does; the kernel's own value is twice that
    int kernelSndbuf = 2 * a.getOption(StandardSocketOptions.SO_SNDBUF);
    int largest = kernelSndbuf - 32;
    if (sndbuf == 0) {
      assertThat(largest).as("the spec's default figure").isEqualTo(212_960);
    }
    ByteBuffer big = ByteBuffer.wrap(TestSupport.pattern(largest, 51));
    assertThat(a.write(big)).isEqualTo(largest);
    ByteBuffer in = ByteBuffer.allocateDirect(largest + 1);
    ReceivedMessage m = b.readMessage(in);
    assertThat(m.bytesRead()).isEqualTo(largest);
    assertThat(m.isTruncated()).isFalse();
    assertThat(in.flip()).isEqualTo(big.flip());

    ByteBuffer tooBig = ByteBuffer.allocate(largest + 1);
    assertThatThrownBy(() -> a.write(tooBig))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("EMSGSIZE");
    assertThat(tooBig.position()).as("nothing taken").isZero();
    ByteBuffer[] gathered = {ByteBuffer.allocate(largest), ByteBuffer.allocateDirect(1)};
    assertThatThrownBy(() -> a.write(gathered))
        .as("a gathering write is one message too")
        .isInstanceOf(IOException.class)
        .hasMessageContaining("EMSGSIZE");
    a.configureBlocking(false);
    assertThatThrownBy(() -> a.write(ByteBuffer.allocate(largest + 1)))
        .as("non-blocking")
        .isInstanceOf(IOException.class)
        .hasMessageContaining("EMSGSIZE");

    b.configureBlocking(false);
    assertThat(b.receive(ByteBuffer.allocate(16))).as("nothing was sent").isNull();
    assertThat(a.write(ascii("ok"))).isEqualTo(2);
    assertThat(readString(b, 16)).isEqualTo("ok");
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName(
      "S23/S24/S51: a full queue makes a non-blocking write return 0 and a blocking write wait"
          + " until the reader takes messages; no message is lost or reordered")
  void s51_fullQueueBlocksOrReturnsZero(boolean virtual) throws Exception {
    int size = 1000;
    a.configureBlocking(false);
    int queued = fillWithMessages(a, size);
    assertThat(queued).as("messages queued").isPositive();
    assertThat(a.write(tagged(-1, size))).as("still full").isZero();
    assertThat(a.write(ByteBuffer.allocate(0))).as("even an empty message waits").isZero();
    a.configureBlocking(true);

    Background<Integer> write =
        Background.start(virtual, () -> a.write(tagged(queued, size))).awaitBlocked();
    assertThat(write.isDone()).isFalse();
    // Reading frees space; the kernel reports the writer writable once its queue has drained to a
    // quarter of SO_SNDBUF, so read every message that was queued before the blocked one.
    for (int tag = 0; tag < queued; tag++) {
      expectTagged(b, tag, size);
    }
    assertThat(write.get()).isEqualTo(size);
    expectTagged(b, queued, size);
    b.configureBlocking(false);
    assertThat(b.read(ByteBuffer.allocate(size))).as("nothing else was queued").isZero();
  }

  @Test
  @DisplayName(
      "S22: a non-blocking read with nothing queued returns 0 (read), null (readMessage,"
          + " peekMessage, receive), and takes nothing")
  void s22_nonBlockingReadWithNothingQueued() throws IOException {
    b.configureBlocking(false);
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertThat(b.read(dst)).isZero();
    assertThat(b.read(new ByteBuffer[] {dst, ByteBuffer.allocateDirect(8)})).isZero();
    assertThat(b.readMessage(dst)).isNull();
    assertThat(b.peekMessage(dst)).isNull();
    assertThat(b.receive(dst)).isNull();
    assertThat(dst.position()).isZero();
    a.write(ascii("z"));
    assertThat(b.readMessage(dst)).isEqualTo(new ReceivedMessage(1, 1, java.util.List.of()));
  }
}
