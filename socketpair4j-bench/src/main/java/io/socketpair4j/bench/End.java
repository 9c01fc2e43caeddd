package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One end of a duplex connection: a socket channel (both sides the same channel), or a pipe's
 * source and another pipe's sink.
 */
final class End implements ByteChannel {
  private final SelectableChannel readSide;
  private final SelectableChannel writeSide;

  End(SelectableChannel readSide, SelectableChannel writeSide) {
    this.readSide = readSide;
    this.writeSide = writeSide;
  }

  /** An end that is one socket channel. */
  static End of(SelectableChannel socket) {
    return new End(socket, socket);
  }

  SelectableChannel readSide() {
    return readSide;
  }

  SelectableChannel writeSide() {
    return writeSide;
  }

  void configureBlocking(boolean block) throws IOException {
    readSide.configureBlocking(block);
    writeSide.configureBlocking(block);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return ((ReadableByteChannel) readSide).read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return ((WritableByteChannel) writeSide).write(src);
  }

  /** Reads until {@code buf} is full; fails at end of stream. */
  void readFully(ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (read(buf) < 0) {
        throw new IOException("end of stream");
      }
    }
  }

  /** Writes all of {@code buf}, whatever the blocking mode. */
  void writeFully(ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      write(buf);
    }
  }

  @Override
  public boolean isOpen() {
    return readSide.isOpen() && writeSide.isOpen();
  }

  @Override
  public void close() throws IOException {
    try (readSide) {
      writeSide.close();
    }
  }
}
