package io.socketpair4j.internal.streams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The input stream of a {@link io.socketpair4j.SocketStreams}: reads through its {@link StreamIo}
 * with the read timeout current at each read. Reads are made one at a time (a lock of the stream's
 * own, never one that a write takes); {@link #available()} never waits.
 */
public final class ViewInputStream extends InputStream {
  private final StreamIo io;
  private final LongSupplier timeoutNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final byte[] single = new byte[1]; // guarded by lock

  public ViewInputStream(StreamIo io, LongSupplier timeoutNanos) {
    this.io = io;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public int read() throws IOException {
    lock.lock();
    try {
      int n = read(single, 0, 1);
      return n < 0 ? -1 : single[0] & 0xff;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      return io.read(ByteBuffer.wrap(b, off, len), timeoutNanos.getAsLong());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int available() throws IOException {
    return io.available();
  }

  /** Closes the channel, as closing a {@link java.net.Socket}'s input stream closes the socket. */
  @Override
  public void close() throws IOException {
    io.close();
  }
}
