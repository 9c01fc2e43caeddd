package io.socketpair4j.example;

import io.socketpair4j.ReceivedMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectableChannel;

/**
 * One end of a pair as the sample uses it, whatever its socket type: a selectable channel that
 * receives a name and sends one, optionally with a descriptor. The sample's logic is written once
 * against this; {@link StreamEnd} and {@link MessageEnd} say how each type of socket does it.
 */
interface End {

  /** The channel itself: to set its blocking mode, register it with a selector, close it. */
  SelectableChannel channel();

  /**
   * Whether every receive takes exactly one whole message, as on SEQPACKET and DATAGRAM sockets; on
   * a stream a receive takes the bytes that are there, so a name may arrive in parts.
   */
  boolean keepsMessageBoundaries();

  /**
   * Receives into {@code dst}: one message, or on a stream the bytes available up to its space;
   * with {@code withDescriptors}, also the descriptors sent with them (native ends only), which the
   * caller then owns.
   *
   * @return what was received (its length says whether a message was cut to fit), {@link
   *     ReceivedMessage#END_OF_STREAM}, or {@code null} when nothing was there (in non-blocking
   *     mode)
   */
  ReceivedMessage receive(ByteBuffer dst, boolean withDescriptors) throws IOException;

  /**
   * Sends {@code src}: on a stream as many bytes as the channel takes (all of them in blocking
   * mode), on a message end one message, or nothing when the peer's queue is full in non-blocking
   * mode.
   *
   * @return the bytes sent
   */
  int send(ByteBuffer src) throws IOException;

  /**
   * Sends {@code src} as {@link #send(ByteBuffer)} does, passing {@code descriptor} along with it
   * ({@code SCM_RIGHTS}; native ends only). The caller keeps its own descriptor open and closes it.
   *
   * @return the bytes sent
   */
  int send(ByteBuffer src, Channel descriptor) throws IOException;
}
