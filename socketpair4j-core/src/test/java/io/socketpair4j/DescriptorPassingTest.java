package io.socketpair4j;

import static io.socketpair4j.AnyPair.io;
import static io.socketpair4j.AnyPair.nothingQueued;
import static io.socketpair4j.TestSupport.ascii;
import static io.socketpair4j.TestSupport.readFully;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.socketpair4j.OpenFiles.NumberedPipe;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Passing descriptors ({@code SCM_RIGHTS}, S54) on each of the three socket types: what arrives, in
 * what state, what the sender keeps, what is refused, and that nothing is ever left open. Each test
 * compares {@code /proc/self/fd} before and after. Truncated control data is in {@link
 * DescriptorTruncationTest}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(AnyPair.Type.class)
@Timeout(60)
class DescriptorPassingTest {
  @Parameter AnyPair.Type type;

  @TempDir Path dir;

  AnyPair pair;
  UnixChannel a;
  UnixChannel b;

  @BeforeEach
  void openPair() throws IOException {
    pair = type.open();
    a = pair.first;
    b = pair.second;
  }

  @AfterEach
  void closePair() throws IOException {
    pair.close();
  }

  @ParameterizedTest(name = "{0} descriptors")
  @ValueSource(ints = {1, 2, 10, UnixChannel.MAX_DESCRIPTORS})
  @DisplayName(
      "S54: descriptors sent with data arrive in order, as new close-on-exec descriptors of the"
          + " same open files, when the read accepts exactly as many")
  void s54_descriptorsArriveInOrder(int count) throws IOException {
    try (OpenFiles files = new OpenFiles(dir, count)) {
      for (int i = 0; i < count; i++) {
        files.channels.get(i).position(i % 5); // to tell the open file descriptions apart
      }
      Map<Integer, String> before = FdTable.snapshot();
      String text = "with " + count;
      assertThat(a.writeWithDescriptors(ascii(text), files.fds())).isEqualTo(text.length());

      ByteBuffer in = ByteBuffer.allocate(64);
      ReceivedMessage m = b.readWithDescriptors(in, count);
      try {
        assertThat(m.bytesRead()).isEqualTo(text.length());
        assertThat(m.length()).isEqualTo(text.length());
        assertThat(m.isEndOfStream()).isFalse();
        assertThat(m.isTruncated()).isFalse();
        assertThat(ascii(in.flip())).isEqualTo(text);
        assertThat(m.descriptors()).hasSize(count);
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < count; i++) {
          Descriptor d = m.descriptors().get(i);
          int fd = d.fd();
          assertThat(d.isOpen()).isTrue();
          assertThat(d.kind()).isEqualTo(Descriptor.Kind.REGULAR_FILE);
          assertThat(d.socketType()).isNull();
          assertThat(FdTable.target(fd)).as("descriptor %d", i).isEqualTo(files.target(i));
          assertThat(FdTable.position(fd))
              .as("descriptor %d shares the sender's file position: the same open file", i)
              .isEqualTo(i % 5);
          assertThat(FdTable.isCloseOnExec(fd)).as("descriptor %d is close-on-exec", i).isTrue();
          assertThat(before).as("a new number").doesNotContainKey(fd);
          numbers.add(fd);
        }
        assertThat(numbers).hasSize(count);
      } finally {
        m.descriptors().forEach(Descriptor::close);
      }
      FdTable.assertNothingOpenedSince(before);
      for (int i = 0; i < count; i++) {
        assertThat(FdTable.fdsOf(files.target(i))).containsExactly(files.fd(i));
        assertThat(files.read(i)).isEqualTo(OpenFiles.contents(i));
      }
    }
  }

  @Test
  @DisplayName("S54: a read with the default room accepts the most one message can carry, 253")
  void s54_theDefaultReadAcceptsTheMost() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      int[] fds = new int[UnixChannel.MAX_DESCRIPTORS];
      Arrays.fill(fds, files.fd(0));
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("most"), fds);
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(16));
      try {
        assertThat(m.descriptors()).hasSize(UnixChannel.MAX_DESCRIPTORS);
        for (Descriptor d : m.descriptors()) {
          assertThat(FdTable.target(d.fd())).isEqualTo(files.target(0));
        }
      } finally {
        m.descriptors().forEach(Descriptor::close);
      }
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S54: more than 253 descriptors (SCM_MAX_FD) is IllegalArgumentException, and nothing is"
          + " sent")
  void s54_moreThan253IsRefused() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1);
        AnyPair passed = AnyPair.Type.STREAM.open()) {
      int[] fds = new int[UnixChannel.MAX_DESCRIPTORS + 1];
      Arrays.fill(fds, files.fd(0));
      Channel[] channels = new Channel[UnixChannel.MAX_DESCRIPTORS + 1];
      Arrays.fill(channels, passed.first);
      String message = "254 descriptors given: one message carries at most 253 (SCM_MAX_FD)";
      ByteBuffer data = ascii("too many");
      assertThatThrownBy(() -> a.writeWithDescriptors(data, fds))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
      assertThatThrownBy(() -> a.writeWithDescriptors(data, channels))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
      assertThat(data.position()).isZero();
      assertThat(nothingQueued(b)).isTrue();

      ByteBuffer in = ByteBuffer.allocate(16);
      for (int max : new int[] {UnixChannel.MAX_DESCRIPTORS + 1, -1}) {
        assertThatThrownBy(() -> b.readWithDescriptors(in, max))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("maxDescriptors must be 0 to 253, was " + max);
      }
    }
  }

  @ParameterizedTest(name = "passing a {0} end")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: an end of another pair, passed as a channel, arrives as a Descriptor of the same socket"
          + " and works end to end as a channel; the sender's end works on")
  void s54_aPassedSocketWorksEndToEnd(AnyPair.Type passedType) throws Exception {
    try (AnyPair passed = passedType.open()) {
      String socket = FdTable.target(passed.first.fd());
      Map<Integer, String> before = FdTable.snapshot();
      assertThat(a.writeWithDescriptors(ascii("an end"), passed.first)).isEqualTo(6);
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(16));
      assertThat(m.descriptors()).hasSize(1);
      Descriptor d = m.descriptors().get(0);
      assertThat(d.kind()).isEqualTo(Descriptor.Kind.SOCKET);
      assertThat(d.socketType()).isEqualTo(passedType.label());
      assertThat(FdTable.target(d.fd())).isEqualTo(socket);
      assertThat(FdTable.isCloseOnExec(d.fd())).isTrue();

      UnixChannel received =
          passedType == AnyPair.Type.STREAM ? d.toSocketChannel() : d.toDatagramChannel();
      try {
        io(received).write(ascii("through the received end"));
        assertThat(new String(readFully(io(passed.second), 24), StandardCharsets.US_ASCII))
            .isEqualTo("through the received end");
        io(passed.second).write(ascii("to the received end"));
        assertThat(new String(readFully(io(received), 19), StandardCharsets.US_ASCII))
            .isEqualTo("to the received end");
      } finally {
        ((Channel) received).close();
      }
      assertThat(passed.first.isOpen()).isTrue();
      io(passed.first).write(ascii("the sender's own"));
      assertThat(new String(readFully(io(passed.second), 16), StandardCharsets.US_ASCII))
          .isEqualTo("the sender's own");
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S54: the ends of a pipe passed across work end to end, through the received numbers")
  void s54_aPipeWorksEndToEnd() throws IOException {
    try (NumberedPipe p = NumberedPipe.open();
        Arena arena = Arena.ofConfined()) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("pipe"), p.readEnd(), p.writeEnd());
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(16));
      assertThat(m.descriptors()).hasSize(2);
      Descriptor readEnd = m.descriptors().get(0);
      Descriptor writeEnd = m.descriptors().get(1);
      try {
        assertThat(readEnd.kind()).isEqualTo(Descriptor.Kind.PIPE);
        assertThat(writeEnd.kind()).isEqualTo(Descriptor.Kind.PIPE);
        assertThat(readEnd.socketType()).isNull();
        assertThat(FdTable.target(readEnd.fd())).isEqualTo(FdTable.target(p.readEnd()));
        assertThat(FdTable.flags(writeEnd.fd()) & FdTable.O_ACCMODE).isEqualTo(1); // O_WRONLY

        // Written to the received write end's number, read from the sender's Pipe.SourceChannel
        byte[] out = "through the received write end".getBytes(StandardCharsets.US_ASCII);
        MemorySegment segment = arena.allocate(out.length);
        segment.copyFrom(MemorySegment.ofArray(out));
        assertThat(LibC.write(CallState.heap(), writeEnd.fd(), segment, out.length))
            .isEqualTo(out.length);
        assertThat(readFully(p.pipe().source(), out.length)).isEqualTo(out);

        // Written to the sender's Pipe.SinkChannel, read through the received read end
        p.pipe().sink().write(ascii("into the sender's sink"));
        try (FileChannel source =
            FileChannel.open(Path.of("/proc/self/fd/" + readEnd.fd()), StandardOpenOption.READ)) {
          assertThat(new String(readFully(source, 22), StandardCharsets.US_ASCII))
              .isEqualTo("into the sender's sink");
        }
      } finally {
        readEnd.close();
        writeEnd.close();
      }
      FdTable.assertNothingOpenedSince(before);
      assertThat(p.pipe().sink().isOpen()).isTrue();
      assertThat(FdTable.target(p.writeEnd())).startsWith("pipe:");
    }
  }

  @Test
  @DisplayName(
      "S54: the sender keeps its descriptors open and usable; closing the received ones leaves them"
          + " so")
  void s54_theSenderKeepsItsDescriptors() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1);
        AnyPair passed = AnyPair.Type.SEQPACKET.open()) {
      String socket = FdTable.target(passed.first.fd());
      a.writeWithDescriptors(ascii("file"), files.fd(0));
      a.writeWithDescriptors(ascii("chan"), passed.first);
      for (int i = 0; i < 2; i++) {
        ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(4));
        assertThat(m.descriptors()).hasSize(1);
        m.descriptors().get(0).close();
      }
      assertThat(FdTable.target(files.fd(0))).isEqualTo(files.target(0));
      assertThat(files.channels.get(0).isOpen()).isTrue();
      assertThat(files.read(0)).isEqualTo(OpenFiles.contents(0));
      assertThat(FdTable.target(passed.first.fd())).isEqualTo(socket);
      assertThat(passed.first.isOpen()).isTrue();
      io(passed.first).write(ascii("still mine"));
      assertThat(readFully(io(passed.second), 10)).isEqualTo(ascii("still mine").array());
    }
  }

  @Test
  @DisplayName(
      "S54: a received Descriptor can be passed on, and stays open for the one who passed it")
  void s54_aReceivedDescriptorCanBePassedOn() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("there"), files.fd(0));
      Descriptor there = b.readWithDescriptors(ByteBuffer.allocate(8)).descriptors().get(0);
      assertThat(b.writeWithDescriptors(ascii("back"), there)).isEqualTo(4);
      ReceivedMessage m = a.readWithDescriptors(ByteBuffer.allocate(8));
      assertThat(m.descriptors()).hasSize(1);
      Descriptor back = m.descriptors().get(0);
      assertThat(back.fd()).isNotEqualTo(there.fd());
      assertThat(FdTable.target(back.fd())).isEqualTo(files.target(0));
      assertThat(there.isOpen()).isTrue();
      assertThat(FdTable.target(there.fd())).isEqualTo(files.target(0));
      there.close();
      assertThat(FdTable.target(back.fd())).isEqualTo(files.target(0));
      back.close();
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S54: passing a closed channel or Descriptor is an IOException naming EBADF, and nothing is"
          + " sent")
  void s54_passingSomethingClosedIsEbadf() throws IOException {
    AnyPair closedPair = AnyPair.Type.STREAM.open();
    closedPair.close();
    try (OpenFiles files = new OpenFiles(dir, 1);
        AnyPair live = AnyPair.Type.STREAM.open()) {
      a.writeWithDescriptors(ascii("d"), files.fd(0));
      Descriptor closedDescriptor =
          b.readWithDescriptors(ByteBuffer.allocate(1)).descriptors().get(0);
      closedDescriptor.close();
      Map<Integer, String> before = FdTable.snapshot();

      for (Channel closed : new Channel[] {closedPair.first, closedDescriptor}) {
        ByteBuffer data = ascii("never");
        assertThatThrownBy(() -> a.writeWithDescriptors(data, live.first, closed))
            .as("passing %s", closed)
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(ClosedChannelException.class)
            .hasMessageContaining("EBADF")
            .hasMessageContaining("descriptors[1]");
        assertThat(data.position()).isZero();
        assertThat(nothingQueued(b)).as("nothing was sent").isTrue();
      }
      assertThat(live.first.isOpen()).isTrue();
      assertThat(a.isOpen()).isTrue();
      FdTable.assertNothingOpenedSince(before);
      // The channel goes on
      a.writeWithDescriptors(ascii("ok"), live.first);
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(2));
      assertThat(m.descriptors()).hasSize(1);
      m.descriptors().get(0).close();
    }
  }

  @Test
  @DisplayName(
      "S54: passing a number that is not open is an IOException naming EBADF, and nothing is sent")
  void s54_passingANumberThatIsNotOpenIsEbadf() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      int unused = FdTable.unusedNumber();
      assertThat(FdTable.target(unused)).isNull();
      Map<Integer, String> before = FdTable.snapshot();
      ByteBuffer data = ascii("never");
      assertThatThrownBy(() -> a.writeWithDescriptors(data, files.fd(0), unused))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EBADF");
      assertThat(data.position()).isZero();
      assertThat(nothingQueued(b)).as("nothing was sent").isTrue();
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "Passing what is not a socketpair4j channel or Descriptor, or a negative number, is refused")
  void foreignChannelsAndNegativeNumbersAreRefused() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      assertThatThrownBy(() -> a.writeWithDescriptors(ascii("x"), files.channels.get(0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a socketpair4j channel or Descriptor")
          .hasMessageContaining("writeWithDescriptors(ByteBuffer, int...)");
      assertThatThrownBy(() -> a.writeWithDescriptors(ascii("x"), -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("fds[0] is negative: -1");
      assertThat(nothingQueued(b)).isTrue();
    }
  }

  @Test
  @DisplayName(
      "S54: a stream socket passes descriptors only with data: none remaining is"
          + " IllegalArgumentException, and nothing is sent")
  void s54_aStreamPassesDescriptorsOnlyWithData() throws IOException {
    assumeTrue(type == AnyPair.Type.STREAM);
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      ByteBuffer empty = ByteBuffer.allocate(0);
      assertThatThrownBy(() -> a.writeWithDescriptors(empty, files.fd(0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one byte of data");
      assertThatThrownBy(() -> a.writeWithDescriptors(empty, b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one byte of data");
      // Without descriptors it is a plain write of nothing
      assertThat(a.writeWithDescriptors(empty, new int[0])).isZero();
      assertThat(nothingQueued(b)).isTrue();
    }
  }

  @Test
  @DisplayName("S51/S54: a message socket passes descriptors with an empty message")
  void s54_anEmptyMessageCarriesDescriptors() throws IOException {
    assumeTrue(type.messages());
    try (OpenFiles files = new OpenFiles(dir, 2);
        AnyPair passed = AnyPair.Type.DATAGRAM.open()) {
      Map<Integer, String> before = FdTable.snapshot();
      assertThat(a.writeWithDescriptors(ByteBuffer.allocate(0), files.fds())).isZero();
      assertThat(a.writeWithDescriptors(ByteBuffer.allocate(0), passed.first)).isZero();
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(8));
      assertThat(m.isEndOfStream()).isFalse();
      assertThat(m.bytesRead()).isZero();
      assertThat(m.length()).isZero();
      assertThat(m.descriptors()).hasSize(2);
      assertThat(FdTable.target(m.descriptors().get(0).fd())).isEqualTo(files.target(0));
      assertThat(FdTable.target(m.descriptors().get(1).fd())).isEqualTo(files.target(1));
      m.descriptors().forEach(Descriptor::close);
      m = b.readWithDescriptors(ByteBuffer.allocate(8));
      assertThat(m.isEndOfStream()).isFalse();
      assertThat(m.bytesRead()).isZero();
      assertThat(m.descriptors()).hasSize(1);
      assertThat(m.descriptors().get(0).socketType()).isEqualTo("DATAGRAM");
      m.descriptors().get(0).close();
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S54: on a stream, descriptors come with the read of the bytes they were sent with, and a"
          + " read stops where bytes sent with other descriptors begin")
  void s54_aStreamReadStopsAtTheNextDescriptors() throws IOException {
    assumeTrue(type == AnyPair.Type.STREAM);
    try (OpenFiles files = new OpenFiles(dir, 2)) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("first"), files.fd(0));
      a.writeWithDescriptors(ascii("second"), files.fd(1));
      io(a).write(ascii("third"));
      List<String> texts = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ByteBuffer in = ByteBuffer.allocate(64);
        ReceivedMessage m = b.readWithDescriptors(in);
        texts.add(ascii(in.flip()));
        for (Descriptor d : m.descriptors()) {
          targets.add(i + ":" + FdTable.target(d.fd()));
          d.close();
        }
      }
      assertThat(texts).containsExactly("first", "second", "third");
      assertThat(targets).containsExactly("0:" + files.target(0), "1:" + files.target(1));
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S54: on a stream, a read smaller than the data takes the descriptors with its first bytes")
  void s54_aSmallStreamReadTakesTheDescriptorsWithTheFirstBytes() throws IOException {
    assumeTrue(type == AnyPair.Type.STREAM);
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("abcdef"), files.fd(0));
      ByteBuffer in = ByteBuffer.allocate(2);
      ReceivedMessage first = b.readWithDescriptors(in);
      assertThat(ascii(in.flip())).isEqualTo("ab");
      assertThat(first.descriptors()).hasSize(1);
      first.descriptors().get(0).close();
      in = ByteBuffer.allocate(16);
      ReceivedMessage rest = b.readWithDescriptors(in);
      assertThat(ascii(in.flip())).isEqualTo("cdef");
      assertThat(rest.descriptors()).isEmpty();
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S51/S54: a message cut to fit the buffer still brings all its descriptors, and says it was"
          + " cut")
  void s54_aCutMessageStillBringsItsDescriptors() throws IOException {
    assumeTrue(type.messages());
    try (OpenFiles files = new OpenFiles(dir, 2)) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("abcdef"), files.fds());
      ByteBuffer in = ByteBuffer.allocate(2);
      ReceivedMessage m = b.readWithDescriptors(in);
      assertThat(ascii(in.flip())).isEqualTo("ab");
      assertThat(m.bytesRead()).isEqualTo(2);
      assertThat(m.length()).isEqualTo(6);
      assertThat(m.isTruncated()).isTrue();
      assertThat(m.descriptors()).hasSize(2);
      assertThat(FdTable.target(m.descriptors().get(1).fd())).isEqualTo(files.target(1));
      m.descriptors().forEach(Descriptor::close);
      assertThat(nothingQueued(b)).as("the rest of the message was discarded").isTrue();
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S13/S54: a blocking stream write larger than the socket holds sends the descriptors once,"
          + " with its first bytes, and every byte in order")
  void s54_aLargeBlockingStreamWriteSendsTheDescriptorsOnce() throws Exception {
    assumeTrue(type == AnyPair.Type.STREAM);
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Map<Integer, String> before = FdTable.snapshot();
      byte[] data = TestSupport.pattern(1 << 20, 54);
      Background<List<String>> reader =
          Background.start(
              () -> {
                List<String> arrivals = new ArrayList<>();
                ByteBuffer all = ByteBuffer.allocate(data.length);
                while (all.hasRemaining()) {
                  int at = all.position();
                  ByteBuffer chunk = all.slice(at, Math.min(64 * 1024, all.remaining()));
                  ReceivedMessage m = b.readWithDescriptors(chunk);
                  all.position(at + m.bytesRead());
                  for (Descriptor d : m.descriptors()) {
                    arrivals.add(at + ":" + FdTable.target(d.fd()));
                    d.close();
                  }
                }
                arrivals.add(
                    Arrays.equals(all.array(), data) ? "all bytes in order" : "wrong bytes");
                return arrivals;
              });
      assertThat(a.writeWithDescriptors(ByteBuffer.wrap(data), files.fd(0))).isEqualTo(data.length);
      assertThat(reader.get()).containsExactly("0:" + files.target(0), "all bytes in order");
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  @DisplayName(
      "S23/S54: a non-blocking write with descriptors that finds no room sends nothing, the"
          + " descriptors neither")
  void s54_aNonBlockingWriteWithNoRoomSendsNothing() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Map<Integer, String> before = FdTable.snapshot();
      AnyPair.selectable(a).configureBlocking(false);
      TestSupport.fill(io(a));
      ByteBuffer data = ascii("no room");
      assertThat(a.writeWithDescriptors(data, files.fd(0))).isZero();
      assertThat(data.position()).isZero();
      // Drain: not one descriptor comes with what was queued
      AnyPair.selectable(b).configureBlocking(false);
      int descriptors = 0;
      ReceivedMessage m;
      while ((m = b.readWithDescriptors(ByteBuffer.allocate(64 * 1024))) != null) {
        descriptors += m.descriptors().size();
        m.descriptors().forEach(Descriptor::close);
      }
      assertThat(descriptors).isZero();
      FdTable.assertNothingOpenedSince(before);
      // With room again, the same write goes through
      assertThat(a.writeWithDescriptors(data, files.fd(0))).isEqualTo(7);
      m = b.readWithDescriptors(ByteBuffer.allocate(16));
      assertThat(m.descriptors()).hasSize(1);
      m.descriptors().get(0).close();
    }
  }

  @Test
  @DisplayName("S54: an end can pass its own pair's ends, itself included")
  void s54_anEndPassesItsOwnPairsEnds() throws IOException {
    String first = FdTable.target(a.fd());
    String second = FdTable.target(b.fd());
    Map<Integer, String> before = FdTable.snapshot();
    a.writeWithDescriptors(ascii("us"), a, b);
    ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(2));
    assertThat(m.descriptors()).hasSize(2);
    assertThat(FdTable.target(m.descriptors().get(0).fd())).isEqualTo(first);
    assertThat(FdTable.target(m.descriptors().get(1).fd())).isEqualTo(second);
    assertThat(m.descriptors().get(0).socketType()).isEqualTo(type.label());
    m.descriptors().forEach(Descriptor::close);
    FdTable.assertNothingOpenedSince(before);
    io(a).write(ascii("ok"));
    assertThat(readFully(io(b), 2)).isEqualTo(ascii("ok").array());
  }

  /** The ways to read without accepting descriptors. */
  enum PlainRead {
    READ,
    SCATTERING_READ,
    READ_MESSAGE,
    RECEIVE
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(PlainRead.class)
  @DisplayName(
      "S54: a plain read of data sent with descriptors reads the data, and the kernel closes the"
          + " descriptors: nothing new stays open")
  void s54_aPlainReadLeavesNothingOpen(PlainRead form) throws IOException {
    boolean messageOnly = form == PlainRead.READ_MESSAGE || form == PlainRead.RECEIVE;
    assumeTrue(type.messages() || !messageOnly);
    try (OpenFiles files = new OpenFiles(dir, 3);
        AnyPair passed = AnyPair.Type.STREAM.open()) {
      Map<Integer, String> before = FdTable.snapshot();
      a.writeWithDescriptors(ascii("plain files"), files.fds());
      a.writeWithDescriptors(ascii("plain sock"), passed.first, passed.second);
      assertThat(plainRead(form, 11)).isEqualTo("plain files");
      assertThat(plainRead(form, 10)).isEqualTo("plain sock");
      FdTable.assertNothingOpenedSince(before);
      for (int i = 0; i < 3; i++) {
        assertThat(FdTable.fdsOf(files.target(i))).containsExactly(files.fd(i));
      }
      assertThat(FdTable.fdsOf(FdTable.target(passed.first.fd())))
          .containsExactly(passed.first.fd());
      // The channel goes on: the next descriptors arrive
      a.writeWithDescriptors(ascii("next"), files.fd(0));
      ReceivedMessage m = b.readWithDescriptors(ByteBuffer.allocate(4));
      assertThat(m.descriptors()).hasSize(1);
      m.descriptors().get(0).close();
    }
  }

  private String plainRead(PlainRead form, int length) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(length);
    switch (form) {
      case READ:
        TestSupport.readInto(io(b), in);
        break;
      case SCATTERING_READ:
        ByteBuffer[] parts = {in.slice(0, 3), in.slice(3, length - 3)};
        long total = 0;
        while (total < length) {
          total += ((java.nio.channels.ScatteringByteChannel) b).read(parts);
        }
        in.position(length);
        break;
      case READ_MESSAGE:
        ReceivedMessage m = ((UnixDatagramChannel) b).readMessage(in);
        assertThat(m.length()).isEqualTo(length);
        assertThat(m.descriptors()).isEmpty();
        break;
      default:
        assertThat(((UnixDatagramChannel) b).receive(in)).isNotNull();
    }
    return ascii(in.flip());
  }

  @Test
  @DisplayName(
      "S54: 100,000 messages with a descriptor each, received and closed, leave /proc/self/fd as it"
          + " was")
  void s54_aHundredThousandMessagesLeaveTheTableAsItWas() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1);
        AnyPair passed = AnyPair.Type.STREAM.open()) {
      int file = files.fd(0);
      UnixChannel socket = passed.first;
      Map<Integer, String> before = FdTable.snapshot();
      ByteBuffer out = ByteBuffer.allocate(1);
      ByteBuffer in = ByteBuffer.allocate(1);
      for (int i = 0; i < 100_000; i++) {
        // Alternately a number and a channel (a socket in flight is accounted for by the kernel)
        int sent =
            (i & 1) == 0
                ? a.writeWithDescriptors(out.clear(), file)
                : a.writeWithDescriptors(out.clear(), socket);
        ReceivedMessage m = b.readWithDescriptors(in.clear(), 1);
        // (Plain checks: an assertion per message would dominate the run time.)
        if (sent != 1 || m.bytesRead() != 1 || m.descriptors().size() != 1) {
          throw new AssertionError("message " + i + ": sent " + sent + ", received " + m);
        }
        m.descriptors().get(0).close();
      }
      FdTable.assertNothingOpenedSince(before);
      assertThat(FdTable.fdsOf(files.target(0))).containsExactly(file);
      assertThat(FdTable.fdsOf(FdTable.target(socket.fd()))).containsExactly(socket.fd());
    }
  }
}
