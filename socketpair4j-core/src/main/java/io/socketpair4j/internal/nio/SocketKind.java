package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.LinuxConstants;

/** The socket types of a native end, and what differs between them for reads and writes. */
enum SocketKind {
  /** {@code SOCK_STREAM}: bytes; a receive of 0 is the end of the stream. */
  STREAM(LinuxConstants.SOCK_STREAM, "STREAM"),
  /**
   * {@code SOCK_SEQPACKET}: messages with an end of stream, which also reads as 0 bytes; each
   * message carries a timestamp ({@code SO_TIMESTAMP} is set on the socket) to tell them apart.
   */
  SEQPACKET(LinuxConstants.SOCK_SEQPACKET, "SEQPACKET"),
  /** {@code SOCK_DGRAM}: messages, no end of stream. */
  DATAGRAM(LinuxConstants.SOCK_DGRAM, "DATAGRAM");

  final int type;
  final String label;

  SocketKind(int type, String label) {
    this.type = type;
    this.label = label;
  }

  boolean messages() {
    return this != STREAM;
  }

  boolean endOfStreamByTimestamp() {
    return this == SEQPACKET;
  }

  /** The kind for a {@code SO_TYPE} value, or null when it is none of these. */
  static SocketKind of(int soType) {
    for (SocketKind k : values()) {
      if (k.type == soType) {
        return k;
      }
    }
    return null;
  }
}
