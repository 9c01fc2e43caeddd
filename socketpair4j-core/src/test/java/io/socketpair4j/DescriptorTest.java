package io.socketpair4j;

import static io.socketpair4j.AnyPair.io;
import static io.socketpair4j.AnyPair.selectable;
import static io.socketpair4j.TestSupport.ascii;
import static io.socketpair4j.TestSupport.readFully;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.OpenFiles.NumberedPipe;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Descriptor}, the owned handle of a received descriptor: what it says about the file, its
 * conversion into socketpair4j's channels, close, detach, the cleaner, and a close or detach while
 * another thread is passing it on. Descriptors are received over a SEQPACKET pair ({@link
 * #carrier}).
 */
@Timeout(60)
class DescriptorTest {
  @TempDir Path dir;

  AnyPair carrier;

  @BeforeEach
  void openCarrier() throws IOException {
    carrier = AnyPair.Type.SEQPACKET.open();
  }

  @AfterEach
  void closeCarrier() throws IOException {
    carrier.close();
  }

  /** Passes {@code fd} across the carrier and returns what arrives. */
  private Descriptor receive(int fd) throws IOException {
    carrier.first.writeWithDescriptors(ByteBuffer.allocate(0), fd);
    return single(carrier.second.readWithDescriptors(ByteBuffer.allocate(0)));
  }

  /** Passes {@code channel} across the carrier and returns what arrives. */
  private Descriptor receive(Channel channel) throws IOException {
    carrier.first.writeWithDescriptors(ByteBuffer.allocate(0), channel);
    return single(carrier.second.readWithDescriptors(ByteBuffer.allocate(0)));
  }

  private static Descriptor single(ReceivedMessage m) {
    assertThat(m.descriptors()).hasSize(1);
    return m.descriptors().get(0);
  }

  /** Runs {@code open} and returns the one descriptor it opened whose target starts so. */
  private static int openedBy(String targetPrefix, Callable<?> open) throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    open.call();
    int found = -1;
    for (Map.Entry<Integer, String> e : FdTable.opened(before, FdTable.snapshot()).entrySet()) {
      if (e.getValue().startsWith(targetPrefix)) {
        assertThat(found).as("one new descriptor of %s", targetPrefix).isEqualTo(-1);
        found = e.getKey();
      }
    }
    assertThat(found).as("a new descriptor of %s", targetPrefix).isNotNegative();
    return found;
  }

  // -- what it is -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName("S54: a received UNIX-domain socket is a SOCKET of its type")
  void s54_kindOfASocket(AnyPair.Type type) throws IOException {
    try (AnyPair passed = type.open();
        Descriptor d = receive(passed.first)) {
      assertThat(d.kind()).isEqualTo(Descriptor.Kind.SOCKET);
      assertThat(d.socketType()).isEqualTo(type.label());
      assertThat(d.toString()).isEqualTo("Descriptor[fd=" + d.fd() + " " + type + " socket]");
      assertThat(FdTable.target(d.fd())).isEqualTo(FdTable.target(passed.first.fd()));
    }
  }

  @Test
  @DisplayName("S54: a regular file, a directory, /dev/null, a pipe and an epoll instance")
  void s54_kindsOfOtherFiles() throws Exception {
    try (OpenFiles files = new OpenFiles(dir, 1);
        NumberedPipe pipe = NumberedPipe.open()) {
      FileChannel[] opened = new FileChannel[2];
      Selector[] selector = new Selector[1];
      int directory =
          openedBy(dir.toRealPath().toString(), () -> opened[0] = FileChannel.open(dir));
      int devNull = openedBy("/dev/null", () -> opened[1] = FileChannel.open(Path.of("/dev/null")));
      int epoll = openedBy("anon_inode:[eventpoll]", () -> selector[0] = Selector.open());
      try {
        assertKind(receive(files.fd(0)), Descriptor.Kind.REGULAR_FILE, "regular file");
        assertKind(receive(directory), Descriptor.Kind.DIRECTORY, "directory");
        assertKind(receive(devNull), Descriptor.Kind.CHARACTER_DEVICE, "character device");
        assertKind(receive(pipe.readEnd()), Descriptor.Kind.PIPE, "pipe");
        assertKind(receive(pipe.writeEnd()), Descriptor.Kind.PIPE, "pipe");
        assertKind(receive(epoll), Descriptor.Kind.OTHER, "other");
      } finally {
        opened[0].close();
        opened[1].close();
        selector[0].close();
      }
    }
  }

  private static void assertKind(Descriptor d, Descriptor.Kind kind, String name)
      throws IOException {
    try (d) {
      assertThat(d.kind()).isEqualTo(kind);
      assertThat(d.socketType()).isNull();
      assertThat(d.toString()).isEqualTo("Descriptor[fd=" + d.fd() + " " + name + "]");
    }
  }

  @Test
  @DisplayName("S54: a socket of another family says so, and becomes none of our channels")
  void s54_anInetSocket() throws Exception {
    DatagramChannel[] udp = new DatagramChannel[1];
    int fd = openedBy("socket:", () -> udp[0] = DatagramChannel.open(StandardProtocolFamily.INET));
    try (DatagramChannel ignored = udp[0];
        Descriptor d = receive(fd)) {
      assertThat(d.kind()).isEqualTo(Descriptor.Kind.SOCKET);
      assertThat(d.socketType()).isEqualTo("INET DATAGRAM");
      assertThatThrownBy(d::toDatagramChannel)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "descriptor "
                  + d.fd()
                  + " is a INET DATAGRAM socket, not a UNIX-domain sequenced-packet or datagram"
                  + " socket");
      assertThat(d.isOpen()).isTrue();
    }
  }

  // -- conversion into channels -------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: a received socket becomes our channel of its type, which owns the number, works, and"
          + " can be registered with a selector")
  void s54_conversion(AnyPair.Type type) throws Exception {
    try (AnyPair passed = type.open();
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      Descriptor d = receive(passed.first);
      int fd = d.fd();
      String socket = FdTable.target(fd);
      UnixChannel channel =
          type == AnyPair.Type.STREAM ? d.toSocketChannel() : d.toDatagramChannel();
      try {
        assertThat(d.isOpen()).isFalse();
        assertThatThrownBy(d::fd).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(d::detach).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(d::toSocketChannel).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(d::toDatagramChannel).isInstanceOf(ClosedChannelException.class);
        assertThat(channel.fd()).isEqualTo(fd);
        assertThat(FdTable.target(fd)).isEqualTo(socket);
        assertThat(channel.isOpen()).isTrue();
        assertThat(selectable(channel).isBlocking()).isTrue();
        assertThat(selectable(channel).provider()).isSameAs(UnixSelectorProvider.provider());
        if (type == AnyPair.Type.STREAM) {
          assertThat(channel).isInstanceOf(UnixSocketChannel.class);
          assertThat(((UnixSocketChannel) channel).isConnected()).isTrue();
        } else {
          assertThat(((UnixDatagramChannel) channel).type())
              .isEqualTo(UnixDatagramPair.Type.valueOf(type.name()));
        }

        io(channel).write(ascii("converted"));
        assertThat(readFully(io(passed.second), 9)).isEqualTo(ascii("converted").array());

        selectable(channel).configureBlocking(false);
        SelectionKey key = selectable(channel).register(selector, SelectionKey.OP_READ);
        assertThat(selector.selectNow()).isZero();
        Background<Integer> selected = Background.start(selector::select).awaitBlocked();
        io(passed.second).write(ascii("wake"));
        assertThat(selected.get()).isEqualTo(1);
        assertThat(key.isReadable()).isTrue();
        ByteBuffer in = ByteBuffer.allocate(8);
        assertThat(io(channel).read(in)).isEqualTo(4);
      } finally {
        channel.close();
      }
      selector.selectNow(); // deregisters the cancelled key, which held the number
      assertThat(FdTable.target(fd))
          .as("closing the channel closed the number")
          .isNotEqualTo(socket);
      // the sender's end is another descriptor of the same socket, still open
      assertThat(FdTable.target(passed.first.fd())).isEqualTo(socket);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: the wrong conversion of a socket is an IOException that says what it is, and the"
          + " Descriptor stays open")
  void s54_wrongConversionOfASocket(AnyPair.Type type) throws IOException {
    try (AnyPair passed = type.open();
        Descriptor d = receive(passed.first)) {
      String socket = FdTable.target(d.fd());
      if (type == AnyPair.Type.STREAM) {
        assertThatThrownBy(d::toDatagramChannel)
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(ClosedChannelException.class)
            .hasMessage(
                "descriptor "
                    + d.fd()
                    + " is a STREAM socket, not a UNIX-domain sequenced-packet or datagram"
                    + " socket");
      } else {
        assertThatThrownBy(d::toSocketChannel)
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(ClosedChannelException.class)
            .hasMessage(
                "descriptor "
                    + d.fd()
                    + " is a "
                    + type
                    + " socket, not a UNIX-domain stream socket");
      }
      assertThat(d.isOpen()).isTrue();
      assertThat(FdTable.target(d.fd())).isEqualTo(socket);
    }
  }

  @Test
  @DisplayName("S54: converting a file or a pipe into a channel says it is not a socket")
  void s54_wrongConversionOfOtherFiles() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1);
        NumberedPipe pipe = NumberedPipe.open();
        Descriptor file = receive(files.fd(0));
        Descriptor readEnd = receive(pipe.readEnd())) {
      assertThatThrownBy(file::toSocketChannel)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "descriptor "
                  + file.fd()
                  + " is a regular file, not a socket, not a UNIX-domain stream socket");
      assertThatThrownBy(file::toDatagramChannel)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is a regular file, not a socket");
      assertThatThrownBy(readEnd::toSocketChannel)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is a pipe, not a socket");
      assertThat(file.isOpen()).isTrue();
      assertThat(FdTable.target(file.fd())).isEqualTo(files.target(0));
    }
  }

  // -- close, detach, the cleaner ---------------------------------------------------------------

  @Test
  @DisplayName("S54: a closed Descriptor has closed its number and refuses what needs it")
  void s54_close() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Descriptor d = receive(files.fd(0));
      int fd = d.fd();
      assertThat(FdTable.target(fd)).isEqualTo(files.target(0));
      d.close();
      assertThat(d.isOpen()).isFalse();
      assertThat(FdTable.fdsOf(files.target(0))).containsExactly(files.fd(0));
      assertThatThrownBy(d::fd).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(d::detach).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(d::toSocketChannel).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(d::toDatagramChannel).isInstanceOf(ClosedChannelException.class);
      assertThat(d.kind()).as("still what it was").isEqualTo(Descriptor.Kind.REGULAR_FILE);
      assertThat(d.toString()).isEqualTo("Descriptor[closed]");
      d.close(); // no effect
      assertThat(d.isOpen()).isFalse();
    }
  }

  @Test
  @DisplayName(
      "S54: detach hands over the number, still open and close-on-exec; the Descriptor no longer"
          + " owns it")
  void s54_detach() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      Descriptor d = receive(files.fd(0));
      int before = d.fd();
      int fd = d.detach();
      assertThat(fd).isEqualTo(before);
      assertThat(d.isOpen()).isFalse();
      assertThatThrownBy(d::fd).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(d::detach).isInstanceOf(ClosedChannelException.class);
      d.close(); // closes nothing: the number is the caller's
      assertThat(FdTable.target(fd)).isEqualTo(files.target(0));
      assertThat(FdTable.isCloseOnExec(fd)).isTrue();
      // The number works: passed across by number, it arrives as the same file
      try (Descriptor again = receive(fd)) {
        assertThat(FdTable.target(again.fd())).isEqualTo(files.target(0));
      }
      assertThat(LibC.close(CallState.heap(), fd)).isZero();
      assertThat(FdTable.fdsOf(files.target(0))).containsExactly(files.fd(0));
    }
  }

  @Test
  @DisplayName("S54: a Descriptor dropped without close is closed by the cleaner")
  void s54_cleanerClosesADroppedDescriptor() throws IOException {
    try (OpenFiles files = new OpenFiles(dir, 1)) {
      int fd = receiveAndDrop(files.fd(0));
      assertThat(FdTable.target(fd)).isEqualTo(files.target(0));
      TestSupport.await(
          "the dropped Descriptor's number is closed",
          () -> {
            System.gc();
            try {
              return FdTable.fdsOf(files.target(0)).size() == 1;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      assertThat(FdTable.fdsOf(files.target(0))).containsExactly(files.fd(0));
    }
  }

  private int receiveAndDrop(int fd) throws IOException {
    return receive(fd).fd();
  }

  // -- while another thread passes it on --------------------------------------------------------

  @Test
  @DisplayName(
      "S54: while another thread is passing a Descriptor on, detach and conversion refuse, and"
          + " close defers closing the number until the write has sent it")
  void s54_closeWhileBeingPassed() throws Exception {
    try (AnyPair passed = AnyPair.Type.STREAM.open();
        AnyPair stream = AnyPair.Type.STREAM.open()) {
      Descriptor d = receive(passed.first);
      int fd = d.fd();
      String socket = FdTable.target(fd);
      selectable(stream.first).configureBlocking(false);
      long queued = TestSupport.fill(io(stream.first));
      selectable(stream.first).configureBlocking(true);
      Background<Integer> write =
          Background.start(() -> stream.first.writeWithDescriptors(ascii("x"), d)).awaitBlocked();

      assertThatThrownBy(d::detach)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("being passed on by another thread");
      assertThatThrownBy(d::toSocketChannel).isInstanceOf(IllegalStateException.class);
      assertThat(d.isOpen()).isTrue();
      d.close();
      assertThat(d.isOpen()).isFalse();
      assertThatThrownBy(d::fd).isInstanceOf(ClosedChannelException.class);
      assertThat(FdTable.target(fd)).as("still open while being sent").isEqualTo(socket);

      readFully(io(stream.second), (int) queued); // makes room; reads none of "x"
      assertThat(write.get()).isEqualTo(1);
      assertThat(FdTable.target(fd)).as("closed once sent").isNotEqualTo(socket);

      ByteBuffer in = ByteBuffer.allocate(1);
      Descriptor arrived = single(stream.second.readWithDescriptors(in));
      assertThat(FdTable.target(arrived.fd())).isEqualTo(socket);
      try (UnixSocketChannel channel = arrived.toSocketChannel()) {
        channel.write(ascii("works"));
        assertThat(readFully(io(passed.second), 5)).isEqualTo(ascii("works").array());
      }
    }
  }
}
