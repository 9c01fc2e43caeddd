package io.socketpair4j.example;

import io.socketpair4j.UnixDatagramPair;
import java.util.Locale;

/** The type of socket of every pair in a run: the {@code --type} option. */
enum SocketType {
  /** {@code SOCK_STREAM}: a byte stream; a name may arrive in more than one read. */
  STREAM,
  /** {@code SOCK_SEQPACKET}: one message per write, over a connection. */
  SEQPACKET,
  /** {@code SOCK_DGRAM}: one message per write, no connection state. */
  DATAGRAM;

  /** The option value that names this type: stream, seqpacket or datagram. */
  String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type of message pair to open; only for {@link #SEQPACKET} and {@link #DATAGRAM}. */
  UnixDatagramPair.Type messageType() {
    return switch (this) {
      case SEQPACKET -> UnixDatagramPair.Type.SEQPACKET;
      case DATAGRAM -> UnixDatagramPair.Type.DATAGRAM;
      case STREAM -> throw new IllegalStateException("a stream pair is not a message pair");
    };
  }

  /**
   * The type for an option value: {@code stream}, {@code seqpacket} or {@code datagram}.
   *
   * @throws IllegalArgumentException for any other value
   */
  static SocketType of(String option) {
    for (SocketType type : values()) {
      if (type.optionValue().equals(option)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "expected stream, seqpacket or datagram but was '" + option + "'");
  }
}
