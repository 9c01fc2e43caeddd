package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SocketStreams} on both backends and both thread kinds: a read that waits never holds up a
 * write (the deadlock of {@code Channels.newInputStream}/{@code newOutputStream}, JDK-4774871),
 * read and write timeouts as {@link java.net.Socket}'s, {@code available()}, and what close,
 * interrupt and shutdown do to the streams.
 */
class SocketStreamsTest extends PairFixture {
  private SocketStreams sa;
  private SocketStreams sb;

  @BeforeEach
  void streams() throws IOException {
    sa = SocketStreams.of(a);
    sb = SocketStreams.of(b);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void aReadThatWaitsDoesNotHoldUpAWriteOfTheSameEnd(boolean virtual) throws Exception {
    Background<Integer> reader = Background.start(virtual, () -> sa.inputStream().read());
    reader.awaitBlocked();
    Background<Void> writer =
        Background.start(
            virtual,
            () -> {
              sa.outputStream().write(ascii("ping"));
              return null;
            });
    writer.get(); // with Channels.newOutputStream this write waits for the read: never
    assertThat(sb.inputStream().readNBytes(4)).isEqualTo(ascii("ping"));
    sb.outputStream().write('!');
    assertThat(reader.get()).isEqualTo('!');
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void requestResponseWithAReaderAndAWriterThreadPerEnd(boolean virtual) throws Exception {
    int requests = 500;
    BlockingQueue<String> toAnswer = new LinkedBlockingQueue<>();
    // The server end: its reader hands each request to its writer, which answers it
    Background<Void> serverReader =
        Background.start(
            virtual,
            () -> {
              BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(sb.inputStream(), StandardCharsets.US_ASCII));
              for (String line; (line = in.readLine()) != null; ) {
                toAnswer.put(line);
              }
              toAnswer.put("");
              return null;
            });
    Background<Void> serverWriter =
        Background.start(
            virtual,
            () -> {
              OutputStream out = sb.outputStream();
              for (String request; !(request = toAnswer.take()).isEmpty(); ) {
                out.write(ascii("re: " + request + "\n"));
              }
              b.shutdownOutput();
              return null;
            });
    // The client end: its reader waits for answers before the first request is written
    Background<List<String>> clientReader =
        Background.start(
            virtual,
            () -> {
              BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(sa.inputStream(), StandardCharsets.US_ASCII));
              List<String> answers = new ArrayList<>();
              for (String line; (line = in.readLine()) != null; ) {
                answers.add(line);
              }
              return answers;
            });
    clientReader.awaitBlocked();
    Background<Void> clientWriter =
        Background.start(
            virtual,
            () -> {
              OutputStream out = sa.outputStream();
              for (int i = 0; i < requests; i++) {
                out.write(ascii("request " + i + "\n"));
              }
              a.shutdownOutput();
              return null;
            });
    clientWriter.get();
    serverReader.get();
    serverWriter.get();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      expected.add("re: request " + i);
    }
    assertThat(clientReader.get()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void aReadTimeoutThrowsSocketTimeoutExceptionAndLeavesTheStreamUsable(boolean virtual)
      throws Exception {
    Duration timeout = Duration.ofMillis(50);
    sa.setReadTimeout(timeout);
    Background<Long> timedOut =
        Background.start(
            virtual,
            () -> {
              long start = System.nanoTime();
              try {
                sa.inputStream().read();
              } catch (SocketTimeoutException e) {
                assertThat(e).hasMessage("Read timed out");
                return System.nanoTime() - start;
              }
              throw new AssertionError("the read did not time out");
            });
    assertThat(timedOut.get())
        .as("waited at least the timeout")
        .isGreaterThanOrEqualTo(timeout.toNanos());
    assertThat(a.isOpen()).isTrue();
    sb.outputStream().write(ascii("after"));
    assertThat(Background.start(virtual, () -> sa.inputStream().readNBytes(5)).get())
        .isEqualTo(ascii("after"));
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void aWriteTimeoutTellsTheBytesWrittenAndLosesNone(boolean virtual) throws Exception {
    byte[] data = TestSupport.pattern(8 << 20, 7);
    sa.setWriteTimeout(Duration.ofMillis(50));
    SocketTimeoutException e =
        Background.start(
                virtual,
                () ->
                    catchThrowableOfType(
                        SocketTimeoutException.class, () -> sa.outputStream().write(data)))
            .get();
    assertThat(e).as("the peer reads nothing: the write times out").isNotNull();
    assertThat(e).hasMessage("Write timed out");
    int written = e.bytesTransferred;
    assertThat(written).isPositive().isLessThan(data.length);
    // The rest, without a timeout, while the peer reads everything
    Background<byte[]> reader =
        Background.start(virtual, () -> sb.inputStream().readNBytes(data.length));
    sa.setWriteTimeout(Duration.ZERO);
    sa.outputStream().write(data, written, data.length - written);
    assertThat(Arrays.equals(reader.get(), data)).as("every byte arrived once, in order").isTrue();
  }

  @Test
  void availableTellsTheBytesThatCanBeReadWithoutWaiting() throws IOException {
    InputStream in = sb.inputStream();
    assertThat(in.available()).isZero();
    sa.outputStream().write(ascii("hello"));
    assertThat(in.available()).isEqualTo(5); // a UNIX-domain write is queued at the peer at once
    assertThat(in.readNBytes(2)).isEqualTo(ascii("he"));
    assertThat(in.available()).isEqualTo(3);
    assertThat(in.readNBytes(3)).isEqualTo(ascii("llo"));
    assertThat(in.available()).isZero();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void availableDoesNotWaitForAReadInProgress(boolean virtual) throws Exception {
    Background<Integer> reader = Background.start(virtual, () -> sb.inputStream().read());
    reader.awaitBlocked();
    assertThat(sb.inputStream().available()).isZero();
    sa.outputStream().write(1);
    assertThat(reader.get()).isEqualTo(1);
  }

  @Test
  void closingEitherStreamClosesTheChannel() throws IOException {
    sa.inputStream().close();
    assertThat(a.isOpen()).isFalse();
    assertThatThrownBy(() -> sa.outputStream().write(1)).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> sa.inputStream().read()).isInstanceOf(ClosedChannelException.class);
    sb.outputStream().close();
    assertThat(b.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void closingTheOutputStreamEndsAReadThatWaits(boolean virtual) throws Exception {
    Background<Integer> reader = Background.start(virtual, () -> sa.inputStream().read());
    reader.awaitBlocked();
    sa.outputStream().close();
    assertThat(reader.failure()).isInstanceOf(AsynchronousCloseException.class);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void closingTheChannelEndsAReadThatWaits(boolean virtual) throws Exception {
    Background<Integer> reader = Background.start(virtual, () -> sa.inputStream().read());
    reader.awaitBlocked();
    a.close();
    assertThat(reader.failure()).isInstanceOf(AsynchronousCloseException.class);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void interruptingAReadThatWaitsClosesTheChannelAndKeepsTheStatus(boolean virtual)
      throws Exception {
    sa.setReadTimeout(Duration.ofMinutes(5)); // a timed wait ends the same way
    Background<Integer> reader = Background.start(virtual, () -> sa.inputStream().read());
    reader.awaitBlocked();
    reader.thread().interrupt();
    assertThat(reader.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(reader.interruptedAtEnd()).isTrue();
    assertThat(a.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void thePeersShutdownOutputEndsTheStreamAfterWhatWasWritten(boolean virtual) throws Exception {
    Background<byte[]> reader = Background.start(virtual, () -> sa.inputStream().readAllBytes());
    sb.outputStream().write(ascii("last words"));
    b.shutdownOutput();
    assertThat(reader.get()).isEqualTo(ascii("last words"));
    assertThat(sa.inputStream().read()).isEqualTo(-1);
    sa.outputStream().write(ascii("still open")); // the other direction goes on
    assertThat(sb.inputStream().readNBytes(10)).isEqualTo(ascii("still open"));
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  void shutdownInputEndsAReadThatWaitsWithEndOfStream(boolean virtual) throws Exception {
    Background<Integer> reader = Background.start(virtual, () -> sa.inputStream().read());
    reader.awaitBlocked();
    a.shutdownInput();
    assertThat(reader.get()).isEqualTo(-1);
    assertThat(sa.inputStream().available()).isZero();
  }

  @Test
  void timeoutsAreCheckedAndReported() {
    assertThat(sa.getReadTimeout()).isEqualTo(Duration.ZERO);
    assertThat(sa.setReadTimeout(Duration.ofSeconds(3)).getReadTimeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(sa.setWriteTimeout(Duration.ofDays(365 * 1000)).getWriteTimeout())
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThatThrownBy(() -> sa.setReadTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout is negative: PT-0.001S");
    assertThatThrownBy(() -> sa.setWriteTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void streamArgumentsAreChecked() {
    assertThatThrownBy(() -> sa.inputStream().read(new byte[4], 3, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> sa.outputStream().write(new byte[4], -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void ofRejectsClosedAndUnconnectedChannels() throws IOException {
    assertThatThrownBy(() -> SocketStreams.of(null)).isInstanceOf(NullPointerException.class);
    try (SocketChannel unconnected = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      assertThatThrownBy(() -> SocketStreams.of(unconnected))
          .isInstanceOf(NotYetConnectedException.class);
    }
    a.close();
    assertThatThrownBy(() -> SocketStreams.of(a)).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void theViewsOfANativeChannelNeedBlockingMode() throws IOException {
    assumeTrue(backend == PairBackend.NATIVE, "a JDK channel is non-blocking under its views");
    a.configureBlocking(false);
    assertThatThrownBy(() -> sa.inputStream().read())
        .isInstanceOf(IllegalBlockingModeException.class);
    assertThatThrownBy(() -> sa.outputStream().write(1))
        .isInstanceOf(IllegalBlockingModeException.class);
    a.configureBlocking(true);
    sa.outputStream().write(1);
    assertThat(((UnixSocketChannel) a).inputStream()).isNotNull();
    assertThat(sb.inputStream().read()).isEqualTo(1);
  }

  @Test
  void aJdkChannelIsPutIntoNonBlockingMode() {
    assumeTrue(backend == PairBackend.JDK, "a native channel keeps its mode");
    assertThat(a.isBlocking()).isFalse();
    assertThat(sa.channel()).isSameAs(a);
  }
}
