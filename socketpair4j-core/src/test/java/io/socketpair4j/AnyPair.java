package io.socketpair4j;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;

/**
 * A native pair of any of the three socket types, for the tests of what every {@link UnixChannel}
 * does (descriptor passing, peer credentials): its ends as {@link UnixChannel}s, with their {@code
 * java.nio} side at hand.
 */
final class AnyPair implements Closeable {
  /** The three socket types of native pairs. */
  enum Type {
    STREAM,
    SEQPACKET,
    DATAGRAM;

    /** Whether each write is one message (SEQPACKET, DATAGRAM). */
    boolean messages() {
      return this != STREAM;
    }

    /** What {@link Descriptor#socketType()} says for an end of this type. */
    String label() {
      return name();
    }

    AnyPair open() throws IOException {
      switch (this) {
        case STREAM:
          UnixSocketPair s = UnixSocketPair.open();
          return new AnyPair(this, s, s.first(), s.second());
        case SEQPACKET:
          UnixDatagramPair q = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
          return new AnyPair(this, q, q.first(), q.second());
        default:
          UnixDatagramPair d = UnixDatagramPair.open(UnixDatagramPair.Type.DATAGRAM);
          return new AnyPair(this, d, d.first(), d.second());
      }
    }
  }

  final Type type;
  final UnixChannel first;
  final UnixChannel second;
  private final Closeable pair;

  private AnyPair(Type type, Closeable pair, UnixChannel first, UnixChannel second) {
    this.type = type;
    this.pair = pair;
    this.first = first;
    this.second = second;
  }

  /** The {@code java.nio} side of an end. */
  static ByteChannel io(UnixChannel end) {
    return (ByteChannel) end;
  }

  /** The {@code java.nio} side of an end, for blocking mode and selectors. */
  static SelectableChannel selectable(UnixChannel end) {
    return (SelectableChannel) end;
  }

  /**
   * Whether {@code end} has nothing queued to read: a non-blocking receive finds nothing (what it
   * finds otherwise is taken, its descriptors closed). Leaves the end in blocking mode.
   */
  static boolean nothingQueued(UnixChannel end) throws IOException {
    selectable(end).configureBlocking(false);
    try {
      ReceivedMessage m = end.readWithDescriptors(ByteBuffer.allocate(64));
      if (m == null) {
        return true;
      }
      m.descriptors().forEach(Descriptor::close);
      return false;
    } finally {
      selectable(end).configureBlocking(true);
    }
  }

  @Override
  public void close() throws IOException {
    pair.close();
  }

  @Override
  public String toString() {
    return type.name();
  }
}
