package io.socketpair4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * One end of a connected pair of UNIX-domain sockets made by {@link UnixSocketPair}: a {@link
 * SocketChannel} backed by a kernel socket.
 *
 * <p>A {@code UnixSocketChannel} is connected from the moment it is created until it is closed;
 * {@link #isConnected()} is {@code true} and {@link #isConnectionPending()} is {@code false}. It
 * behaves as the JDK documents for {@code SocketChannel}: it may be in blocking or non-blocking
 * mode, reads and writes may be scattering and gathering, at most one read and one write are in
 * progress at a time, and it is an {@link java.nio.channels.InterruptibleChannel}: a thread blocked
 * in an I/O operation when another thread closes the channel receives an {@link
 * java.nio.channels.AsynchronousCloseException}, and interrupting a thread blocked in an I/O
 * operation closes the channel and causes the blocked thread to receive a {@link
 * java.nio.channels.ClosedByInterruptException}.
 *
 * <p>A virtual thread blocked in a read or write parks; it does not hold its carrier thread while
 * it waits.
 *
 * <p>Its {@link #provider() provider} is {@link UnixSelectorProvider#provider()}; it can be
 * registered with a {@link java.nio.channels.Selector} opened by that provider, and with no other.
 *
 * <p>Both ends of a pair are unnamed: {@link #getLocalAddress()} and {@link #getRemoteAddress()}
 * return a {@link UnixDomainSocketAddress} whose path is empty, as the JDK does for an unnamed
 * UNIX-domain socket.
 *
 * <p>The supported socket options are {@link java.net.StandardSocketOptions#SO_SNDBUF SO_SNDBUF}
 * and {@link java.net.StandardSocketOptions#SO_RCVBUF SO_RCVBUF}. As with the JDK's own channels on
 * Linux, the value read is the value that was set (the kernel stores double the size asked for, to
 * account for its own bookkeeping). On Linux {@code SO_RCVBUF} has no effect on a UNIX-domain
 * stream socket; the send buffer of the writing end bounds what one direction holds.
 *
 * <p>Beyond {@code SocketChannel}, it can pass open descriptors to its peer with the data and
 * report the peer's credentials: see {@link UnixChannel}. The option {@link
 * jdk.net.ExtendedSocketOptions#SO_PEERCRED SO_PEERCRED} is supported too.
 *
 * <p>Writing to a channel whose peer has been closed throws an {@link IOException} whose message
 * names {@code EPIPE}; it never raises {@code SIGPIPE}. Every error reported by the operating
 * system is an {@code IOException} whose message names the errno, e.g. {@code "Broken pipe
 * (EPIPE)"}.
 */
public abstract class UnixSocketChannel extends SocketChannel implements UnixChannel {

  /**
   * Initializes a new instance of this class.
   *
   * @param provider the provider that created this channel
   */
  protected UnixSocketChannel(SelectorProvider provider) {
    super(provider);
  }

  /**
   * Takes ownership of an inherited descriptor that is one end of a connected UNIX-domain stream
   * socket, typically a socket pair end handed to this process by the one that started it.
   *
   * <p>The descriptor is checked first: it must be open and be a UNIX-domain stream socket,
   * connected and not listening. Then close-on-exec is set on it, so that it does not leak into
   * programs this one starts, and the returned channel owns it: closing the channel closes the
   * descriptor. The descriptor's file status flags are left as they are (the channel never relies
   * on {@code O_NONBLOCK}, which the file description shares with every other process holding it).
   * If this method throws, the descriptor is left open and remains the caller's.
   *
   * <p>This is how a program started by {@link UnixProcessBuilder} takes the end it was handed;
   * {@link InheritedDescriptors} finds the numbers by the {@code LISTEN_FDS} convention.
   *
   * @param fd the descriptor number, for example 3
   * @return a channel that owns the descriptor, in blocking mode
   * @throws IllegalArgumentException if {@code fd} is negative
   * @throws IOException if the descriptor is not open or is not such a socket; the message says
   *     what it is instead, for example {@code "cannot adopt descriptor 3: it is a pipe, not a
   *     socket, not a UNIX-domain stream socket"}
   * @throws UnsupportedOperationException if native socket pairs are not supported here
   */
  public static UnixSocketChannel adopt(int fd) throws IOException {
    return io.socketpair4j.internal.nio.Adoption.stream(fd);
  }

  @Override
  public abstract int fd();

  /**
   * Returns the number of bytes that can be read from this channel now without blocking: the bytes
   * the peer has written that are waiting to be read ({@code ioctl(FIONREAD)}).
   *
   * <p>A read may take more than this, when more arrives meanwhile. After {@link #shutdownInput()}
   * it is zero. It is zero too at the end of the stream, which only a read can tell from "nothing
   * yet".
   *
   * @return the number of bytes waiting to be read, zero or more
   * @throws ClosedChannelException if the channel is closed
   * @throws IOException if an I/O error occurs; the message names the errno
   */
  public abstract int available() throws IOException;

  /**
   * Returns an input stream that reads from this channel, in which a blocked read never holds up a
   * write through {@link #outputStream()} or the channel.
   *
   * <p>The same as {@code SocketStreams.of(this).inputStream()}: a stream without a read timeout;
   * use {@link SocketStreams} for one. Unlike {@link java.nio.channels.Channels#newInputStream
   * Channels.newInputStream}, whose streams of one channel wait for each other (JDK-4774871), the
   * stream reads through the channel's own read lock only. The channel must be in blocking mode
   * whenever the stream is read. Closing the stream closes the channel.
   *
   * @return a new input stream of this channel
   */
  public InputStream inputStream() {
    return SocketStreams.ofNative(this).inputStream();
  }

  /**
   * Returns an output stream that writes to this channel, which a blocked read never holds up.
   *
   * <p>The same as {@code SocketStreams.of(this).outputStream()}: a stream without a write timeout;
   * use {@link SocketStreams} for one. The channel must be in blocking mode whenever the stream is
   * written. Closing the stream closes the channel; to end only this direction, use {@link
   * #shutdownOutput()}.
   *
   * @return a new output stream of this channel
   */
  public OutputStream outputStream() {
    return SocketStreams.ofNative(this).outputStream();
  }

  /**
   * Throws, because a channel of a socket pair is already connected and therefore bound.
   *
   * @throws AlreadyBoundException always, when the channel is open
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract UnixSocketChannel bind(SocketAddress local) throws IOException;

  /**
   * Throws, because a channel of a socket pair is connected from the start.
   *
   * @throws AlreadyConnectedException always, when the channel is open
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract boolean connect(SocketAddress remote) throws IOException;

  @Override
  public abstract <T> UnixSocketChannel setOption(SocketOption<T> name, T value) throws IOException;

  @Override
  public abstract UnixSocketChannel shutdownInput() throws IOException;

  @Override
  public abstract UnixSocketChannel shutdownOutput() throws IOException;

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
   * the ends of a socket pair are unnamed.
   *
   * @throws ClosedChannelException if the channel is closed
   */
  @Override
  public abstract SocketAddress getRemoteAddress() throws IOException;
}
