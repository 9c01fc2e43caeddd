package io.socketpair4j;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * One end of a connected pair of UNIX-domain message sockets made by {@link UnixDatagramPair}: a
 * {@link DatagramChannel} backed by a kernel {@code SOCK_SEQPACKET} or {@code SOCK_DGRAM} socket.
 *
 * <p>A {@code UnixDatagramChannel} is connected to its peer from the moment it is created until it
 * is closed, so {@link #read(ByteBuffer) read} and {@link #write(ByteBuffer) write} may be used, as
 * {@code DatagramChannel} documents for a connected channel: each write sends one message (the
 * buffer's remaining bytes, possibly none: unlike the JDK's UDP channels, which send nothing for an
 * empty buffer, an empty message is sent), and each read receives one whole message; if the message
 * is longer than the buffer's remaining space, the rest of it is discarded. A read into buffers
 * with no space remaining returns 0 and takes nothing, as {@code DatagramChannel.read} does; {@link
 * #receive(ByteBuffer)}, {@link #readMessage(ByteBuffer)} and {@link
 * #readWithDescriptors(ByteBuffer, int)} take a message even then. A gathering write sends all its
 * buffers as one message, and a scattering read fills its buffers from one message. To learn a
 * message's real length, and whether it was cut, use {@link #readMessage(ByteBuffer)}; to see the
 * next message without taking it, {@link #peekMessage(ByteBuffer)}.
 *
 * <p>On a {@link UnixDatagramPair.Type#SEQPACKET SEQPACKET} end, a read returns -1 at the end of
 * the stream (the peer closed or shut down its output, or this end its input), after every message
 * that was already queued; an empty message reads as 0 and is never mistaken for the end of the
 * stream. A {@link UnixDatagramPair.Type#DATAGRAM DATAGRAM} end has no end of stream.
 *
 * <p>In blocking mode a write waits while the peer's queue is full; in non-blocking mode it then
 * returns 0 and sends nothing. A message longer than the socket can ever hold ({@link
 * java.net.StandardSocketOptions#SO_SNDBUF SO_SNDBUF} less a small overhead) fails with an {@link
 * IOException} naming {@code EMSGSIZE}. A non-blocking read with no message queued returns 0 (as
 * {@code DatagramChannel} specifies); {@link #readMessage(ByteBuffer)} and {@link
 * #receive(ByteBuffer)} return {@code null} instead, so that an empty message can be told apart.
 *
 * <p>Everything else is as for {@link UnixSocketChannel}: blocking and non-blocking mode, at most
 * one read and one write in progress at a time, virtual threads that park while they wait, an
 * asynchronous close or an interrupt that ends a blocked operation, {@link #shutdownInput()} and
 * {@link #shutdownOutput()}, the options {@code SO_SNDBUF}, {@code SO_RCVBUF} and {@link
 * jdk.net.ExtendedSocketOptions#SO_PEERCRED SO_PEERCRED}, registration with a selector of {@link
 * UnixSelectorProvider}, descriptor passing and peer credentials ({@link UnixChannel}). Both ends
 * are unnamed: {@link #getLocalAddress()} and {@link #getRemoteAddress()} return a {@link
 * UnixDomainSocketAddress} with an empty path. Multicast is not supported.
 */
public abstract class UnixDatagramChannel extends DatagramChannel implements UnixChannel {

  /**
   * Initializes a new instance of this class.
   *
   * @param provider the provider that created this channel
   */
  protected UnixDatagramChannel(SelectorProvider provider) {
    super(provider);
  }

  /**
   * Takes ownership of an inherited descriptor that is one end of a UNIX-domain message socket
   * pair, sequenced-packet or datagram; {@link #type()} tells which.
   *
   * <p>The descriptor is checked first: it must be open and be a UNIX-domain {@code SOCK_SEQPACKET}
   * or {@code SOCK_DGRAM} socket, connected (a sequenced-packet socket) and not listening. Then
   * close-on-exec is set on it, so that it does not leak into programs this one starts, and the
   * returned channel owns it: closing the channel closes the descriptor. The descriptor's file
   * status flags are left as they are (the channel never relies on {@code O_NONBLOCK}, which the
   * file description shares with every other process holding it). If this method throws, the
   * descriptor is left open and remains the caller's.
   *
   * <p>This is how a program started by {@link UnixProcessBuilder} takes the end it was handed;
   * {@link InheritedDescriptors} finds the numbers by the {@code LISTEN_FDS} convention.
   *
   * @param fd the descriptor number, for example 3
   * @return a channel that owns the descriptor, in blocking mode
   * @throws IllegalArgumentException if {@code fd} is negative
   * @throws IOException if the descriptor is not open or is not such a socket; the message says
   *     what it is instead, for example {@code "cannot adopt descriptor 3: it is a STREAM socket,
   *     not a UNIX-domain sequenced-packet or datagram socket"}
   * @throws UnsupportedOperationException if native socket pairs are not supported here
   */
  public static UnixDatagramChannel adopt(int fd) throws IOException {
    return io.socketpair4j.internal.nio.Adoption.message(fd);
  }

  /**
   * Returns the type of this channel's socket.
   *
   * @return {@link UnixDatagramPair.Type#SEQPACKET} or {@link UnixDatagramPair.Type#DATAGRAM}
   */
  public abstract UnixDatagramPair.Type type();

  /**
   * Receives one message into the buffer and reports its real length: the same as {@link
   * #read(ByteBuffer)}, except that what it returns says how long the message was and whether it
   * was cut to fit ({@link ReceivedMessage#isTruncated()}).
   *
   * <p>Descriptors sent with the message are closed by the kernel; use {@link
   * #readWithDescriptors(ByteBuffer, int)} to receive them.
   *
   * @param dst the buffer into which the message is read
   * @return the message received; {@link ReceivedMessage#END_OF_STREAM} at the end of the stream
   *     (SEQPACKET only); {@code null} in non-blocking mode when no message was queued
   * @throws IllegalArgumentException if the buffer is read-only
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the read is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     read is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  public abstract ReceivedMessage readMessage(ByteBuffer dst) throws IOException;

  /**
   * Copies the next message into the buffer without taking it from the queue ({@code MSG_PEEK}),
   * and reports its real length: the next read receives the same message. With an empty buffer,
   * this learns the length of the next message before reading it. In blocking mode, waits for a
   * message.
   *
   * <p>The buffer's position advances by the bytes copied. What is returned has {@link
   * ReceivedMessage#length()} the whole message's length and no descriptors (descriptors sent with
   * the message stay queued with it).
   *
   * @param dst the buffer into which the message is copied
   * @return the message queued; {@link ReceivedMessage#END_OF_STREAM} at the end of the stream
   *     (SEQPACKET only); {@code null} in non-blocking mode when no message was queued
   * @throws IllegalArgumentException if the buffer is read-only
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the read is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     read is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  public abstract ReceivedMessage peekMessage(ByteBuffer dst) throws IOException;

  /**
   * Receives one message, as {@link #read(ByteBuffer)} does, and returns the address of its sender,
   * the peer: a {@link UnixDomainSocketAddress} with an empty path.
   *
   * @return the peer's address; {@code null} in non-blocking mode when no message was queued, and
   *     at the end of the stream (SEQPACKET only)
   */
  @Override
  public abstract SocketAddress receive(ByteBuffer dst) throws IOException;

  /**
   * Sends one message to the peer, as {@link #write(ByteBuffer)} does. The channel is connected, so
   * {@code target} must be its {@linkplain #getRemoteAddress() remote address}.
   *
   * @throws AlreadyConnectedException if {@code target} is not the peer's address
   * @throws java.nio.channels.UnsupportedAddressTypeException if {@code target} is not a {@link
   *     UnixDomainSocketAddress}
   */
  @Override
  public abstract int send(ByteBuffer src, SocketAddress target) throws IOException;

  /**
   * Throws, because a channel of a socket pair is already connected and therefore bound.
   *
   * @throws AlreadyBoundException always, when the channel is open
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract UnixDatagramChannel bind(SocketAddress local) throws IOException;

  /**
   * Throws, because a channel of a socket pair is connected from the start.
   *
   * @throws AlreadyConnectedException always, when the channel is open
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract UnixDatagramChannel connect(SocketAddress remote) throws IOException;

  /**
   * Throws, because the ends of a socket pair cannot be disconnected: they have no names to connect
   * to again.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public abstract UnixDatagramChannel disconnect() throws IOException;

  @Override
  public abstract <T> UnixDatagramChannel setOption(SocketOption<T> name, T value)
      throws IOException;

  /**
   * Shuts down the connection for reading without closing the channel. Later reads return the end
   * of the stream (-1) at once; on a SEQPACKET end, writes from the peer fail with {@code EPIPE}. A
   * thread blocked in a read is released and returns -1.
   *
   * @return this channel
   * @throws ClosedChannelException if this channel is closed
   * @throws IOException if an I/O error occurs
   */
  public abstract UnixDatagramChannel shutdownInput() throws IOException;

  /**
   * Shuts down the connection for writing without closing the channel. Later writes throw {@link
   * AsynchronousCloseException}, as with {@link java.nio.channels.SocketChannel#shutdownOutput()};
   * a SEQPACKET peer reads the end of the stream after the queued messages. A thread blocked in a
   * write is released.
   *
   * @return this channel
   * @throws ClosedChannelException if this channel is closed
   * @throws IOException if an I/O error occurs
   */
  public abstract UnixDatagramChannel shutdownOutput() throws IOException;

  /**
   * Returns the address of this end: a {@link UnixDomainSocketAddress} with an empty path, since
   * the ends of a socket pair are unnamed.
   *
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract SocketAddress getLocalAddress() throws IOException;

  /**
   * Returns the address of the peer: a {@link UnixDomainSocketAddress} with an empty path, since
   * the ends of a socket pair are unnamed; or {@code null} on a DATAGRAM end whose peer has been
   * closed, which the kernel no longer counts as connected.
   *
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract SocketAddress getRemoteAddress() throws IOException;
}
