package io.socketpair4j;

import java.io.IOException;

/**
 * Thrown by {@link UnixChannel#readWithDescriptors(java.nio.ByteBuffer, int)} when descriptors were
 * sent with the data but not all of them could be received ({@code MSG_CTRUNC}): the read accepted
 * fewer than were sent, or this process was at its limit of open files ({@code RLIMIT_NOFILE}).
 *
 * <p>socketpair4j never hands out a partial list: every descriptor that did arrive has been closed
 * before this exception is thrown, so nothing leaks. The data is kept: it was read into the
 * caller's buffer, whose position has advanced by {@link #bytesRead()}. The channel remains open
 * and usable.
 */
public final class DescriptorsTruncatedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The bytes of data read into the buffer. */
  private final int bytesRead;

  /** The length of the message (stream: the bytes read). */
  private final int length;

  /** How many received descriptors were closed. */
  private final int closed;

  /**
   * Makes an exception for a receive that read {@code bytesRead} bytes of a message of {@code
   * length} bytes, and closed {@code closed} descriptors that arrived with it.
   *
   * @param bytesRead the bytes read into the buffer
   * @param length the length of the message (the bytes read, on a stream socket)
   * @param closed the descriptors that arrived and were closed
   * @param maxDescriptors how many the read accepted
   */
  public DescriptorsTruncatedException(int bytesRead, int length, int closed, int maxDescriptors) {
    super(
        "recvmsg: descriptors sent with the data were cut off (MSG_CTRUNC): more than the "
            + maxDescriptors
            + " accepted were sent, or the process is at its limit of open files; the "
            + closed
            + " that arrived were closed; the "
            + bytesRead
            + " data bytes were read into the buffer");
    this.bytesRead = bytesRead;
    this.length = length;
    this.closed = closed;
  }

  /**
   * Returns how many data bytes were read into the buffer.
   *
   * @return the bytes read
   */
  public int bytesRead() {
    return bytesRead;
  }

  /**
   * Returns the length of the message the data came from: on a message socket the whole message
   * (more than {@link #bytesRead()} when the buffer was too small), on a stream socket the bytes
   * read.
   *
   * @return the length
   */
  public int length() {
    return length;
  }

  /**
   * Returns how many descriptors did arrive and were closed.
   *
   * @return the number closed
   */
  public int closedDescriptors() {
    return closed;
  }
}
