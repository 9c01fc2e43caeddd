package io.socketpair4j.internal.streams;

import io.socketpair4j.UnixSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The {@link StreamIo} of a native channel: its own blocking reads and writes, timed or not, which
 * take the channel's read lock or write lock only. The channel stays in blocking mode (the caller's
 * to keep), and close, shutdown and interrupt end a wait as they end the channel's own.
 */
public final class NativeStreamIo implements StreamIo {
  private final UnixSocketChannel channel;

  public NativeStreamIo(UnixSocketChannel channel) {
    this.channel = channel;
  }

  @Override
  public SocketChannel channel() {
    return channel;
  }

  @Override
  public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
    requireBlocking();
    int n =
        timeoutNanos == NO_TIMEOUT
            ? channel.read(dst)
            : channel.read(dst, timeoutNanos, TimeUnit.NANOSECONDS);
    if (n == 0) {
      throw new IllegalBlockingModeException(); // made non-blocking during the call
    }
    return n;
  }

  @Override
  public void write(ByteBuffer src, long timeoutNanos) throws IOException {
    requireBlocking();
    if (timeoutNanos == NO_TIMEOUT) {
      channel.write(src);
    } else {
      channel.write(src, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    if (src.hasRemaining()) {
      throw new IllegalBlockingModeException(); // made non-blocking during the call
    }
  }

  private void requireBlocking() {
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
  }

  @Override
  public int available() throws IOException {
    return channel.available();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
