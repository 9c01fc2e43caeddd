package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnixSocketChannel#adopt(int)} and {@link UnixDatagramChannel#adopt(int)}. */
class AdoptTest {

  @Test
  void adoptsAStreamEndSetsCloseOnExecAndOwnsIt() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      int fd = Spawned.dup(pair.second().fd());
      assertThat(FdTable.isCloseOnExec(fd)).isFalse();
      UnixSocketChannel adopted = UnixSocketChannel.adopt(fd);
      assertThat(adopted.fd()).isEqualTo(fd);
      assertThat(FdTable.isCloseOnExec(fd)).isTrue();
      assertThat(adopted.isBlocking()).isTrue();
      assertThat(adopted.isConnected()).isTrue();
      pair.first().write(ascii("to the adopted end"));
      ByteBuffer buf = ByteBuffer.allocate(64);
      adopted.read(buf);
      assertThat(TestSupport.ascii(buf.flip())).isEqualTo("to the adopted end");
      adopted.close();
      assertThat(FdTable.target(fd)).as("closing the channel closes the number").isNull();
    }
  }

  @Test
  void adoptsMessageEndsOfBothTypes() throws Exception {
    for (UnixDatagramPair.Type type : UnixDatagramPair.Type.values()) {
      try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
        int fd = Spawned.dup(pair.second().fd());
        try (UnixDatagramChannel adopted = UnixDatagramChannel.adopt(fd)) {
          assertThat(adopted.type()).isEqualTo(type);
          assertThat(FdTable.isCloseOnExec(fd)).isTrue();
          pair.first().write(ascii("one message"));
          ByteBuffer buf = ByteBuffer.allocate(64);
          assertThat(adopted.readMessage(buf).length()).isEqualTo(11);
          if (type == UnixDatagramPair.Type.SEQPACKET) {
            pair.first().close(); // end of stream is told from an empty message, adopted or not
            assertThat(adopted.read(ByteBuffer.allocate(8))).isEqualTo(-1);
          }
        }
      }
    }
  }

  @Test
  void refusesWhatIsNotTheRightSocketSaysWhatItIsAndLeavesItTheCallers(@TempDir Path dir)
      throws Exception {
    try (UnixSocketPair stream = UnixSocketPair.open();
        UnixDatagramPair packets = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
        OpenFiles.NumberedPipe pipe = OpenFiles.NumberedPipe.open();
        FileChannel file =
            FileChannel.open(
                Files.writeString(dir.resolve("file"), "x"),
                java.nio.file.StandardOpenOption.READ)) {
      int fileFd = FdTable.fdOf(dir.resolve("file"));
      refused(true, pipe.readEnd(), "it is a pipe, not a socket, not a UNIX-domain stream socket");
      refused(true, fileFd, "it is a regular file, not a socket");
      refused(true, packets.second().fd(), "it is a SEQPACKET socket, not a UNIX-domain stream");
      refused(false, stream.second().fd(), "it is a STREAM socket, not a UNIX-domain sequenced");
      int unused = FdTable.unusedNumber();
      assertThatThrownBy(() -> UnixSocketChannel.adopt(unused))
          .isInstanceOf(IOException.class)
          .hasMessage("cannot adopt descriptor " + unused + ": it is not open (EBADF)");
      assertThatThrownBy(() -> UnixSocketChannel.adopt(-1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("descriptor number is negative: -1");
      // still open and still working: nothing was taken
      stream.first().write(ascii("x"));
      assertThat(stream.second().read(ByteBuffer.allocate(4))).isEqualTo(1);
    }
  }

  @Test
  void refusesListeningAndUnconnectedSockets(@TempDir Path dir) throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listening.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
      int fd = onlyNewSocket(before);
      refused(true, fd, "it is a listening socket, not a connected one");
    }
    before = FdTable.snapshot();
    try (SocketChannel unconnected = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      int fd = onlyNewSocket(before);
      refused(true, fd, "the socket is not connected");
    }
    before = FdTable.snapshot();
    try (SocketChannel inet = SocketChannel.open()) {
      int fd = onlyNewSocket(before);
      refused(true, fd, "it is a INET"); // INET6 where the JDK opens dual-stack sockets
    }
  }

  private static int onlyNewSocket(Map<Integer, String> before) throws IOException {
    Map<Integer, String> opened = FdTable.opened(before, FdTable.snapshot());
    assertThat(opened).hasSize(1);
    return opened.keySet().iterator().next();
  }

  private static void refused(boolean stream, int fd, String why) throws IOException {
    int flags = FdTable.flags(fd);
    assertThatThrownBy(
            () -> {
              if (stream) {
                UnixSocketChannel.adopt(fd);
              } else {
                UnixDatagramChannel.adopt(fd);
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot adopt descriptor " + fd + ": " + why);
    assertThat(FdTable.flags(fd)).as("descriptor %d untouched", fd).isEqualTo(flags);
  }
}
