package io.socketpair4j.example;

import io.socketpair4j.Descriptor;
import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.UnixSocketPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The descriptor that each client passes along with its name under {@code --pass-fd}: a socket that
 * carries the name, so that the main thread can show the descriptor arrived open and working.
 *
 * <p>For every round trip the client opens a fresh stream pair, writes its name into the pair's
 * second end, sends its name on its own end together with the pair's first end ({@code
 * SCM_RIGHTS}), and closes its pair: sending copies a descriptor, so the client's own stay its own
 * to close. The kernel gives the main thread a new descriptor for that first end; the main thread
 * makes it a channel, reads from it the name the client wrote, and closes it.
 */
final class PassedSocket {
  private PassedSocket() {}

  /** Sends {@code name} on {@code end} with a socket that carries the name (the client's side). */
  static void send(End end, byte[] name) throws IOException {
    try (UnixSocketPair carrier = UnixSocketPair.open()) {
      carrier.second().write(ByteBuffer.wrap(name));
      end.send(ByteBuffer.wrap(name), carrier.first());
    }
  }

  /**
   * Checks what came with {@code name} (the main thread's side): exactly one descriptor, a stream
   * socket that carries {@code name}. Closes every descriptor given, on success and on failure.
   *
   * @return how the output describes it, such as "fd 12 (a socket carrying 'Alpha')"
   * @throws IllegalStateException if it is not one descriptor carrying {@code name}
   */
  static String receive(List<Descriptor> descriptors, byte[] name) throws IOException {
    String expected = new String(name, StandardCharsets.US_ASCII);
    try {
      if (descriptors.size() != 1) {
        throw new IllegalStateException(
            "main: " + descriptors.size() + " descriptors came with '" + expected + "', not 1");
      }
      Descriptor descriptor = descriptors.getFirst();
      int fd = descriptor.fd();
      try (UnixSocketChannel socket = descriptor.toSocketChannel()) {
        // The client wrote the name before sending the socket, so it is already there to read.
        ByteBuffer carried = ByteBuffer.allocate(name.length);
        while (carried.hasRemaining() && socket.read(carried) >= 0) {
          // until the whole name is read, or the end of the stream
        }
        String text = new String(carried.array(), 0, carried.position(), StandardCharsets.US_ASCII);
        if (!Arrays.equals(carried.array(), 0, carried.position(), name, 0, name.length)) {
          throw new IllegalStateException(
              "main: the socket passed with '" + expected + "' carried '" + text + "'");
        }
        return "fd " + fd + " (a socket carrying '" + text + "')";
      }
    } finally {
      for (Descriptor descriptor : descriptors) {
        descriptor.close(); // no effect on one that became a channel, which closed it already
      }
    }
  }
}
