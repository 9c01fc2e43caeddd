package io.socketpair4j;

import static io.socketpair4j.MessageSupport.readString;
import static io.socketpair4j.TestSupport.PROMPTLY;
import static io.socketpair4j.TestSupport.ascii;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.UnixDatagramPair.Type;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviours of {@code ../shared/spec/socketpair-behaviour.md} that differ between the message
 * types or concern them only (S43, S44, S49, S50, S51), gathering and scattering as one message,
 * the {@link java.nio.channels.DatagramChannel} contract of a connected channel, and selection. S20
 * (FIONREAD) is not exposed by the API, so it is not tested.
 */
@Timeout(60)
class MessageConformanceTest {

  private static final ReceivedMessage EMPTY = new ReceivedMessage(0, 0, List.of());

  // -- end of stream, peer close, reset -------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({"close", "shutdownOutput"})
  @DisplayName(
      "S42/S51 SEQPACKET: after the peer closes (or shuts down its output), the queued messages"
          + " come first, an empty last one included, then -1 / END_OF_STREAM on every form")
  void s51_seqpacketQueuedMessagesThenEndOfStream(String how) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.SEQPACKET)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      a.write(ascii("one"));
      a.write(ByteBuffer.allocate(0));
      if (how.equals("close")) {
        a.close();
      } else {
        a.shutdownOutput();
      }
      assertThat(readString(b, 8)).isEqualTo("one");
      ByteBuffer dst = ByteBuffer.allocate(8);
      assertThat(b.peekMessage(dst)).as("the empty message, peeked").isEqualTo(EMPTY);
      ReceivedMessage empty = b.readMessage(dst);
      assertThat(empty).isEqualTo(EMPTY);
      assertThat(empty.isEndOfStream()).isFalse();
      assertThat(b.read(dst)).isEqualTo(-1);
      assertThat(b.read(new ByteBuffer[] {dst})).isEqualTo(-1);
      assertThat(b.readMessage(dst)).isSameAs(ReceivedMessage.END_OF_STREAM);
      assertThat(b.peekMessage(dst)).isSameAs(ReceivedMessage.END_OF_STREAM);
      assertThat(b.receive(dst)).as("receive at the end of the stream").isNull();
      b.configureBlocking(false);
      assertThat(b.read(dst)).as("and again, non-blocking").isEqualTo(-1);
      assertThat(dst.position()).isZero();
    }
  }

  @Test
  @DisplayName("S51 SEQPACKET: an empty message alone before the close is still not end of stream")
  void s51_seqpacketOnlyAnEmptyMessageBeforeClose() throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.SEQPACKET)) {
      pair.first().write(ByteBuffer.allocate(0));
      pair.first().close();
      assertThat(pair.second().read(ByteBuffer.allocate(8))).isZero();
      assertThat(pair.second().read(ByteBuffer.allocate(8))).isEqualTo(-1);
    }
  }

  @Test
  @DisplayName(
      "S41/S45 SEQPACKET: a write to a closed peer is an IOException naming EPIPE, every time")
  void s41_seqpacketWriteToClosedPeer() throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.SEQPACKET)) {
      pair.second().close();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> pair.first().write(ascii("x")))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("EPIPE");
      }
    }
  }

  @Test
  @DisplayName(
      "S43 SEQPACKET: closing with unread messages resets the peer: its read names ECONNRESET"
          + " (and keeps doing so, as on stream ends and the JDK's channels); a write names EPIPE")
  void s43_seqpacketCloseWithUnreadDataResetsThePeer() throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.SEQPACKET);
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      UnixDatagramChannel a = pair.first();
      a.write(ascii("never read"));
      pair.second().close();
      a.configureBlocking(false);
      SelectionKey key = a.register(selector, OP_READ);
      assertThat(selector.select(PROMPTLY.toMillis())).isEqualTo(1);
      assertThat(key.isReadable()).isTrue();
      assertThatThrownBy(() -> a.read(ByteBuffer.allocate(8)))
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("ECONNRESET");
      // Linux reports the reset once; ours keeps reporting it, as UnixSocketChannel does
      assertThatThrownBy(() -> a.readMessage(ByteBuffer.allocate(8)))
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("ECONNRESET");
      assertThatThrownBy(() -> a.write(ascii("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EPIPE");
    }
  }

  @Test
  @DisplayName(
      "S43/S44 DATAGRAM: closing with unread messages resets nothing: the survivor reads what it"
          + " was sent, then nothing")
  void s43_datagramCloseWithUnreadDataIsNoReset() throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.DATAGRAM)) {
      UnixDatagramChannel a = pair.first();
      a.write(ascii("never read"));
      pair.second().write(ascii("sent before the close"));
      pair.second().close();
      assertThat(readString(a, 64)).isEqualTo("sent before the close");
      a.configureBlocking(false);
      assertThat(a.read(ByteBuffer.allocate(8))).isZero();
    }
  }

  @Test
  @DisplayName(
      "S44 DATAGRAM, peer closed: no end of stream (a non-blocking read returns nothing, a"
          + " blocking one waits); the first write names ECONNREFUSED, later ones ENOTCONN")
  void s44_datagramPeerClosed() throws Exception {
    try (UnixDatagramPair pair = UnixDatagramPair.open(Type.DATAGRAM)) {
      UnixDatagramChannel a = pair.first();
      pair.second().close();
      a.configureBlocking(false);
      ByteBuffer dst = ByteBuffer.allocate(8);
      assertThat(a.read(dst)).isZero();
      assertThat(a.readMessage(dst)).isNull();
      assertThat(a.receive(dst)).isNull();
      assertThatThrownBy(() -> a.write(ascii("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("ECONNREFUSED");
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> a.write(ascii("x")))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("ENOTCONN");
      }
      assertThat(a.getRemoteAddress())
          .as("DatagramChannel: null once the socket is not connected")
          .isNull();
      a.configureBlocking(true);
      Background<Integer> read =
          Background.start(() -> a.read(ByteBuffer.allocate(8))).awaitBlocked();
      a.close();
      assertThat(read.failure())
          .as("the read waited until the close")
          .isExactlyInstanceOf(AsynchronousCloseException.class);
    }
  }

  // -- shutdown -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "S49/S50 SHUT_WR: our writes then throw AsynchronousCloseException; the peer reads what was"
          + " queued, then -1 (SEQPACKET) or nothing (DATAGRAM); the other direction works")
  void s50_shutdownOutput(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      a.write(ascii("queued"));
      a.shutdownOutput();
      assertThatThrownBy(() -> a.write(ascii("x")))
          .isExactlyInstanceOf(AsynchronousCloseException.class);
      assertThatThrownBy(() -> a.send(ascii("x"), a.getRemoteAddress()))
          .isExactlyInstanceOf(AsynchronousCloseException.class);
      assertThatThrownBy(() -> a.write(new ByteBuffer[] {ascii("x")}))
          .isExactlyInstanceOf(AsynchronousCloseException.class);
      assertThat(readString(b, 16)).isEqualTo("queued");
      b.configureBlocking(false);
      assertThat(b.read(ByteBuffer.allocate(16))).isEqualTo(type == Type.SEQPACKET ? -1 : 0);
      b.write(ascii("back"));
      assertThat(readString(a, 16)).isEqualTo("back");
      assertThat(a.isOpen()).isTrue();
      a.shutdownOutput(); // again: succeeds, changes nothing
      assertThat(a.toString()).contains("oshut");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "S49/S50 SHUT_RD: our reads then return -1 at once (queued messages or not), the peer's"
          + " writes name EPIPE, and our writes still arrive")
  void s50_shutdownInput(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      b.write(ascii("queued"));
      a.shutdownInput();
      ByteBuffer dst = ByteBuffer.allocate(16);
      assertThat(a.read(dst)).isEqualTo(-1);
      assertThat(a.read(new ByteBuffer[] {dst})).isEqualTo(-1);
      assertThat(a.readMessage(dst)).isSameAs(ReceivedMessage.END_OF_STREAM);
      assertThat(a.receive(dst)).isNull();
      assertThat(dst.position()).isZero();
      assertThatThrownBy(() -> b.write(ascii("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EPIPE");
      a.write(ascii("forth"));
      assertThat(readString(b, 16)).isEqualTo("forth");
      a.shutdownInput(); // again: succeeds, changes nothing
      assertThat(a.toString()).contains("ishut");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName("S50 SHUT_RDWR: writes both ways fail (ours AsynchronousCloseException, EPIPE)")
  void s50_shutdownBoth(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      a.shutdownInput();
      a.shutdownOutput();
      assertThatThrownBy(() -> a.write(ascii("x")))
          .isExactlyInstanceOf(AsynchronousCloseException.class);
      assertThatThrownBy(() -> b.write(ascii("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EPIPE");
      assertThat(a.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      b.configureBlocking(false);
      assertThat(b.read(ByteBuffer.allocate(1))).isEqualTo(type == Type.SEQPACKET ? -1 : 0);
    }
  }

  // -- gathering and scattering ---------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "S17/S51: a gathering write is one message; a scattering read fills its buffers from one"
          + " message only, and drops what does not fit")
  void s51_gatheringWriteAndScatteringRead(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      ByteBuffer[] out = {ascii("Hello, "), ByteBuffer.allocate(0), ascii("world!")};
      assertThat(a.write(out)).isEqualTo(13);
      a.write(ascii("next"));
      assertThat(readString(b, 64)).as("one message").isEqualTo("Hello, world!");

      a.write(ascii("abc"));
      a.write(ascii("defgh"));
      ByteBuffer[] in = {
        ByteBuffer.allocate(2), ByteBuffer.allocateDirect(2), ByteBuffer.allocate(9)
      };
      assertThat(b.read(in)).as("\"next\": one message").isEqualTo(4);
      assertThat(ascii(in[0].flip()) + ascii(in[1].flip())).isEqualTo("next");
      assertThat(in[2].position()).isZero();
      for (ByteBuffer x : in) {
        x.clear();
      }
      assertThat(b.read(in)).as("\"abc\", not the next message too").isEqualTo(3);
      assertThat(ascii(in[0].flip()) + ascii(in[1].flip())).isEqualTo("abc");
      assertThat(in[1].limit()).isEqualTo(1);

      a.write(ascii("0123456789"));
      a.write(ascii("after"));
      ByteBuffer[] small = {ByteBuffer.allocate(3), ByteBuffer.allocateDirect(4)};
      assertThat(b.read(small)).as("\"defgh\"").isEqualTo(5);
      small[0].clear();
      small[1].clear();
      assertThat(b.read(small, 0, 2)).as("truncated to the room").isEqualTo(7);
      assertThat(ascii(small[0].flip()) + ascii(small[1].flip())).isEqualTo("0123456");
      assertThat(readString(b, 64)).as("the rest was dropped").isEqualTo("after");
    }
  }

  /**
   * A run of buffers for one gathering write or scattering read: {@code count} buffers, {@code
   * direct} of them direct (spread among the heap ones), of random sizes 0 to 40.
   */
  private static ByteBuffer[] buffers(Random random, int count, int direct, boolean fill) {
    ByteBuffer[] run = new ByteBuffer[count];
    List<Integer> directAt = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      directAt.add(i);
    }
    java.util.Collections.shuffle(directAt, random);
    java.util.Set<Integer> isDirect = new java.util.HashSet<>(directAt.subList(0, direct));
    for (int i = 0; i < count; i++) {
      int size = random.nextInt(41);
      run[i] = isDirect.contains(i) ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
      if (fill) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        run[i].put(bytes).flip();
      }
    }
    return run;
  }

  private static byte[] concat(ByteBuffer[] run) {
    ByteBuffer all =
        ByteBuffer.allocate(java.util.Arrays.stream(run).mapToInt(x -> x.limit()).sum());
    for (ByteBuffer x : run) {
      all.put(x.duplicate().position(0));
    }
    return all.array();
  }

  @ParameterizedTest(name = "{0}: {1} buffers, {2} direct")
  @CsvSource({
    "SEQPACKET, 10, 3",
    "DATAGRAM, 10, 3",
    "SEQPACKET, 12, 12",
    "DATAGRAM, 12, 12",
    "SEQPACKET, 100, 0",
    "DATAGRAM, 100, 0",
    "SEQPACKET, 100, 20",
    "DATAGRAM, 100, 20",
    "SEQPACKET, 300, 300",
    "DATAGRAM, 70, 8"
  })
  @DisplayName(
      "a gathering write of many buffers is one message and a scattering read fills many"
          + " buffers from one, beyond 64 buffers and 8 direct ones per call (flattened)")
  void manyBuffersAreStillOneMessage(Type type, int count, int direct) throws IOException {
    Random random = new Random(count * 31L + direct);
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      ByteBuffer[] out = buffers(random, count, direct, true);
      byte[] sent = concat(out);
      assertThat(a.write(out)).isEqualTo(sent.length);
      for (ByteBuffer x : out) {
        assertThat(x.hasRemaining()).as("every source buffer was taken").isFalse();
      }
      a.write(ascii("next"));
      // received with one buffer: one message of everything
      ByteBuffer whole = ByteBuffer.allocate(sent.length + 10);
      assertThat(b.read(whole)).isEqualTo(sent.length);
      assertThat(java.util.Arrays.copyOf(whole.array(), sent.length)).isEqualTo(sent);
      assertThat(readString(b, 8)).isEqualTo("next");

      // sent with one buffer, read into many: filled in order, each to its limit
      ByteBuffer[] in = buffers(random, count, direct, false);
      int room = java.util.Arrays.stream(in).mapToInt(x -> x.remaining()).sum();
      byte[] message = TestSupport.pattern(room + 5, count);
      a.write(ByteBuffer.wrap(message));
      a.write(ascii("after"));
      assertThat(b.read(in)).as("the room, the rest dropped").isEqualTo(room);
      for (ByteBuffer x : in) {
        assertThat(x.hasRemaining()).isFalse();
        x.flip();
      }
      assertThat(concat(in)).isEqualTo(java.util.Arrays.copyOf(message, room));
      assertThat(readString(b, 8)).isEqualTo("after");

      // a sub-range of the array: only those buffers
      ByteBuffer[] part = buffers(random, count, direct, false);
      int from = count / 4;
      int length = count / 2;
      int partRoom = 0;
      for (int i = from; i < from + length; i++) {
        partRoom += part[i].remaining();
      }
      a.write(ByteBuffer.wrap(message, 0, Math.min(partRoom, message.length)));
      assertThat(b.read(part, from, length)).isEqualTo(Math.min(partRoom, message.length));
      for (int i = 0; i < count; i++) {
        if (i < from || i >= from + length) {
          assertThat(part[i].position()).as("buffer %d, outside the range", i).isZero();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "readMessage, peekMessage and scattering reads report the real length of a long message"
          + " cut across many buffers")
  void truncationIsReportedThroughManyBuffers(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      ByteBuffer[] out = new ByteBuffer[80];
      for (int i = 0; i < out.length; i++) {
        out[i] = i % 7 == 0 ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
      }
      assertThat(pair.first().write(out)).isEqualTo(8000);
      ReceivedMessage peeked = pair.second().peekMessage(ByteBuffer.allocate(0));
      assertThat(peeked.length()).isEqualTo(8000);
      ReceivedMessage m = pair.second().readMessage(ByteBuffer.allocateDirect(100));
      assertThat(m.bytesRead()).isEqualTo(100);
      assertThat(m.length()).isEqualTo(8000);
      assertThat(m.isTruncated()).isTrue();
    }
  }

  // -- the DatagramChannel contract -----------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "send to the remote address sends; to another UNIX address AlreadyConnectedException, to an"
          + " inet address UnsupportedAddressTypeException, and nothing is sent")
  void sendAndItsAddresses(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      assertThat(a.send(ascii("to you"), a.getRemoteAddress())).isEqualTo(6);
      assertThat(a.send(ascii("also"), UnixDomainSocketAddress.of(""))).isEqualTo(4);
      ByteBuffer elsewhere = ascii("lost");
      assertThatThrownBy(() -> a.send(elsewhere, UnixDomainSocketAddress.of("/tmp/elsewhere")))
          .isExactlyInstanceOf(AlreadyConnectedException.class);
      assertThatThrownBy(
              () -> a.send(elsewhere, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
          .isExactlyInstanceOf(UnsupportedAddressTypeException.class);
      assertThatThrownBy(() -> a.send(elsewhere, null)).isInstanceOf(NullPointerException.class);
      assertThat(elsewhere.position()).isZero();

      ByteBuffer dst = ByteBuffer.allocate(16);
      assertThat(b.receive(dst)).isEqualTo(UnixDomainSocketAddress.of(""));
      assertThat(ascii(dst.flip())).isEqualTo("to you");
      assertThat(readString(b, 16)).isEqualTo("also");
      b.configureBlocking(false);
      assertThat(b.receive(dst.clear())).as("nothing else arrived").isNull();

      a.close();
      assertThatThrownBy(() -> a.send(ascii("x"), UnixDomainSocketAddress.of("")))
          .isExactlyInstanceOf(ClosedChannelException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "bind, connect, disconnect, socket() and join throw as documented; connected until closed;"
          + " both addresses unnamed")
  void connectionStateAndAddresses(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      assertThat(pair.type()).isEqualTo(type);
      assertThat(a.type()).isEqualTo(type);
      assertThat(pair.second().type()).isEqualTo(type);
      assertThat(a.isConnected()).isTrue();
      assertThat(a.getLocalAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
      assertThat(a.getRemoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
      assertThat(a.validOps()).isEqualTo(OP_READ | OP_WRITE);
      assertThat(a.provider()).isSameAs(UnixSelectorProvider.provider());
      TestSupport.assertIsOpenSocket(a.fd());
      assertThatThrownBy(() -> a.bind(null)).isExactlyInstanceOf(AlreadyBoundException.class);
      assertThatThrownBy(() -> a.bind(UnixDomainSocketAddress.of("/tmp/x")))
          .isExactlyInstanceOf(AlreadyBoundException.class);
      assertThatThrownBy(() -> a.connect(UnixDomainSocketAddress.of("")))
          .isExactlyInstanceOf(AlreadyConnectedException.class);
      assertThatThrownBy(a::disconnect).isExactlyInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(a::socket).isExactlyInstanceOf(UnsupportedOperationException.class);
      InetAddress group = InetAddress.getByName("239.1.2.3");
      NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
      assertThatThrownBy(() -> a.join(group, lo))
          .isExactlyInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> a.join(group, lo, InetAddress.getLoopbackAddress()))
          .isExactlyInstanceOf(UnsupportedOperationException.class);
      assertThat(a.isConnected()).as("unchanged by all that").isTrue();

      a.close();
      assertThat(a.isConnected()).isFalse();
      assertThatThrownBy(() -> a.bind(null)).isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> a.connect(UnixDomainSocketAddress.of("")))
          .isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(a::getLocalAddress).isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(a::getRemoteAddress).isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> a.read(ByteBuffer.allocate(1)))
          .isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> a.readMessage(ByteBuffer.allocate(1)))
          .isExactlyInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> a.write(ByteBuffer.allocate(1)))
          .isExactlyInstanceOf(ClosedChannelException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName("S54: options SO_SNDBUF, SO_RCVBUF (read back as set) and SO_PEERCRED; nothing else")
  void options(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      assertThat(a.supportedOptions())
          .containsExactlyInAnyOrder(
              StandardSocketOptions.SO_SNDBUF,
              StandardSocketOptions.SO_RCVBUF,
              ExtendedSocketOptions.SO_PEERCRED);
      assertThat(a.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
      assertThat(a.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
      assertThat(a.setOption(StandardSocketOptions.SO_SNDBUF, 50_000)).isSameAs(a);
      a.setOption(StandardSocketOptions.SO_RCVBUF, 60_000);
      assertThat(a.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(50_000);
      assertThat(a.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(60_000);
      assertThat(pair.second().getOption(StandardSocketOptions.SO_SNDBUF))
          .as("per end")
          .isNotEqualTo(50_000);
      UnixDomainPrincipal peer = a.getOption(ExtendedSocketOptions.SO_PEERCRED);
      assertThat(peer.user().getName()).isEqualTo(System.getProperty("user.name"));
      assertThatThrownBy(() -> a.setOption(StandardSocketOptions.SO_REUSEADDR, true))
          .isExactlyInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> a.getOption(StandardSocketOptions.IP_MULTICAST_TTL))
          .isExactlyInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> a.setOption(StandardSocketOptions.SO_SNDBUF, -1))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      a.close();
      assertThatThrownBy(() -> a.getOption(StandardSocketOptions.SO_SNDBUF))
          .isExactlyInstanceOf(ClosedChannelException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName("toString names the type, the descriptor, the shutdown halves and the close")
  void describesItself(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      UnixDatagramChannel a = pair.first();
      int fd = a.fd();
      assertThat(a.toString())
          .isEqualTo("UnixDatagramChannel(" + type + ")[connected fd=" + fd + "]");
      a.shutdownInput();
      assertThat(a.toString())
          .isEqualTo("UnixDatagramChannel(" + type + ")[connected fd=" + fd + " ishut]");
      a.shutdownOutput();
      assertThat(a.toString())
          .isEqualTo("UnixDatagramChannel(" + type + ")[connected fd=" + fd + " ishut oshut]");
      assertThat(pair.toString()).startsWith("UnixDatagramPair[" + type + ", ");
      a.close();
      assertThat(a.toString()).isEqualTo("UnixDatagramChannel(" + type + ")[closed]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName("a read into a read-only buffer is IllegalArgumentException and takes nothing")
  void readOnlyBuffer(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
      pair.first().write(ascii("kept"));
      ByteBuffer ro = ByteBuffer.allocate(8).asReadOnlyBuffer();
      assertThatThrownBy(() -> pair.second().read(ro))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> pair.second().readMessage(ro))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> pair.second().read(new ByteBuffer[] {ByteBuffer.allocate(1), ro}))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(readString(pair.second(), 8)).isEqualTo("kept");
      assertThat(pair.first().write(ascii("ro").asReadOnlyBuffer()))
          .as("may send one")
          .isEqualTo(2);
      assertThat(readString(pair.second(), 8)).isEqualTo("ro");
    }
  }

  // -- selection ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "S31/S33: a message end registers with our selector; OP_WRITE is ready at once, OP_READ"
          + " only while a message is queued (an empty one included)")
  void s33_readinessFollowsTheQueue(Type type) throws IOException {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type);
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      UnixDatagramChannel a = pair.first();
      UnixDatagramChannel b = pair.second();
      assertThatThrownBy(() -> b.register(selector, OP_READ))
          .isExactlyInstanceOf(IllegalBlockingModeException.class);
      b.configureBlocking(false);
      SelectionKey key = b.register(selector, OP_READ | OP_WRITE);
      assertThat(selector.selectNow()).isEqualTo(1);
      assertThat(key.readyOps()).isEqualTo(OP_WRITE);
      selector.selectedKeys().clear();
      key.interestOps(OP_READ);
      assertThat(selector.selectNow()).isZero();

      a.write(ByteBuffer.allocate(0));
      assertThat(selector.selectNow()).as("an empty message is readable").isEqualTo(1);
      assertThat(key.readyOps()).isEqualTo(OP_READ);
      selector.selectedKeys().clear();
      assertThat(b.read(ByteBuffer.allocate(1))).isZero();
      assertThat(selector.selectNow()).as("nothing queued").isZero();

      try (Selector jdk = Selector.open()) {
        assertThatThrownBy(() -> a.register(jdk, OP_READ))
            .isInstanceOfAny(IllegalSelectorException.class, IllegalBlockingModeException.class);
      }
    }
  }

  @ParameterizedTest(name = "{0}, virtual={1}")
  @CsvSource({"SEQPACKET, false", "SEQPACKET, true", "DATAGRAM, false", "DATAGRAM, true"})
  @DisplayName("S32: a select waiting for OP_READ wakes when a message arrives")
  void s32_selectWakesWhenAMessageArrives(Type type, boolean virtual) throws Exception {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type);
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      pair.second().configureBlocking(false);
      SelectionKey key = pair.second().register(selector, OP_READ);
      Background<Integer> selected = Background.start(virtual, selector::select).awaitBlocked();
      pair.first().write(ascii("m"));
      assertThat(selected.get()).isEqualTo(1);
      assertThat(key.readyOps()).isEqualTo(OP_READ);
      assertThat(readString(pair.second(), 4)).isEqualTo("m");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Type.class)
  @DisplayName(
      "S32/S40: OP_WRITE clears when the peer's queue is full, and a waiting select wakes when"
          + " the reader makes room")
  void s32_selectWakesWhenThereIsRoom(Type type) throws Exception {
    try (UnixDatagramPair pair = UnixDatagramPair.open(type);
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      UnixDatagramChannel a = pair.first();
      a.configureBlocking(false);
      SelectionKey key = a.register(selector, OP_WRITE);
      int queued = MessageSupport.fillWithMessages(a, 500);
      assertThat(selector.selectNow()).isZero();
      Background<Integer> selected = Background.start(selector::select).awaitBlocked();
      for (int tag = 0; tag < queued; tag++) {
        MessageSupport.expectTagged(pair.second(), tag, 500);
      }
      assertThat(selected.get()).isEqualTo(1);
      assertThat(key.readyOps()).isEqualTo(OP_WRITE);
      assertThat(a.write(ascii("fits"))).isEqualTo(4);
    }
  }
}
