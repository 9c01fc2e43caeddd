package io.socketpair4j.internal.streams;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Reads and writes of one connected stream channel with timeouts, for the stream views. A read and
 * a write may be in progress at the same time, from different threads, and never wait for each
 * other; the views make at most one read and one write at a time.
 */
public interface StreamIo {
  /** The timeout that means no limit. */
  long NO_TIMEOUT = 0;

  /** The channel read and written. */
  SocketChannel channel();

  /**
   * Reads at least one byte into {@code dst}, which has space remaining, waiting at most {@code
   * timeoutNanos} ({@link #NO_TIMEOUT}: no limit).
   *
   * @return the bytes read, or -1 at the end of the stream
   * @throws SocketTimeoutException when nothing came in time; nothing was read
   */
  int read(ByteBuffer dst, long timeoutNanos) throws IOException;

  /**
   * Writes every byte remaining in {@code src}, waiting at most {@code timeoutNanos} in all ({@link
   * #NO_TIMEOUT}: no limit).
   *
   * @throws SocketTimeoutException when the time ran out first, telling the bytes written (by which
   *     {@code src}'s position advanced)
   */
  void write(ByteBuffer src, long timeoutNanos) throws IOException;

  /** The bytes a read can take now without waiting. */
  int available() throws IOException;

  /** Closes the channel, ending every read and write in progress. */
  void close() throws IOException;
}
