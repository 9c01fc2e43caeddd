package io.socketpair4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child process of {@link PeerCredentialsTest}'s test of the kernel's rule that the ends of a
 * socket pair report the credentials of the process that made the pair, wherever they are passed.
 *
 * <p>Connects to the parent's UNIX-domain server at the path in the system property {@code
 * probe.path} and makes the connection one of socketpair4j's channels ({@link #adopt}). Then makes
 * a pair and passes both its ends to the parent, with its pid, and closes its own; receives an end
 * of a pair the parent made and prints the pid that end reports; and waits for the parent to close
 * the connection before it exits, so that it lives while the parent looks.
 */
public final class PeerCredentialsProbe {
  private PeerCredentialsProbe() {}

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    Path path = Path.of(System.getProperty("probe.path"));
    // The JDK's first use of a UNIX-domain channel may open descriptors of its own for good
    SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
    SocketChannel[] connected = new SocketChannel[1];
    int fd =
        openedSocket(
            () -> connected[0] = SocketChannel.open(java.net.UnixDomainSocketAddress.of(path)));
    try (UnixSocketChannel link = adopt(fd)) {
      connected[0].close();
      System.out.println("child pid=" + ProcessHandle.current().pid());
      System.out.println("link's peer pid=" + link.peerCredentials().pid());

      try (UnixSocketPair made = UnixSocketPair.open()) {
        ByteBuffer pid = ByteBuffer.allocate(8).putLong(0, ProcessHandle.current().pid());
        link.writeWithDescriptors(pid, made.first(), made.second());
      }

      ByteBuffer in = ByteBuffer.allocate(16);
      ReceivedMessage m = link.readWithDescriptors(in);
      try (UnixSocketChannel parentsEnd = m.descriptors().get(0).toSocketChannel()) {
        System.out.println(
            "parent's end ("
                + new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII)
                + ") reports peer pid="
                + parentsEnd.peerCredentials().pid());
      }
      // Wait until the parent is done looking
      int r = link.read(ByteBuffer.allocate(1));
      System.out.println("parent closed the connection: " + r);
    }
  }

  /** Runs {@code open} and returns the number of the one socket it opened. */
  static int openedSocket(java.util.concurrent.Callable<?> open) throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    open.call();
    int found = -1;
    for (Map.Entry<Integer, String> e : FdTable.opened(before, FdTable.snapshot()).entrySet()) {
      if (e.getValue().startsWith("socket:")) {
        if (found >= 0) {
          throw new IllegalStateException("more than one socket opened: " + e);
        }
        found = e.getKey();
      }
    }
    if (found < 0) {
      throw new IllegalStateException("no socket opened");
    }
    return found;
  }

  /**
   * Makes a connected UNIX-domain stream socket, given by number, one of socketpair4j's channels:
   * passes it to this process over a pair of its own and converts what arrives. The number stays
   * the caller's; the channel owns a duplicate of it.
   */
  static UnixSocketChannel adopt(int fd) throws IOException {
    try (UnixSocketPair local = UnixSocketPair.open()) {
      local.first().writeWithDescriptors(ByteBuffer.allocate(1), fd);
      ReceivedMessage m = local.second().readWithDescriptors(ByteBuffer.allocate(1));
      return m.descriptors().get(0).toSocketChannel();
    }
  }
}
