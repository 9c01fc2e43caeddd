package io.socketpair4j.internal.nio;

import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.Platform;
import java.io.IOException;

/**
 * Taking ownership of a descriptor number this process inherited (from the process that started
 * it): checks that it is what the caller says it is, a connected UNIX-domain socket of the right
 * type, sets close-on-exec, and wraps it in a channel. Until the channel exists the number stays
 * the caller's: every failure leaves it open and unchanged, except that close-on-exec may be set.
 */
public final class Adoption {
  private Adoption() {}

  /** {@code UnixSocketChannel.adopt}. */
  public static NativeSocketChannel stream(int fd) throws IOException {
    check(fd, true);
    return new NativeSocketChannel(UnixSelectorProvider.provider(), fd);
  }

  /** {@code UnixDatagramChannel.adopt}. */
  public static NativeDatagramChannel message(int fd) throws IOException {
    SocketKind kind = check(fd, false);
    return new NativeDatagramChannel(UnixSelectorProvider.provider(), fd, kind);
  }

  private static SocketKind check(int fd, boolean stream) throws IOException {
    Platform.ensureSupported();
    if (fd < 0) {
      throw new IllegalArgumentException("descriptor number is negative: " + fd);
    }
    String wanted =
        stream
            ? "a UNIX-domain stream socket"
            : "a UNIX-domain sequenced-packet or datagram socket";
    CallState cs = CallState.heap();
    int flags = LibC.fcntl(cs, fd, LinuxConstants.F_GETFD, 0);
    if (flags < 0) {
      throw new IOException(
          "cannot adopt descriptor " + fd + ": it is not open (" + Errno.name(-flags) + ")");
    }
    NativeDescriptor.Description what = NativeDescriptor.describe(fd);
    SocketKind kind = what.unixKind();
    boolean right = stream ? kind == SocketKind.STREAM : kind != null && kind.messages();
    if (!right) {
      throw new IOException(
          "cannot adopt descriptor " + fd + ": it is " + what.phrase() + ", not " + wanted);
    }
    if (kind != SocketKind.DATAGRAM) {
      if (SocketOptions.getInt(fd, LinuxConstants.SO_ACCEPTCONN) != 0) {
        throw new IOException(
            "cannot adopt descriptor " + fd + ": it is a listening socket, not a connected one");
      }
      if (SocketAddresses.of(fd, false) == null) {
        throw new IOException("cannot adopt descriptor " + fd + ": the socket is not connected");
      }
    }
    if ((flags & LinuxConstants.FD_CLOEXEC) == 0) {
      int r = LibC.fcntl(cs, fd, LinuxConstants.F_SETFD, flags | LinuxConstants.FD_CLOEXEC);
      if (r < 0) {
        throw Errno.exception(-r, "fcntl(F_SETFD, FD_CLOEXEC)");
      }
    }
    return kind;
  }
}
