package io.socketpair4j;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;

/**
 * An open file descriptor received from a peer, owned by the receiver: its number, what kind of
 * file it is, and {@link #close()}.
 *
 * <p>Every {@code Descriptor} is close-on-exec from the moment the kernel made it ({@code
 * MSG_CMSG_CLOEXEC}), so it never leaks into a program started meanwhile. Close each one when done;
 * one that becomes unreachable unclosed is closed by a {@link java.lang.ref.Cleaner} after a
 * garbage collection notices, which may be much later. Its {@linkplain #fd() number} is valid only
 * while it is open: after {@link #close()} the number may be reused by the operating system for
 * another file.
 *
 * <p>A descriptor of a UNIX-domain socket becomes one of socketpair4j's channels with {@link
 * #toSocketChannel()} (a stream socket) or {@link #toDatagramChannel()} (a sequenced-packet or
 * datagram socket); the channel then owns it. It can be passed on, to this process's peer or
 * another, with {@link UnixChannel#writeWithDescriptors(java.nio.ByteBuffer, Channel...)}. For any
 * other kind of file, use its number while this {@code Descriptor} is open, for example to reach
 * the same open file through {@code /proc/self/fd/}<i>n</i> (which opens it anew: for a pipe or a
 * socket that is the same pipe, for a regular file a new file position), or take it over with
 * {@link #detach()}.
 *
 * <p>This class is safe for use by multiple concurrent threads: a number is never closed while
 * another thread is passing it on.
 */
public abstract class Descriptor implements Channel {

  /** What kind of file a descriptor refers to, from {@code fstat(2)}. */
  public enum Kind {
    /** A socket ({@code S_IFSOCK}); see {@link Descriptor#socketType()}. */
    SOCKET,
    /** A pipe or FIFO ({@code S_IFIFO}). */
    PIPE,
    /** A regular file ({@code S_IFREG}). */
    REGULAR_FILE,
    /** A directory ({@code S_IFDIR}). */
    DIRECTORY,
    /** A character device ({@code S_IFCHR}), such as {@code /dev/null} or a terminal. */
    CHARACTER_DEVICE,
    /** A block device ({@code S_IFBLK}). */
    BLOCK_DEVICE,
    /** Anything else, such as an eventfd, an epoll instance or a pidfd (anonymous inodes). */
    OTHER
  }

  /** Initializes a new instance of this class. */
  protected Descriptor() {}

  /**
   * Returns the descriptor number. It is valid only while this {@code Descriptor} is open.
   *
   * @return the number
   * @throws ClosedChannelException if this descriptor has been closed, detached or turned into a
   *     channel
   */
  public abstract int fd() throws ClosedChannelException;

  /**
   * Returns the kind of file this descriptor refers to, as {@code fstat(2)} reported it when the
   * descriptor arrived.
   *
   * @return the kind
   */
  public abstract Kind kind();

  /**
   * For a socket, returns its type, as {@code SO_TYPE} reported it when the descriptor arrived:
   * {@code "STREAM"}, {@code "SEQPACKET"}, {@code "DATAGRAM"} or {@code "RAW"}; with its family
   * when it is not a UNIX-domain socket, for example {@code "INET STREAM"}.
   *
   * @return the socket's type, or {@code null} when this is not a socket
   */
  public abstract String socketType();

  /**
   * Turns this descriptor, a UNIX-domain stream socket, into a {@link UnixSocketChannel} that owns
   * it, in blocking mode. This {@code Descriptor} is then closed, without closing the socket.
   *
   * @return the channel
   * @throws IOException if this is not a UNIX-domain stream socket (the message says what it is)
   * @throws ClosedChannelException if this descriptor has been closed, detached or turned into a
   *     channel
   * @throws IllegalStateException if another thread is passing this descriptor on at this moment
   */
  public abstract UnixSocketChannel toSocketChannel() throws IOException;

  /**
   * Turns this descriptor, a UNIX-domain sequenced-packet or datagram socket, into a {@link
   * UnixDatagramChannel} that owns it, in blocking mode. This {@code Descriptor} is then closed,
   * without closing the socket.
   *
   * @return the channel
   * @throws IOException if this is not a UNIX-domain sequenced-packet or datagram socket (the
   *     message says what it is)
   * @throws ClosedChannelException if this descriptor has been closed, detached or turned into a
   *     channel
   * @throws IllegalStateException if another thread is passing this descriptor on at this moment
   */
  public abstract UnixDatagramChannel toDatagramChannel() throws IOException;

  /**
   * Gives up ownership: returns the number, which the caller must now close, and closes this {@code
   * Descriptor} without closing the file.
   *
   * @return the number, still open and close-on-exec
   * @throws ClosedChannelException if this descriptor has been closed, detached or turned into a
   *     channel
   * @throws IllegalStateException if another thread is passing this descriptor on at this moment
   */
  public abstract int detach() throws ClosedChannelException;

  /**
   * Tells whether this descriptor is still owned by this object.
   *
   * @return false once closed, detached or turned into a channel
   */
  @Override
  public abstract boolean isOpen();

  /**
   * Closes the descriptor. If another thread is passing it on at this moment, the number is closed
   * when that call ends. Closing a descriptor that is already closed has no effect.
   */
  @Override
  public abstract void close();
}
