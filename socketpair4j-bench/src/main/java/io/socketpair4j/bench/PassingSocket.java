package io.socketpair4j.bench;

/** The socket types the descriptor-passing benchmarks run on. */
public enum PassingSocket {
  /** {@code SOCK_STREAM}: socketpair4j's {@code UnixSocketPair}, junixsocket's stream pair. */
  STREAM,
  /** {@code SOCK_SEQPACKET}: the message pairs. */
  SEQPACKET
}
