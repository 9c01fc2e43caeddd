package io.socketpair4j;

import io.socketpair4j.internal.jfr.JfrEvents;
import io.socketpair4j.internal.portable.PairSupply;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * A pair of connected UNIX-domain stream sockets made of the JDK's own channels, needing no native
 * access: the portable counterpart of {@link UnixSocketPair}.
 *
 * <p>Both ends are ordinary {@link SocketChannel}s of the {@linkplain
 * java.nio.channels.spi.SelectorProvider#provider() default provider} with protocol family {@link
 * java.net.StandardProtocolFamily#UNIX UNIX}. So they can be registered with a {@link
 * java.nio.channels.Selector#open() Selector.open()} selector together with any other JDK channel,
 * used from virtual threads, wrapped by {@link java.nio.channels.Channels}, and given every option
 * and operation a JDK {@code SocketChannel} has. Bytes written to either end are read, in order,
 * from the other.
 *
 * <pre>{@code
 * try (SocketPair pair = SocketPair.open()) {
 *     pair.first().write(ByteBuffer.wrap("ping".getBytes(US_ASCII)));
 *     ByteBuffer buf = ByteBuffer.allocate(4);
 *     pair.second().read(buf);
 * }
 * }</pre>
 *
 * <h2>How a pair is made</h2>
 *
 * The JDK has no {@code socketpair}, so a pair is made by a rendezvous: a listening socket is bound
 * in a fresh directory that only the current user can enter (permissions {@code rwx------} where
 * the file system has POSIX permissions), an end connects to it, the connection is accepted, and
 * the socket file, the directory and the listener are removed. Before any pair is handed out, its
 * connecting end has proved itself by sending a secret of 16 random bytes ({@link
 * java.security.SecureRandom}) that is new for every rendezvous; a connection that a third party
 * made to the socket can therefore never become an end of a pair. No socket file or directory
 * remains once {@link #open()} returns, whether it succeeds or fails.
 *
 * <p>Because a rendezvous costs several times as much as one connection, one rendezvous makes
 * several pairs when pairs are asked for repeatedly (1, then 2, 4, … up to a limit); the pairs not
 * handed out at once wait, connected, verified and unused, for the next calls to {@link #open()}.
 * At most {@code limit - 1} pairs wait at a time.
 *
 * <p>These system properties, read at each rendezvous, control it:
 *
 * <ul>
 *   <li>{@code socketpair4j.rendezvous.dir}: the directory in which the private directories are
 *       made. By default: {@code java.io.tmpdir} when it was set to something other than {@code
 *       /tmp}; else {@code $XDG_RUNTIME_DIR} when it is a directory this user owns with mode 0700;
 *       else {@code /dev/shm} when it is a writable directory with the sticky bit; else {@code
 *       java.io.tmpdir} (a memory file system makes a pair cheaper). If a socket path there could
 *       exceed what a UNIX-domain address holds ({@code sun_path}: 107 bytes on Linux and Windows,
 *       103 on macOS and the BSDs), {@code /tmp} is used instead.
 *   <li>{@code socketpair4j.rendezvous.timeout}: how long one rendezvous may take, in milliseconds;
 *       10000 by default.
 *   <li>{@code socketpair4j.rendezvous.batch}: the most pairs one rendezvous makes; 32 by default,
 *       1 to keep no pairs waiting.
 * </ul>
 *
 * <p>The addresses of the ends are those the JDK reports for a rendezvous: the connecting end (
 * {@link #first()}) has an unnamed local address and the rendezvous path, which no longer exists,
 * as its remote address; the accepted end ({@link #second()}) the other way round.
 *
 * <p>This class is safe for use by multiple concurrent threads.
 */
public final class SocketPair implements Closeable {
  private final SocketChannel first;
  private final SocketChannel second;

  private SocketPair(SocketChannel first, SocketChannel second) {
    this.first = first;
    this.second = second;
  }

  /**
   * Opens a connected pair of UNIX-domain stream sockets of the default provider.
   *
   * <p>Both channels are open, connected and in blocking mode.
   *
   * @return a new pair
   * @throws java.net.SocketTimeoutException if the rendezvous does not finish within its timeout
   * @throws IOException if the private directory cannot be made (the message names the base
   *     directory and the property that sets it), or a socket operation fails; nothing is left open
   *     and no file is left behind
   * @throws UnsupportedOperationException if the JDK does not support UNIX-domain sockets on this
   *     platform
   * @throws IllegalArgumentException if one of the system properties above is malformed
   */
  public static SocketPair open() throws IOException {
    Object event = JfrEvents.recording() ? JfrEvents.beginPair() : null;
    SocketChannel[] ends = PairSupply.take();
    if (event != null) {
      JfrEvents.pairOpened(event, "portable", "STREAM", -1, -1);
    }
    return new SocketPair(ends[0], ends[1]);
  }

  /**
   * Returns the first end of the pair, the one that connected.
   *
   * @return the first channel
   */
  public SocketChannel first() {
    return first;
  }

  /**
   * Returns the second end of the pair, the one that was accepted.
   *
   * @return the second channel
   */
  public SocketChannel second() {
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
    return "SocketPair[" + first + ", " + second + "]";
  }
}
