package io.socketpair4j;

import static io.socketpair4j.AnyPair.selectable;
import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Truncated control data ({@code MSG_CTRUNC}) on each of the three socket types, in the manner of
 * CPython's {@code SCMRightsTest} ({@code testCmsgTrunc0}, {@code testCmsgTrunc1}, {@code
 * testCmsgTrunc2Int}, ...): a read that accepts fewer descriptors than were sent gets {@link
 * DescriptorsTruncatedException}, with the data in the buffer, and not one descriptor left open; so
 * does a receiver at its limit of open files (in a child JVM, {@link DescriptorLimitProbe}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(AnyPair.Type.class)
@Timeout(60)
class DescriptorTruncationTest {
  @Parameter AnyPair.Type type;

  @TempDir Path dir;

  AnyPair pair;
  UnixChannel a;
  UnixChannel b;
  OpenFiles files;

  @BeforeEach
  void openPair() throws IOException {
    pair = type.open();
    a = pair.first;
    b = pair.second;
    files = new OpenFiles(dir, 1);
  }

  @AfterEach
  void closePair() throws IOException {
    try (AnyPair p = pair) {
      files.close();
    }
  }

  /**
   * How many of {@code sent} descriptors the kernel installs for a read that accepts {@code
   * accepted}: the room socketpair4j gives it is {@code CMSG_SPACE(accepted * sizeof(int))}, which
   * 64-bit Linux rounds up to a multiple of 8 bytes, so an odd count has room for one more. Any
   * that arrive beyond what was accepted are a truncation too, and are closed with the rest.
   */
  static int installed(int sent, int accepted) {
    int room = accepted == 0 ? 0 : (accepted + 1) / 2 * 2;
    return Math.min(sent, room);
  }

  /** Sends {@code count} descriptors of the one open file with {@code text}. */
  private void send(String text, int count) throws IOException {
    int[] fds = new int[count];
    Arrays.fill(fds, files.fd(0));
    assertThat(a.writeWithDescriptors(ascii(text), fds)).isEqualTo(text.length());
  }

  @ParameterizedTest(name = "{0} sent, {1} accepted")
  @CsvSource({
    "1, 0",
    "2, 0",
    "2, 1",
    "10, 0",
    "10, 1",
    "10, 9",
    "253, 0",
    "253, 1",
    "253, 252",
  })
  @DisplayName(
      "S54: a read accepting fewer descriptors than were sent throws DescriptorsTruncatedException,"
          + " keeps the data, closes all that arrived and leaves nothing open")
  void s54_fewerAcceptedThanSent(int sent, int accepted) throws IOException {
    Map<Integer, String> before = FdTable.snapshot();
    String text = "sent " + sent;
    send(text, sent);
    ByteBuffer in = ByteBuffer.allocate(64);
    DescriptorsTruncatedException e =
        catchThrowableOfType(
            DescriptorsTruncatedException.class, () -> b.readWithDescriptors(in, accepted));
    assertThat(e).as("truncation reported").isNotNull();
    assertThat(e.bytesRead()).isEqualTo(text.length());
    assertThat(e.length()).isEqualTo(text.length());
    assertThat(e.closedDescriptors()).isEqualTo(installed(sent, accepted));
    assertThat(e.getMessage())
        .contains("MSG_CTRUNC")
        .contains("the " + installed(sent, accepted) + " that arrived were closed");
    assertThat(in.position()).as("the data is in the buffer").isEqualTo(text.length());
    assertThat(ascii(in.flip())).isEqualTo(text);
    FdTable.assertNothingOpenedSince(before);
    assertThat(FdTable.fdsOf(files.target(0))).containsExactly(files.fd(0));
    assertThat(b.isOpen()).isTrue();
    assertGoesOn();
  }

  @ParameterizedTest(name = "{0} sent")
  @CsvSource({"1", "2", "10", "253"})
  @DisplayName("S54: a read accepting exactly as many descriptors as were sent receives them all")
  void s54_exactlyAsManyAccepted(int sent) throws IOException {
    Map<Integer, String> before = FdTable.snapshot();
    send("all " + sent, sent);
    ByteBuffer in = ByteBuffer.allocate(64);
    ReceivedMessage m = b.readWithDescriptors(in, sent);
    try {
      assertThat(ascii(in.flip())).isEqualTo("all " + sent);
      assertThat(m.descriptors()).hasSize(sent);
      for (Descriptor d : m.descriptors()) {
        assertThat(FdTable.target(d.fd())).isEqualTo(files.target(0));
      }
    } finally {
      m.descriptors().forEach(Descriptor::close);
    }
    FdTable.assertNothingOpenedSince(before);
  }

  @Test
  @DisplayName(
      "S51/S54: a message cut to the buffer and its descriptors cut too: both are reported, the"
          + " data read is kept")
  void s54_messageAndDescriptorsBothCut() throws IOException {
    assumeTrue(type.messages());
    Map<Integer, String> before = FdTable.snapshot();
    send("a message longer than the buffer", 5);
    ByteBuffer in = ByteBuffer.allocate(9);
    DescriptorsTruncatedException e =
        catchThrowableOfType(
            DescriptorsTruncatedException.class, () -> b.readWithDescriptors(in, 2));
    assertThat(e).isNotNull();
    assertThat(e.bytesRead()).isEqualTo(9);
    assertThat(e.length()).isEqualTo(32);
    assertThat(e.closedDescriptors()).isEqualTo(2);
    assertThat(ascii(in.flip())).isEqualTo("a message");
    FdTable.assertNothingOpenedSince(before);
    assertGoesOn();
  }

  @Test
  @DisplayName(
      "S54: a read blocked until data with descriptors arrives reports the truncation and leaks"
          + " nothing")
  void s54_blockedReadThenTruncated() throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    ByteBuffer in = ByteBuffer.allocate(16);
    Background<ReceivedMessage> read =
        Background.start(() -> b.readWithDescriptors(in, 1)).awaitBlocked();
    send("late", 3);
    Throwable t = read.failure();
    assertThat(t).isInstanceOf(DescriptorsTruncatedException.class);
    assertThat(((DescriptorsTruncatedException) t).closedDescriptors()).isEqualTo(2);
    assertThat(ascii(in.flip())).isEqualTo("late");
    FdTable.assertNothingOpenedSince(before);
  }

  @Test
  @DisplayName("S54: a non-blocking read reports the truncation the same way")
  void s54_nonBlockingReadTruncated() throws IOException {
    Map<Integer, String> before = FdTable.snapshot();
    selectable(b).configureBlocking(false);
    ByteBuffer in = ByteBuffer.allocate(16);
    assertThat(b.readWithDescriptors(in, 0)).as("nothing queued").isNull();
    send("now", 4);
    DescriptorsTruncatedException e =
        catchThrowableOfType(
            DescriptorsTruncatedException.class, () -> b.readWithDescriptors(in, 3));
    assertThat(e).isNotNull();
    assertThat(e.closedDescriptors()).isEqualTo(4);
    assertThat(ascii(in.flip())).isEqualTo("now");
    selectable(b).configureBlocking(true);
    FdTable.assertNothingOpenedSince(before);
  }

  @Test
  @DisplayName(
      "S51/S54: an empty message with descriptors, read accepting none, is a truncation of an"
          + " empty message, not the end of the stream")
  void s54_anEmptyMessageWithDescriptorsAcceptingNone() throws IOException {
    assumeTrue(type.messages());
    Map<Integer, String> before = FdTable.snapshot();
    int[] fds = {files.fd(0), files.fd(0), files.fd(0)};
    a.writeWithDescriptors(ByteBuffer.allocate(0), fds);
    DescriptorsTruncatedException e =
        catchThrowableOfType(
            DescriptorsTruncatedException.class,
            () -> b.readWithDescriptors(ByteBuffer.allocate(8), 0));
    assertThat(e).isNotNull();
    assertThat(e.bytesRead()).isZero();
    assertThat(e.length()).isZero();
    assertThat(e.closedDescriptors()).isZero();
    FdTable.assertNothingOpenedSince(before);
    a.writeWithDescriptors(ByteBuffer.allocate(0), fds);
    ((java.nio.channels.Channel) a).close();
    if (type == AnyPair.Type.SEQPACKET) {
      // the message queued before the close, then the end of the stream
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(8), 3);
      assertThat(m.isEndOfStream()).isFalse();
      assertThat(m.descriptors()).hasSize(3);
      m.descriptors().forEach(Descriptor::close);
      assertThat(b.readWithDescriptors(ByteBuffer.allocate(8), 3).isEndOfStream()).isTrue();
    }
    FdTable.assertNothingOpenedSince(before);
  }

  /** The channel remains usable: the next message and its descriptor arrive whole. */
  private void assertGoesOn() throws IOException {
    send("next", 1);
    ByteBuffer in = ByteBuffer.allocate(8);
    ReceivedMessage m = b.readWithDescriptors(in, 1);
    assertThat(ascii(in.flip())).isEqualTo("next");
    assertThat(m.descriptors()).hasSize(1);
    assertThat(FdTable.target(m.descriptors().get(0).fd())).isEqualTo(files.target(0));
    m.descriptors().get(0).close();
  }

  @Test
  @DisplayName(
      "S54: a receiver at its limit of open files gets DescriptorsTruncatedException, keeps the"
          + " data and leaks nothing (child JVM, ulimit -n 256)")
  void s54_receiverAtItsDescriptorLimit() throws Exception {
    String output =
        ChildJvm.run(
            DescriptorLimitProbe.class,
            256,
            "--enable-native-access=ALL-UNNAMED",
            "-Dprobe.type=" + type.name());
    // With no descriptor free the kernel installs none; with two free, two of the five
    assertThat(output)
        .contains(
            type
                + " free=0: truncated bytesRead=11 length=11 closed=0 data=limit probe"
                + " reopenable=0")
        .contains(
            type
                + " free=2: truncated bytesRead=11 length=11 closed=2 data=limit probe"
                + " reopenable=2")
        .contains("entries back to the start")
        .doesNotContain("FAIL");
  }
}
