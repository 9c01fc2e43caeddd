package io.socketpair4j.internal.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The output stream of a {@link io.socketpair4j.SocketStreams}: writes every byte through its
 * {@link StreamIo} with the write timeout current at each write, one write at a time (a lock of the
 * stream's own, never one that a read takes). Nothing is buffered: {@link #flush()} has nothing to
 * do.
 */
public final class ViewOutputStream extends OutputStream {
  private final StreamIo io;
  private final LongSupplier timeoutNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final byte[] single = new byte[1]; // guarded by lock

  public ViewOutputStream(StreamIo io, LongSupplier timeoutNanos) {
    this.io = io;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void write(int b) throws IOException {
    lock.lock();
    try {
      single[0] = (byte) b;
      write(single, 0, 1);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return;
    }
    lock.lock();
    try {
      io.write(ByteBuffer.wrap(b, off, len), timeoutNanos.getAsLong());
    } finally {
      lock.unlock();
    }
  }

  /** Closes the channel, as closing a {@link java.net.Socket}'s output stream closes the socket. */
  @Override
  public void close() throws IOException {
    io.close();
  }
}
