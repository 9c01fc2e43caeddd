package io.socketpair4j.example;

import io.socketpair4j.Descriptor;
import io.socketpair4j.ReceivedMessage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One name as it arrives at an end, over one receive (a message) or several (parts of a stream):
 * its bytes, whether a message was longer than the name, and any descriptors that came with it.
 * Used by the main thread (non-blocking) and by the clients (blocking) alike. Descriptors not taken
 * with {@link #takeDescriptors()} are closed by {@link #clear()} and {@link #close()}.
 */
final class Incoming implements AutoCloseable {
  private final End end;
  private final ByteBuffer bytes;
  private final String endOfStream;
  private final List<Descriptor> descriptors = new ArrayList<>();
  private boolean truncated;

  /**
   * Collects names of {@code length} bytes from {@code end}; {@code endOfStream} is the message of
   * the exception when the stream ends before a name is complete.
   */
  Incoming(End end, int length, String endOfStream) {
    this.end = end;
    this.bytes = ByteBuffer.allocate(length);
    this.endOfStream = endOfStream;
  }

  /**
   * Receives once, with or without descriptors.
   *
   * @return true when a whole name (or a whole message) is here
   * @throws EOFException at the end of the stream
   */
  boolean receive(boolean withDescriptors) throws IOException {
    ReceivedMessage received = end.receive(bytes, withDescriptors);
    if (received == null) {
      return false;
    }
    if (received.isEndOfStream()) {
      throw new EOFException(endOfStream);
    }
    descriptors.addAll(received.descriptors());
    if (end.keepsMessageBoundaries()) {
      truncated = received.isTruncated();
      return true;
    }
    return !bytes.hasRemaining();
  }

  /** Whether what arrived is exactly {@code name}. */
  boolean is(byte[] name) {
    return !truncated
        && bytes.position() == name.length
        && Arrays.equals(bytes.array(), 0, bytes.position(), name, 0, name.length);
  }

  /** What arrived, as text; "..." marks a message that was longer than the name. */
  String text() {
    String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII);
    return truncated ? text + "..." : text;
  }

  /** Hands the descriptors that came with the name to the caller, who must close them. */
  List<Descriptor> takeDescriptors() {
    List<Descriptor> taken = List.copyOf(descriptors);
    descriptors.clear();
    return taken;
  }

  /** Makes room for the next name, closing any descriptors not taken. */
  void clear() {
    bytes.clear();
    truncated = false;
    close();
  }

  /** Closes any descriptors not taken. */
  @Override
  public void close() {
    for (Descriptor descriptor : descriptors) {
      descriptor.close();
    }
    descriptors.clear();
  }
}
