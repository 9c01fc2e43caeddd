package io.socketpair4j;

import static io.socketpair4j.AnyPair.io;
import static io.socketpair4j.AnyPair.selectable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timed blocking reads and writes of native channels ({@link UnixChannel#read(ByteBuffer, long,
 * TimeUnit)}, {@link UnixChannel#write(ByteBuffer, long, TimeUnit)}) on the three socket types and
 * both thread kinds: what a timeout leaves behind (nothing read, or exactly the bytes reported
 * written), and that close and interrupt end a timed wait as they end an untimed one.
 */
@Timeout(60)
class TimedIoTest {
  private AnyPair pair;

  @AfterEach
  void close() throws IOException {
    if (pair != null) {
      pair.close();
    }
  }

  private AnyPair open(AnyPair.Type type) throws IOException {
    return pair = type.open();
  }

  /**
   * Runs {@code call} on a new platform or virtual thread; the SocketTimeoutException it threw, or
   * null when it threw none.
   */
  private static SocketTimeoutException timeoutOn(boolean virtual, ThrowingCallable call)
      throws Exception {
    return Background.start(virtual, () -> catchThrowableOfType(SocketTimeoutException.class, call))
        .get();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "STREAM,false",
    "STREAM,true",
    "SEQPACKET,false",
    "SEQPACKET,true",
    "DATAGRAM,false",
    "DATAGRAM,true"
  })
  void aTimedReadOfNothingThrowsAndReadsNothing(AnyPair.Type type, boolean virtual)
      throws Exception {
    AnyPair p = open(type);
    ByteBuffer dst = ByteBuffer.allocate(16);
    SocketTimeoutException e =
        timeoutOn(virtual, () -> p.first.read(dst, 20, TimeUnit.MILLISECONDS));
    assertThat(e).isNotNull().hasMessage("Read timed out");
    assertThat(e.bytesTransferred).isZero();
    assertThat(dst.position()).isZero();
    assertThat(p.first.isOpen()).isTrue();
    // still usable: what comes next is read, by a timed read too
    io(p.second).write(TestSupport.ascii("next"));
    assertThat(p.first.read(dst, 1, TimeUnit.MINUTES)).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  void aZeroTimeoutTakesWhatIsThereAndWaitsForNothing(AnyPair.Type type) throws IOException {
    AnyPair p = open(type);
    ByteBuffer dst = ByteBuffer.allocate(16);
    assertThatThrownBy(() -> p.first.read(dst, 0, TimeUnit.SECONDS))
        .isInstanceOf(SocketTimeoutException.class);
    io(p.second).write(TestSupport.ascii("here"));
    assertThat(p.first.read(dst, 0, TimeUnit.SECONDS)).isEqualTo(4);
    assertThat(p.second.write(TestSupport.ascii("back"), 0, TimeUnit.SECONDS)).isEqualTo(4);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void aTimedStreamWriteReportsExactlyTheBytesItWrote(boolean virtual) throws Exception {
    AnyPair p = open(AnyPair.Type.STREAM);
    byte[] data = TestSupport.pattern(4 << 20, 3);
    ByteBuffer src = ByteBuffer.wrap(data);
    SocketTimeoutException e =
        timeoutOn(virtual, () -> p.first.write(src, 30, TimeUnit.MILLISECONDS));
    assertThat(e).isNotNull().hasMessage("Write timed out");
    assertThat(e.bytesTransferred).isPositive().isEqualTo(src.position());
    // the rest goes too, while the peer reads: every byte once, in order
    Background<byte[]> reader =
        Background.start(virtual, () -> TestSupport.readFully(io(p.second), data.length));
    assertThat(p.first.write(src, 1, TimeUnit.MINUTES)).isEqualTo(data.length - e.bytesTransferred);
    assertThat(reader.get()).isEqualTo(data);
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"SEQPACKET,false", "SEQPACKET,true", "DATAGRAM,false", "DATAGRAM,true"})
  void aTimedMessageWriteThatFindsNoRoomWritesNothing(AnyPair.Type type, boolean virtual)
      throws Exception {
    AnyPair p = open(type);
    selectable(p.first).configureBlocking(false);
    long queued = 0;
    while (io(p.first).write(ByteBuffer.allocate(1000)) > 0) {
      queued++;
    }
    selectable(p.first).configureBlocking(true);
    SocketTimeoutException e =
        timeoutOn(
            virtual, () -> p.first.write(ByteBuffer.allocate(1000), 20, TimeUnit.MILLISECONDS));
    assertThat(e).isNotNull();
    assertThat(e.bytesTransferred).isZero();
    // exactly the messages written before are queued
    selectable(p.second).configureBlocking(false);
    long received = 0;
    while (io(p.second).read(ByteBuffer.allocate(1000)) > 0) {
      received++;
    }
    assertThat(received).isEqualTo(queued);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void closingTheChannelEndsATimedRead(boolean virtual) throws Exception {
    AnyPair p = open(AnyPair.Type.STREAM);
    Background<Integer> reader =
        Background.start(virtual, () -> p.first.read(ByteBuffer.allocate(8), 10, TimeUnit.MINUTES));
    reader.awaitBlocked();
    p.first.close();
    assertThat(reader.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"STREAM,false", "STREAM,true", "SEQPACKET,false", "DATAGRAM,true"})
  void interruptingATimedReadClosesTheChannel(AnyPair.Type type, boolean virtual) throws Exception {
    AnyPair p = open(type);
    Background<Integer> reader =
        Background.start(virtual, () -> p.first.read(ByteBuffer.allocate(8), 10, TimeUnit.MINUTES));
    reader.awaitBlocked();
    reader.thread().interrupt();
    assertThat(reader.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(reader.interruptedAtEnd()).isTrue();
    assertThat(p.first.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void shutdownInputEndsATimedReadWithEndOfStream(boolean virtual) throws Exception {
    AnyPair p = open(AnyPair.Type.STREAM);
    Background<Integer> reader =
        Background.start(virtual, () -> p.first.read(ByteBuffer.allocate(8), 10, TimeUnit.MINUTES));
    reader.awaitBlocked();
    ((UnixSocketChannel) p.first).shutdownInput();
    assertThat(reader.get()).isEqualTo(-1);
  }

  @Test
  void argumentsAndModeAreChecked() throws IOException {
    AnyPair p = open(AnyPair.Type.STREAM);
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertThatThrownBy(() -> p.first.read(dst, -1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout is negative: -1 SECONDS");
    assertThatThrownBy(() -> p.first.write(dst, 1, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> p.first.read(null, 1, TimeUnit.SECONDS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> p.first.read(dst.asReadOnlyBuffer(), 1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    selectable(p.first).configureBlocking(false);
    assertThatThrownBy(() -> p.first.read(dst, 1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalBlockingModeException.class);
    assertThatThrownBy(() -> p.first.write(dst, 1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalBlockingModeException.class);
    p.first.close();
    assertThatThrownBy(() -> p.first.read(dst, 1, TimeUnit.SECONDS))
        .isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void availableCountsTheQueuedBytes() throws IOException {
    AnyPair p = open(AnyPair.Type.STREAM);
    UnixSocketChannel reader = (UnixSocketChannel) p.second;
    assertThat(reader.available()).isZero();
    io(p.first).write(ByteBuffer.allocate(1234));
    io(p.first).write(ByteBuffer.allocate(766));
    assertThat(reader.available()).isEqualTo(2000);
    reader.read(ByteBuffer.allocate(1000));
    assertThat(reader.available()).isEqualTo(1000);
    reader.shutdownInput();
    assertThat(reader.available()).isZero();
    reader.close();
    assertThatThrownBy(reader::available).isInstanceOf(ClosedChannelException.class);
  }
}
