package io.socketpair4j;

import java.util.List;
import java.util.Objects;

/**
 * What one receive from a native end gave: the bytes read into the caller's buffer, the length of
 * the message they came from, and the descriptors that came with them; or the end of the stream.
 *
 * <p>Returned by {@link UnixChannel#readWithDescriptors(java.nio.ByteBuffer, int)}, {@link
 * UnixDatagramChannel#readMessage(java.nio.ByteBuffer)} and {@link
 * UnixDatagramChannel#peekMessage(java.nio.ByteBuffer)}. On a message socket {@link #length()} is
 * the whole message's length even when the buffer was too small for it ({@code MSG_TRUNC}), so a
 * truncated message is never mistaken for a complete one; on a stream socket it equals {@link
 * #bytesRead()}.
 *
 * <p>The {@link Descriptor}s are owned by the receiver, who must close each one (or turn it into a
 * channel).
 *
 * @param bytesRead how many bytes were stored into the buffer(s); -1 at the end of the stream
 * @param length the length of the message received: on a message socket the whole message, which is
 *     more than {@code bytesRead} when the buffer was too small and the rest was discarded; on a
 *     stream socket, the bytes read; -1 at the end of the stream
 * @param descriptors the descriptors that came with the data, in the order they were sent, each
 *     close-on-exec and owned by the caller; an unmodifiable list, empty when none came
 * @see DescriptorsTruncatedException
 */
public record ReceivedMessage(int bytesRead, int length, List<Descriptor> descriptors) {
  /** The end of the stream: no more data will come. */
  public static final ReceivedMessage END_OF_STREAM = new ReceivedMessage(-1, -1, List.of());

  /**
   * Makes a result.
   *
   * @throws IllegalArgumentException if {@code length} is less than {@code bytesRead}, or only one
   *     of them is negative
   */
  public ReceivedMessage {
    if (length < bytesRead || (bytesRead < 0) != (length < 0)) {
      throw new IllegalArgumentException(
          "bytesRead " + bytesRead + " and length " + length + " do not fit together");
    }
    descriptors = List.copyOf(Objects.requireNonNull(descriptors, "descriptors"));
  }

  /**
   * Tells whether the peer has closed or shut down its output (or this end its input), so that no
   * more data will come. Only stream and sequenced-packet sockets have an end of stream; an empty
   * message is not one.
   *
   * @return true at the end of the stream
   */
  public boolean isEndOfStream() {
    return bytesRead < 0;
  }

  /**
   * Tells whether the message was longer than the space in the buffer, so that its end was
   * discarded ({@code MSG_TRUNC}); for {@link UnixDatagramChannel#peekMessage peekMessage}, whether
   * the queued message is longer than what was copied. Never true on a stream socket.
   *
   * @return whether the message did not fit the buffer
   */
  public boolean isTruncated() {
    return length > bytesRead;
  }
}
