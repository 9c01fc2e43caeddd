package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.UnixDatagramPair.Type;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link java.nio.channels.InterruptibleChannel} contract on message ends, for threads blocked
 * in every form of read and in writes, on platform and virtual threads: a message, close,
 * interrupt, shutdown and the peer's close each end the blocked call, with the outcome the stream
 * ends give ({@link CloseAndInterruptTest}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Type.class)
@Timeout(60)
class MessageCloseAndInterruptTest {
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

  /** The forms of read, and a write; each is performed on {@code a}. */
  enum Op {
    READ,
    /** A read into a direct buffer: on a DATAGRAM end, {@code recv(2)} rather than recvmsg. */
    DIRECT_READ,
    READ_MESSAGE,
    PEEK_MESSAGE,
    RECEIVE,
    SCATTERING_READ,
    WRITE;

    boolean reads() {
      return this != WRITE;
    }
  }

  private static final int SIZE = 700;

  /**
   * Performs {@code op} on {@code a}: a read form returns the bytes stored (-1 at the end of the
   * stream, for receive when it returned null), a write its count.
   */
  private long perform(Op op) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(64);
    switch (op) {
      case READ:
        return a.read(dst);
      case DIRECT_READ:
        return a.read(ByteBuffer.allocateDirect(64));
      case READ_MESSAGE:
        return a.readMessage(dst).bytesRead();
      case PEEK_MESSAGE:
        return a.peekMessage(dst).bytesRead();
      case RECEIVE:
        {
          java.net.SocketAddress from = a.receive(dst);
          if (from == null) {
            return -1;
          }
          assertThat(from).isEqualTo(UnixDomainSocketAddress.of(""));
          return dst.position();
        }
      case SCATTERING_READ:
        return a.read(new ByteBuffer[] {ByteBuffer.allocate(2), dst});
      case WRITE:
        return a.write(MessageSupport.tagged(-1, SIZE));
      default:
        throw new AssertionError(op);
    }
  }

  /**
   * Makes {@code op} on {@code a} wait (a full queue for a write), starts it, awaits it blocked.
   */
  private Background<Long> blocked(Op op, boolean virtual) throws IOException {
    if (!op.reads()) {
      a.configureBlocking(false);
      assertThat(MessageSupport.fillWithMessages(a, SIZE)).isPositive();
      a.configureBlocking(true);
    }
    return Background.start(virtual, () -> perform(op)).awaitBlocked();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "READ,false",
    "READ,true",
    "DIRECT_READ,false",
    "DIRECT_READ,true",
    "READ_MESSAGE,false",
    "READ_MESSAGE,true",
    "PEEK_MESSAGE,false",
    "PEEK_MESSAGE,true",
    "RECEIVE,false",
    "RECEIVE,true",
    "SCATTERING_READ,false",
    "SCATTERING_READ,true"
  })
  @DisplayName("S25: a blocked read is released by a message, which it returns")
  void s25_aMessageReleasesABlockedRead(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    b.write(ascii("released"));
    assertThat(call.get()).isEqualTo(8);
    if (op == Op.PEEK_MESSAGE) {
      assertThat(MessageSupport.readString(a, 16)).as("a peek leaves it").isEqualTo("released");
    }
    a.configureBlocking(false);
    assertThat(a.read(ByteBuffer.allocate(16))).as("nothing more").isZero();
  }

  /**
   * An empty message is a message, also for a platform thread that waits inside {@code recvmsg}
   * (where, on a DATAGRAM socket, the end's own close or shutdown would read as 0 bytes too): the
   * read returns 0, and the channel stays open and usable.
   */
  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "READ,false",
    "READ,true",
    "DIRECT_READ,false",
    "DIRECT_READ,true",
    "READ_MESSAGE,false",
    "READ_MESSAGE,true",
    "RECEIVE,false",
    "SCATTERING_READ,false"
  })
  @DisplayName("S25: a blocked read is released by an empty message, which it returns as 0 bytes")
  void s25_anEmptyMessageReleasesABlockedRead(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    b.write(ByteBuffer.allocate(0));
    assertThat(call.get()).isZero();
    assertThat(a.isOpen()).isTrue();
    b.write(ascii("next"));
    assertThat(MessageSupport.readString(a, 16)).isEqualTo("next");
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "READ,false",
    "READ,true",
    "DIRECT_READ,false",
    "DIRECT_READ,true",
    "READ_MESSAGE,true",
    "PEEK_MESSAGE,false",
    "RECEIVE,true",
    "SCATTERING_READ,false",
    "WRITE,false",
    "WRITE,true"
  })
  @DisplayName(
      "S58: closing the channel wakes a thread blocked on it with AsynchronousCloseException")
  void s58_closeWakesABlockedThread(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    a.close();
    assertThat(call.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThat(call.interruptedAtEnd()).isFalse();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "READ,false",
    "READ,true",
    "DIRECT_READ,false",
    "DIRECT_READ,true",
    "READ_MESSAGE,false",
    "PEEK_MESSAGE,true",
    "RECEIVE,false",
    "SCATTERING_READ,true",
    "WRITE,false",
    "WRITE,true"
  })
  @DisplayName(
      "interrupting a blocked thread closes the channel, throws ClosedByInterruptException and"
          + " keeps the interrupt status")
  void interruptingABlockedThreadClosesTheChannel(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    call.thread().interrupt();
    assertThat(call.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(call.interruptedAtEnd()).as("interrupt status kept").isTrue();
    assertThat(a.isOpen()).isFalse();
    assertThatThrownBy(() -> a.read(ByteBuffer.allocate(1)))
        .isExactlyInstanceOf(ClosedChannelException.class);
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"READ,false", "READ_MESSAGE,true", "WRITE,false", "WRITE,true"})
  void ioStartedWithTheInterruptStatusSetClosesTheChannel(Op op, boolean virtual) throws Exception {
    b.write(ascii("queued")); // a read would not even have to wait
    Background<Long> call =
        Background.start(
            virtual,
            () -> {
              Thread.currentThread().interrupt();
              return perform(op);
            });
    assertThat(call.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(call.interruptedAtEnd()).isTrue();
    assertThat(a.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "READ,false",
    "READ,true",
    "DIRECT_READ,false",
    "DIRECT_READ,true",
    "READ_MESSAGE,false",
    "READ_MESSAGE,true",
    "PEEK_MESSAGE,true",
    "RECEIVE,false",
    "SCATTERING_READ,true"
  })
  @DisplayName("S49/S50: shutdownInput releases a blocked read with -1 (END_OF_STREAM, null)")
  void s50_shutdownInputReleasesABlockedRead(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    a.shutdownInput();
    assertThat(call.get()).isEqualTo(-1);
    assertThat(a.isOpen()).isTrue();
    if (op == Op.READ_MESSAGE) {
      assertThat(a.readMessage(ByteBuffer.allocate(1))).isSameAs(ReceivedMessage.END_OF_STREAM);
    }
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName(
      "S49/S50: shutdownOutput releases a blocked write with AsynchronousCloseException; the"
          + " channel stays open and the queued messages are still delivered")
  void s50_shutdownOutputReleasesABlockedWrite(boolean virtual) throws Exception {
    Background<Long> call = blocked(Op.WRITE, virtual);
    a.shutdownOutput();
    assertThat(call.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThat(a.isOpen()).isTrue();
    MessageSupport.expectTagged(b, 0, SIZE);
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"READ,false", "READ,true", "READ_MESSAGE,true", "RECEIVE,false", "DIRECT_READ,false"})
  @DisplayName(
      "S46: the peer's close releases a blocked SEQPACKET read with end of stream; a DATAGRAM"
          + " read has no end of stream and stays blocked until its own channel is closed")
  void s46_peerCloseAndABlockedRead(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    b.close();
    if (type == Type.SEQPACKET) {
      assertThat(call.get()).isEqualTo(-1);
      assertThat(a.readMessage(ByteBuffer.allocate(1))).isSameAs(ReceivedMessage.END_OF_STREAM);
    } else {
      // Still blocked: a message, had the close made the read return, would be read here.
      call.awaitBlocked();
      assertThat(call.isDone()).isFalse();
      a.close();
      assertThat(call.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    }
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName(
      "S46: the peer's close releases a blocked write with an IOException (SEQPACKET: EPIPE or"
          + " ECONNRESET; DATAGRAM: ECONNREFUSED), the channel open")
  void s46_peerCloseReleasesABlockedWrite(boolean virtual) throws Exception {
    Background<Long> call = blocked(Op.WRITE, virtual);
    b.close();
    Throwable failure = call.failure();
    assertThat(failure).isInstanceOf(IOException.class);
    if (type == Type.SEQPACKET) {
      assertThat(failure.getMessage()).containsAnyOf("EPIPE", "ECONNRESET");
    } else {
      assertThat(failure.getMessage()).contains("ECONNREFUSED");
    }
    assertThat(a.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a blocked peekMessage is released by a message and leaves it queued, length known")
  void aBlockedPeekSeesTheWholeLength(boolean virtual) throws Exception {
    Background<ReceivedMessage> peek =
        Background.start(virtual, () -> a.peekMessage(ByteBuffer.allocate(0))).awaitBlocked();
    b.write(ByteBuffer.allocate(300));
    assertThat(peek.get()).isEqualTo(new ReceivedMessage(0, 300, List.of()));
    assertThat(a.read(ByteBuffer.allocate(301))).isEqualTo(300);
  }
}
