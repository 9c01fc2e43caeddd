package io.socketpair4j;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * What every native end made by socketpair4j can do beyond its {@code java.nio} channel type: the
 * {@linkplain #fd() descriptor number}, the {@linkplain #peerCredentials() peer's credentials}, and
 * passing open descriptors to the peer with the data ({@code SCM_RIGHTS}).
 *
 * <p>Implemented by {@link UnixSocketChannel} (stream pairs) and {@link UnixDatagramChannel}
 * (sequenced-packet and datagram pairs). The descriptor-passing methods follow the channel's own
 * rules for blocking mode, concurrent use, interrupt and asynchronous close: at most one read (of
 * any form) and one write (of any form) are in progress at a time, and a thread blocked in one of
 * them is released by {@link Channel#close() close} or an interrupt exactly as from a plain read or
 * write.
 *
 * <h2>Ownership of passed descriptors</h2>
 *
 * <p>Sending <em>copies</em> descriptors: the kernel gives the receiver new descriptors for the
 * same open files, as {@code dup(2)} would, and the sender's own stay open and stay the sender's to
 * close. A received descriptor belongs to the receiver: it arrives as a {@link Descriptor}, already
 * close-on-exec, which the receiver must close (or turn into a channel, which then owns it). No
 * received descriptor is ever left without an owner: when they cannot all be delivered, every one
 * that did arrive is closed and {@link DescriptorsTruncatedException} says so.
 *
 * <p>A plain read of data that was sent with descriptors reads the data, and the kernel closes the
 * descriptors that came with it: they are never installed in this process.
 */
public interface UnixChannel extends Channel {

  /** The most descriptors one message can carry ({@code SCM_MAX_FD} of the Linux kernel): 253. */
  int MAX_DESCRIPTORS = 253;

  /**
   * Returns the number of the file descriptor of this channel's socket.
   *
   * <p>The number stays the same for the life of the channel. After the channel is closed the
   * number may be reused by the operating system for a new file, so it must not be used any more.
   * The descriptor is close-on-exec. Its own {@code O_NONBLOCK} flag stays clear whatever the
   * channel's blocking mode: socketpair4j's non-blocking operations use {@code MSG_DONTWAIT}, and a
   * platform thread's blocking stream read or write waits inside the system call.
   *
   * @return the file descriptor number, a non-negative int
   */
  int fd();

  /**
   * Returns the credentials of the process at the other end ({@code SO_PEERCRED}).
   *
   * <p>For a socket pair these are the credentials of the process that made the pair, also when the
   * other end has since been passed to another process; see {@link PeerCredentials}. The same are
   * available as a {@link jdk.net.UnixDomainPrincipal} through {@code
   * getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED)}, as with the JDK's own {@linkplain
   * StandardProtocolFamily#UNIX UNIX-domain} channels.
   *
   * @return the peer's process, user and group ids
   * @throws ClosedChannelException if this channel is closed
   * @throws IOException if the kernel refuses; the message names the errno
   */
  PeerCredentials peerCredentials() throws IOException;

  /**
   * Writes bytes from the buffer together with open descriptors, which the peer receives with the
   * first of these bytes ({@code sendmsg(2)} with {@code SCM_RIGHTS}).
   *
   * <p>Each descriptor may be one of socketpair4j's native channels ({@link UnixSocketChannel},
   * {@link UnixDatagramChannel}) or a received {@link Descriptor}; to pass any other open file, use
   * {@link #writeWithDescriptors(ByteBuffer, int...)} with its number. Each is held open for the
   * duration of the call, so closing one concurrently cannot make another file go in its place; one
   * that is already closed makes the call fail with an {@code IOException} naming {@code EBADF},
   * and nothing is written.
   *
   * <p>Otherwise this method behaves as the channel's {@code write(ByteBuffer)}: on a stream socket
   * a blocking write writes every byte (the descriptors go with the first part), and a non-blocking
   * write may write fewer, or none, in which case the descriptors were not sent either; on a
   * message socket the buffer's remaining bytes are one message, which may be empty. A stream
   * socket carries descriptors only with at least one byte of data.
   *
   * @param src the bytes to write
   * @param descriptors the descriptors to pass, at most {@link #MAX_DESCRIPTORS}; none means a
   *     plain write
   * @return the number of bytes written, possibly zero
   * @throws IllegalArgumentException if there are more than {@link #MAX_DESCRIPTORS} descriptors,
   *     if one is not a socketpair4j channel or {@code Descriptor}, or if this is a stream socket
   *     and {@code src} has no bytes remaining while descriptors are given
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the write is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     write is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  int writeWithDescriptors(ByteBuffer src, Channel... descriptors) throws IOException;

  /**
   * Reads bytes into the buffer as the channel's blocking {@code read(ByteBuffer)} does, waiting at
   * most the given time for them to come.
   *
   * <p>The channel must be in blocking mode. The read waits until at least one byte (on a message
   * socket: one message) can be read, the end of the stream is reached, or the time runs out; then
   * it reads what there is, as a blocking read would. When the time runs out first it throws {@link
   * SocketTimeoutException} and reads nothing: the buffer is unchanged and the channel stays open
   * and usable, as {@link java.net.Socket}'s streams are after a read timeout. A timeout of zero
   * reads only what is there already, and throws when nothing is.
   *
   * <p>Closing the channel, shutting down its input, and interrupting the thread end the wait at
   * once, with the exceptions of {@code read(ByteBuffer)} ({@code -1} for a shut-down input).
   *
   * @param dst the buffer into which bytes are read
   * @param timeout how long to wait, in units of {@code unit}; zero or more
   * @param unit the unit of {@code timeout}
   * @return the number of bytes read, possibly zero (a buffer with no space remaining, or an empty
   *     message), or {@code -1} at the end of the stream
   * @throws IllegalArgumentException if {@code timeout} is negative or the buffer is read-only
   * @throws java.nio.channels.IllegalBlockingModeException if the channel is in non-blocking mode
   * @throws SocketTimeoutException if the time ran out before anything could be read
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the read is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     read is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException;

  /**
   * Writes bytes from the buffer as the channel's blocking {@code write(ByteBuffer)} does, waiting
   * at most the given time in all for the peer to make room.
   *
   * <p>The channel must be in blocking mode. On a stream socket the write goes on until every byte
   * remaining in the buffer is written or the time runs out; on a message socket the buffer's
   * remaining bytes are one message, written whole or not at all. When the time runs out first it
   * throws {@link SocketTimeoutException}, whose {@link
   * java.io.InterruptedIOException#bytesTransferred bytesTransferred} tells how many bytes were
   * written before that: the buffer's position has advanced by exactly as many, and nothing written
   * is lost. The channel stays open and usable. A timeout of zero writes only what fits now.
   *
   * @param src the bytes to write
   * @param timeout how long to wait in all, in units of {@code unit}; zero or more
   * @param unit the unit of {@code timeout}
   * @return the number of bytes written: every byte remaining in the buffer
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws java.nio.channels.IllegalBlockingModeException if the channel is in non-blocking mode
   * @throws SocketTimeoutException if the time ran out before every byte was written
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel, or shuts down its
   *     output, while the write is in progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     write is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  int write(ByteBuffer src, long timeout, TimeUnit unit) throws IOException;

  /**
   * Writes bytes from the buffer together with the open descriptors of the given numbers; as {@link
   * #writeWithDescriptors(ByteBuffer, Channel...)}, for descriptors that socketpair4j does not own.
   * The caller must keep each number open, and referring to the file it means, until this method
   * returns. A number that is not open makes the call fail with an {@code IOException} naming
   * {@code EBADF}, and nothing is written.
   *
   * @param src the bytes to write
   * @param fds the descriptor numbers, at most {@link #MAX_DESCRIPTORS}
   * @return the number of bytes written, possibly zero
   * @throws IllegalArgumentException if there are more than {@link #MAX_DESCRIPTORS} numbers or one
   *     is negative, or if this is a stream socket and {@code src} has no bytes remaining while
   *     numbers are given
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the write is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     write is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  int writeWithDescriptors(ByteBuffer src, int... fds) throws IOException;

  /**
   * Reads bytes into the buffer, accepting up to {@link #MAX_DESCRIPTORS} descriptors sent with
   * them; the same as {@code readWithDescriptors(dst, MAX_DESCRIPTORS)}.
   *
   * @param dst the buffer into which bytes are read
   * @return what was received, {@code null} in non-blocking mode when nothing was there
   * @throws DescriptorsTruncatedException if not every descriptor sent with the data could be
   *     received; see {@link #readWithDescriptors(ByteBuffer, int)}
   * @throws IOException as {@link #readWithDescriptors(ByteBuffer, int)}
   */
  ReceivedMessage readWithDescriptors(ByteBuffer dst) throws IOException;

  /**
   * Reads bytes into the buffer, accepting up to {@code maxDescriptors} descriptors sent with them
   * ({@code recvmsg(2)} with {@code SCM_RIGHTS} and {@code MSG_CMSG_CLOEXEC}).
   *
   * <p>Reads as the channel's {@code read(ByteBuffer)} does: on a stream socket, the bytes
   * available, up to the buffer's remaining space, stopping where data sent with other descriptors
   * begins; on a message socket, one whole message (see {@link ReceivedMessage#isTruncated()}).
   * Each received descriptor is close-on-exec from the moment it is made, and is returned as a
   * {@link Descriptor} that the caller owns.
   *
   * <p>When the descriptors sent with the data do not all fit (more than {@code maxDescriptors}
   * were sent, or this process is at its limit of open files), the kernel delivers those that fit
   * and reports the truncation ({@code MSG_CTRUNC}); this method then closes every descriptor that
   * did arrive and throws {@link DescriptorsTruncatedException}. The data is not lost: it is in the
   * buffer, whose position has advanced past it, and the exception tells how many bytes that is.
   * The channel remains usable.
   *
   * @param dst the buffer into which bytes are read
   * @param maxDescriptors how many descriptors to accept, 0 to {@link #MAX_DESCRIPTORS}
   * @return what was received: the bytes read, the message's length, the descriptors; or end of
   *     stream; {@code null} in non-blocking mode when nothing was there
   * @throws IllegalArgumentException if the buffer is read-only or {@code maxDescriptors} is out of
   *     range
   * @throws DescriptorsTruncatedException if not every descriptor sent with the data could be
   *     received; those that arrived have been closed, the data has been read
   * @throws ClosedChannelException if this channel is closed
   * @throws AsynchronousCloseException if another thread closes this channel while the read is in
   *     progress
   * @throws ClosedByInterruptException if another thread interrupts the current thread while the
   *     read is in progress, closing this channel
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  ReceivedMessage readWithDescriptors(ByteBuffer dst, int maxDescriptors) throws IOException;
}
