package io.socketpair4j;

import io.socketpair4j.internal.streams.NativeStreamIo;
import io.socketpair4j.internal.streams.SelectingStreamIo;
import io.socketpair4j.internal.streams.StreamIo;
import io.socketpair4j.internal.streams.ViewInputStream;
import io.socketpair4j.internal.streams.ViewOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * An {@link InputStream} and an {@link OutputStream} over one connected {@link SocketChannel}, in
 * which a read that is waiting never holds up a write, with the read and write timeouts of {@link
 * java.net.Socket}.
 *
 * <p>The streams of {@link java.nio.channels.Channels#newInputStream Channels.newInputStream} and
 * {@link java.nio.channels.Channels#newOutputStream Channels.newOutputStream} over one channel wait
 * for each other (JDK-4774871): each holds the channel's {@link
 * java.nio.channels.SelectableChannel#blockingLock() blocking lock} while it reads or writes, so a
 * thread blocked reading makes a thread that writes wait until something is read, which in a
 * request/response protocol is never. A TCP channel can fall back on its {@link
 * SocketChannel#socket() socket adaptor}'s streams; a UNIX-domain channel, the JDK's or
 * socketpair4j's, has none. The streams of this class have no such lock: one read and one write may
 * be in progress at a time, from different threads.
 *
 * <pre>{@code
 * try (UnixSocketPair pair = UnixSocketPair.open()) {
 *     SocketStreams streams = SocketStreams.of(pair.first());
 *     streams.setReadTimeout(Duration.ofSeconds(5));
 *     Thread.startVirtualThread(() -> echo(pair.second()));
 *     streams.outputStream().write("ping\n".getBytes(US_ASCII));
 *     int b = streams.inputStream().read(); // SocketTimeoutException after 5 s of silence
 * }
 * }</pre>
 *
 * <h2>The channel</h2>
 *
 * A {@link UnixSocketChannel} is read and written with its own blocking calls, timed when a timeout
 * is set ({@link UnixChannel#read(java.nio.ByteBuffer, long, java.util.concurrent.TimeUnit)}); it
 * must be in blocking mode whenever a stream is used, else the stream throws {@link
 * java.nio.channels.IllegalBlockingModeException}. Any other channel, such as the JDK's ends of a
 * {@link SocketPair}, is put into non-blocking mode by {@link #of(SocketChannel)}, and its streams
 * wait for it on selectors of their own; from then on it must be read and written through the
 * streams only, and left in non-blocking mode. Either way the channel may also be registered with a
 * selector, have its options set and be shut down.
 *
 * <h2>Timeouts</h2>
 *
 * With a {@linkplain #setReadTimeout read timeout}, a read of the input stream that waits that long
 * without a byte coming throws {@link SocketTimeoutException}; nothing was read, and the stream and
 * the channel stay usable, as {@link java.net.Socket}'s do. With a {@linkplain #setWriteTimeout
 * write timeout}, a write of the output stream whose bytes have not all been written when the time
 * runs out throws {@code SocketTimeoutException}, whose {@link
 * java.io.InterruptedIOException#bytesTransferred bytesTransferred} tells how many of them were
 * written; the rest were not. A timeout applies to each read or write that starts after it was set.
 * {@link Duration#ZERO} means no timeout, the default.
 *
 * <h2>Closing and shutting down</h2>
 *
 * Closing either stream closes the channel, as closing a {@link java.net.Socket}'s stream closes
 * the socket; a read or write waiting on either stream then ends with {@link
 * java.nio.channels.AsynchronousCloseException}. Closing the channel itself does the same; a JDK
 * channel's stream that is waiting notices that within 0.1 seconds (a selector is not told that a
 * channel registered with it was closed). An interrupt of a thread waiting in a read or write
 * closes the channel and ends the wait with {@link java.nio.channels.ClosedByInterruptException},
 * as for the channel's own blocking operations. To end one direction only, shut it down on the
 * channel: after {@link SocketChannel#shutdownOutput()} the peer's input stream reads end of stream
 * ({@code -1}); after {@link SocketChannel#shutdownInput()} this input stream does, at once.
 *
 * <p>{@link InputStream#available()} tells the bytes that can be read without waiting; it never
 * waits itself. {@link OutputStream#flush()} does nothing: nothing is buffered.
 *
 * <p>This class and its streams are safe for use by multiple concurrent threads.
 */
public final class SocketStreams {
  private final StreamIo io;
  private final InputStream input;
  private final OutputStream output;
  private volatile long readTimeoutNanos = StreamIo.NO_TIMEOUT;
  private volatile long writeTimeoutNanos = StreamIo.NO_TIMEOUT;

  private SocketStreams(StreamIo io) {
    this.io = io;
    this.input = new ViewInputStream(io, () -> readTimeoutNanos);
    this.output = new ViewOutputStream(io, () -> writeTimeoutNanos);
  }

  /**
   * Returns the streams of a connected channel.
   *
   * <p>A {@link UnixSocketChannel} is left as it is. Any other channel is put into non-blocking
   * mode, and must from then on be read and written through these streams only (see above); calling
   * this method again for it makes streams that wait for it independently of these.
   *
   * @param channel an open, connected channel
   * @return the streams of the channel, with no timeouts
   * @throws ClosedChannelException if the channel is closed
   * @throws NotYetConnectedException if the channel is not connected
   * @throws IOException if the channel's blocking mode cannot be changed
   */
  public static SocketStreams of(SocketChannel channel) throws IOException {
    Objects.requireNonNull(channel, "channel");
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
    if (!channel.isConnected()) {
      throw new NotYetConnectedException();
    }
    if (channel instanceof UnixSocketChannel u) {
      return ofNative(u);
    }
    return new SocketStreams(new SelectingStreamIo(channel));
  }

  /** The streams of a native channel, made without checks: its streams fail as it would. */
  static SocketStreams ofNative(UnixSocketChannel channel) {
    return new SocketStreams(new NativeStreamIo(channel));
  }

  /**
   * Returns the channel that these streams read and write.
   *
   * @return the channel
   */
  public SocketChannel channel() {
    return io.channel();
  }

  /**
   * Returns the input stream, the same each time.
   *
   * @return the input stream of the channel
   */
  public InputStream inputStream() {
    return input;
  }

  /**
   * Returns the output stream, the same each time.
   *
   * @return the output stream of the channel
   */
  public OutputStream outputStream() {
    return output;
  }

  /**
   * Sets how long a read of the input stream waits for a byte before it throws {@link
   * SocketTimeoutException}; {@link Duration#ZERO} for no limit. A timeout too long to count in
   * nanoseconds (some 292 years) means the longest that can.
   *
   * @param timeout the read timeout, zero or positive
   * @return these streams
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public SocketStreams setReadTimeout(Duration timeout) {
    readTimeoutNanos = nanos(timeout);
    return this;
  }

  /**
   * Returns the read timeout; {@link Duration#ZERO} when there is none.
   *
   * @return the read timeout
   */
  public Duration getReadTimeout() {
    return Duration.ofNanos(readTimeoutNanos);
  }

  /**
   * Sets how long a write of the output stream may take in all before it throws {@link
   * SocketTimeoutException}; {@link Duration#ZERO} for no limit.
   *
   * @param timeout the write timeout, zero or positive
   * @return these streams
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public SocketStreams setWriteTimeout(Duration timeout) {
    writeTimeoutNanos = nanos(timeout);
    return this;
  }

  /**
   * Returns the write timeout; {@link Duration#ZERO} when there is none.
   *
   * @return the write timeout
   */
  public Duration getWriteTimeout() {
    return Duration.ofNanos(writeTimeoutNanos);
  }

  private static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout is negative: " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "SocketStreams[" + io.channel() + "]";
  }
}
