package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.channels.DatagramChannel;

/**
 * Two connected message sockets: each {@code write} is one message, each {@code read} takes one
 * whole message. Closing it closes both.
 */
record MessagePair(DatagramChannel a, DatagramChannel b) implements java.io.Closeable {
  @Override
  public void close() throws IOException {
    try (DatagramChannel first = a) {
      b.close();
    }
  }
}
