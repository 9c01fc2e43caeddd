package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Helpers for the tests of message pairs ({@link UnixDatagramPair}). */
final class MessageSupport {
  private MessageSupport() {}

  /** Receives one message with a blocking read into a buffer of {@code room} bytes. */
  static String readString(UnixDatagramChannel ch, int room) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(room);
    int n = ch.read(buf);
    assertThat(n).as("bytes read").isEqualTo(buf.position());
    return new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
  }

  /** A message of {@code n} bytes whose first four bytes hold {@code tag}. */
  static ByteBuffer tagged(int tag, int n) {
    ByteBuffer b = ByteBuffer.wrap(TestSupport.pattern(n, tag));
    b.putInt(0, tag);
    return b;
  }

  /**
   * Writes messages of {@code size} bytes, tagged 0, 1, 2 ..., to a non-blocking channel until a
   * write returns 0 (the peer's queue is full), and returns how many were queued. Checks that the
   * refused write sent nothing (its buffer's position did not move).
   */
  static int fillWithMessages(UnixDatagramChannel nonBlocking, int size) throws IOException {
    int queued = 0;
    for (; ; ) {
      ByteBuffer m = tagged(queued, size);
      int n = nonBlocking.write(m);
      if (n == 0) {
        assertThat(m.position()).as("a refused write takes nothing").isZero();
        return queued;
      }
      assertThat(n).as("a message is sent whole").isEqualTo(size);
      queued++;
    }
  }

  /** Reads one message with a blocking read and checks it is the one tagged {@code tag}. */
  static void expectTagged(UnixDatagramChannel ch, int tag, int size) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(size + 1);
    assertThat(ch.read(in)).as("length of message %d", tag).isEqualTo(size);
    assertThat(in.flip()).as("message %d", tag).isEqualTo(tagged(tag, size));
  }
}
