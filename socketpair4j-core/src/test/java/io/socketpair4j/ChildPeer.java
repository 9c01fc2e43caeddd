package io.socketpair4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A Java program run as a child by {@link ChildProcessPeerTest}: it adopts the descriptors it was
 * handed by the {@code LISTEN_FDS} convention and talks over them.
 *
 * <ol>
 *   <li>On "events" (SEQPACKET), one message: {@code ready <its pid>}.
 *   <li>On "control" (STREAM), one line: {@code creds <pid> <uid> <gid>}, the peer credentials its
 *       end reports.
 *   <li>It then receives a descriptor over "control" and writes {@code hello from <its pid>} into
 *       it, repeatedly, until "control" ends; then it exits with 0.
 * </ol>
 */
public final class ChildPeer {
  private ChildPeer() {}

  public static void main(String[] args) throws IOException {
    InheritedDescriptors inherited = InheritedDescriptors.fromEnvironment();
    long pid = ProcessHandle.current().pid();
    try (UnixSocketChannel control = inherited.socketChannel("control");
        UnixDatagramChannel events = inherited.datagramChannel("events")) {
      events.write(ascii("ready " + pid));
      PeerCredentials c = control.peerCredentials();
      control.write(ascii("creds " + c.pid() + " " + c.uid() + " " + c.gid() + "\n"));
      for (; ; ) {
        ReceivedMessage m = control.readWithDescriptors(ByteBuffer.allocate(16));
        if (m.bytesRead() < 0) {
          return;
        }
        for (Descriptor d : m.descriptors()) {
          try (UnixSocketChannel passed = d.toSocketChannel()) {
            passed.write(ascii("hello from " + pid));
          }
        }
      }
    }
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
