package io.socketpair4j.example;

import io.socketpair4j.ReceivedMessage;
import io.socketpair4j.UnixDatagramChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;

/**
 * An end of a SEQPACKET or DATAGRAM pair: each send is one message, each receive takes one whole
 * message and reports its real length, so a name that does not fit is seen, not cut silently.
 */
record MessageEnd(UnixDatagramChannel channel) implements End {

  @Override
  public boolean keepsMessageBoundaries() {
    return true;
  }

  @Override
  public ReceivedMessage receive(ByteBuffer dst, boolean withDescriptors) throws IOException {
    return withDescriptors ? channel.readWithDescriptors(dst) : channel.readMessage(dst);
  }

  @Override
  public int send(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public int send(ByteBuffer src, Channel descriptor) throws IOException {
    return channel.writeWithDescriptors(src, descriptor);
  }
}
