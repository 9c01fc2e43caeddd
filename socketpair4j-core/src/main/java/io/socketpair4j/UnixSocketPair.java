package io.socketpair4j;

import io.socketpair4j.internal.jfr.JfrEvents;
import io.socketpair4j.internal.linux.Platform;
import io.socketpair4j.internal.nio.NativeSocketChannel;
import io.socketpair4j.internal.nio.NativeSockets;
import java.io.Closeable;
import java.io.IOException;

/**
 * A pair of connected, unnamed UNIX-domain stream sockets made by the kernel's {@code
 * socketpair(2)}, as two {@link UnixSocketChannel}s.
 *
 * <p>Bytes written to either end can be read, in order, from the other: each end is both readable
 * and writable, like two {@link java.nio.channels.Pipe}s in opposite directions that are made and
 * closed together. A pair is made with {@link #open()}:
 *
 * <pre>{@code
 * try (UnixSocketPair pair = UnixSocketPair.open()) {
 *     pair.first().write(ByteBuffer.wrap("ping".getBytes(US_ASCII)));
 *     ByteBuffer buf = ByteBuffer.allocate(4);
 *     pair.second().read(buf);
 * }
 * }</pre>
 *
 * <p>Native pairs are made through {@code java.lang.foreign}, without JNI and without any native
 * library of socketpair4j's own. They are supported on Linux on x86_64 and aarch64 when native
 * access is enabled for socketpair4j ({@code --enable-native-access=io.socketpair4j}, or {@code
 * ALL-UNNAMED} on the class path); {@link #isSupported()} tells in advance.
 *
 * <p>Both descriptors are made close-on-exec atomically ({@code SOCK_CLOEXEC}). Each end is closed
 * independently by closing its channel, or both at once by {@link #close()}. Close every pair: an
 * end that becomes unreachable without being closed has its descriptor closed by a {@link
 * java.lang.ref.Cleaner} only after a garbage collection notices, which may be much later.
 *
 * <p>This class is safe for use by multiple concurrent threads.
 */
public final class UnixSocketPair implements Closeable {
  private final UnixSocketChannel first;
  private final UnixSocketChannel second;

  private UnixSocketPair(UnixSocketChannel first, UnixSocketChannel second) {
    this.first = first;
    this.second = second;
  }

  /**
   * Opens a connected pair of UNIX-domain stream sockets, {@code socketpair(AF_UNIX, SOCK_STREAM |
   * SOCK_CLOEXEC, 0)}.
   *
   * <p>Both channels are open, connected and in blocking mode.
   *
   * @return a new pair
   * @throws IOException if the kernel refuses, for example because the process or the system has
   *     too many open files; the message names the errno ({@code EMFILE}, {@code ENFILE})
   * @throws UnsupportedOperationException if native socket pairs are not supported in this JVM
   *     (another operating system or architecture, or native access denied); the message says why
   */
  public static UnixSocketPair open() throws IOException {
    Object event = JfrEvents.recording() ? JfrEvents.beginPair() : null;
    NativeSocketChannel[] ends = NativeSockets.openStreamPair(UnixSelectorProvider.provider());
    if (event != null) {
      JfrEvents.pairOpened(event, "native", "STREAM", ends[0].fd(), ends[1].fd());
    }
    return new UnixSocketPair(ends[0], ends[1]);
  }

  /**
   * Tells whether native socket pairs are supported in this JVM, so that {@link #open()} will not
   * throw {@link UnsupportedOperationException}.
   *
   * @return true on Linux on x86_64 or aarch64 when the C library can be bound through {@code
   *     java.lang.foreign}
   */
  public static boolean isSupported() {
    return Platform.unsupportedReason() == null;
  }

  /**
   * Returns the first end of the pair ({@code sv[0]} of {@code socketpair(2)}).
   *
   * @return the first channel
   */
  public UnixSocketChannel first() {
    return first;
  }

  /**
   * Returns the second end of the pair ({@code sv[1]} of {@code socketpair(2)}).
   *
   * @return the second channel
   */
  public UnixSocketChannel second() {
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
    return "UnixSocketPair[" + first + ", " + second + "]";
  }
}
