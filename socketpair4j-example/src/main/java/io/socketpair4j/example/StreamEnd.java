package io.socketpair4j.example;

import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * An end of a stream pair: a native {@link io.socketpair4j.UnixSocketChannel} or a JDK {@link
 * SocketChannel}. Only native ends pass descriptors.
 */
record StreamEnd(SocketChannel channel) implements End {

  @Override
  public boolean keepsMessageBoundaries() {
    return false;
  }

  @Override
  public ReceivedMessage receive(ByteBuffer dst, boolean withDescriptors) throws IOException {
    if (withDescriptors) {
      return unix().readWithDescriptors(dst);
    }
    int n = channel.read(dst);
    if (n < 0) {
      return ReceivedMessage.END_OF_STREAM;
    }
    return n == 0 ? null : new ReceivedMessage(n, n, List.of());
  }

  @Override
  public int send(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public int send(ByteBuffer src, Channel descriptor) throws IOException {
    return unix().writeWithDescriptors(src, descriptor);
  }

  private UnixChannel unix() {
    if (channel instanceof UnixChannel unix) {
      return unix;
    }
    throw new UnsupportedOperationException("the JDK's channels cannot pass descriptors");
  }
}
