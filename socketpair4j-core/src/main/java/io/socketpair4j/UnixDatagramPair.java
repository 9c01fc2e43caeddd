package io.socketpair4j;

import io.socketpair4j.internal.jfr.JfrEvents;
import io.socketpair4j.internal.nio.NativeDatagramChannel;
import io.socketpair4j.internal.nio.NativeSockets;
import java.io.Closeable;
import java.io.IOException;

/**
 * A pair of connected, unnamed UNIX-domain message sockets made by the kernel's {@code
 * socketpair(2)}, as two {@link UnixDatagramChannel}s: each {@code write} at one end is one
 * message, and each {@code read} at the other end takes one whole message.
 *
 * <pre>{@code
 * try (UnixDatagramPair pair = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET)) {
 *     pair.first().write(ByteBuffer.wrap("abc".getBytes(US_ASCII)));
 *     pair.first().write(ByteBuffer.wrap("de".getBytes(US_ASCII)));
 *     ByteBuffer buf = ByteBuffer.allocate(16);
 *     pair.second().read(buf); // 3: "abc", one message
 * }
 * }</pre>
 *
 * <p>Two types are offered; both keep message boundaries and order, and never lose a message in the
 * kernel (a full receiver makes the sender wait):
 *
 * <ul>
 *   <li>{@link Type#SEQPACKET} ({@code SOCK_SEQPACKET}) is connection-oriented like a stream: when
 *       one end is closed or shut down, the other reads the end of the stream (-1) after the
 *       messages already queued, and writing to a closed peer fails with {@code EPIPE}.
 *   <li>{@link Type#DATAGRAM} ({@code SOCK_DGRAM}) has no end of stream: when one end is closed, a
 *       read at the other waits for ever (or returns nothing in non-blocking mode), and a write
 *       fails with {@code ECONNREFUSED}, then {@code ENOTCONN}.
 * </ul>
 *
 * <p>As with {@link UnixSocketPair}, both descriptors are close-on-exec, native access is needed
 * ({@link UnixSocketPair#isSupported()} tells), and every pair should be closed.
 *
 * <p>This class is safe for use by multiple concurrent threads.
 */
public final class UnixDatagramPair implements Closeable {

  /** The type of message socket. */
  public enum Type {
    /**
     * {@code SOCK_SEQPACKET}: messages over a connection, with an end of stream when the peer
     * closes.
     */
    SEQPACKET,
    /** {@code SOCK_DGRAM}: messages without a connection state; no end of stream. */
    DATAGRAM
  }

  private final Type type;
  private final UnixDatagramChannel first;
  private final UnixDatagramChannel second;

  private UnixDatagramPair(Type type, UnixDatagramChannel first, UnixDatagramChannel second) {
    this.type = type;
    this.first = first;
    this.second = second;
  }

  /**
   * Opens a connected pair of UNIX-domain message sockets of the given type, {@code
   * socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)} or {@code SOCK_DGRAM}.
   *
   * <p>Both channels are open, connected and in blocking mode.
   *
   * @param type the type of socket
   * @return a new pair
   * @throws NullPointerException if {@code type} is null
   * @throws IOException if the kernel refuses, for example because the process or the system has
   *     too many open files; the message names the errno ({@code EMFILE}, {@code ENFILE})
   * @throws UnsupportedOperationException if native socket pairs are not supported in this JVM
   *     (another operating system or architecture, or native access denied); the message says why
   */
  public static UnixDatagramPair open(Type type) throws IOException {
    Object event = JfrEvents.recording() ? JfrEvents.beginPair() : null;
    NativeDatagramChannel[] ends =
        NativeSockets.openMessagePair(UnixSelectorProvider.provider(), type);
    if (event != null) {
      JfrEvents.pairOpened(event, "native", type.name(), ends[0].fd(), ends[1].fd());
    }
    return new UnixDatagramPair(type, ends[0], ends[1]);
  }

  /**
   * Returns the type of the pair's sockets.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  /**
   * Returns the first end of the pair ({@code sv[0]} of {@code socketpair(2)}).
   *
   * @return the first channel
   */
  public UnixDatagramChannel first() {
    return first;
  }

  /**
   * Returns the second end of the pair ({@code sv[1]} of {@code socketpair(2)}).
   *
   * @return the second channel
   */
  public UnixDatagramChannel second() {
    return second;
  }

  /**
   * Closes both ends. Closing an end that is already closed has no effect, so this method may be
   * called more than once.
   *
   * @throws IOException if an I/O error occurs while closing either end; both are closed anyway
   */
  @Override
  public void close() throws IOException {
    try {
      first.close();
    } finally {
      second.close();
    }
  }

  @Override
  public String toString() {
    return "UnixDatagramPair[" + type + ", " + first + ", " + second + "]";
  }
}
