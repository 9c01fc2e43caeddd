package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;

/** The names of UNIX-domain sockets, from getsockname and getpeername. */
final class SocketAddresses {
  private SocketAddresses() {}

  /** An unnamed socket's address, as the JDK reports it: an empty path. */
  static final UnixDomainSocketAddress UNNAMED = UnixDomainSocketAddress.of("");

  /**
   * The address of socket {@code fd} ({@code local}) or of its peer; null for the peer when the
   * kernel says there is none ({@code ENOTCONN}: a DGRAM socket whose peer closed).
   */
  static UnixDomainSocketAddress of(int fd, boolean local) throws IOException {
    byte[] address = new byte[(int) LinuxAbi.SOCKADDR_UN.byteSize()];
    int[] length = {address.length};
    MemorySegment addr = MemorySegment.ofArray(address);
    MemorySegment len = MemorySegment.ofArray(length);
    CallState cs = CallState.heap();
    int r = local ? LibC.getsockname(cs, fd, addr, len) : LibC.getpeername(cs, fd, addr, len);
    if (r < 0) {
      if (!local && -r == Errno.ENOTCONN) {
        return null;
      }
      throw Errno.exception(-r, local ? "getsockname" : "getpeername");
    }
    return decode(address, Math.min(length[0], address.length));
  }

  /**
   * Decodes a {@code sockaddr_un} of the given length: unnamed when it holds only the family, a
   * path otherwise. A name in the Linux abstract namespace (leading NUL) is shown with a leading
   * {@code '@'}, since a path cannot hold a NUL.
   */
  static UnixDomainSocketAddress decode(byte[] address, int length) {
    int start = LinuxAbi.SA_FAMILY_SIZE;
    if (length <= start) {
      return UNNAMED;
    }
    if (address[start] == 0) {
      String name = new String(address, start + 1, length - start - 1, StandardCharsets.UTF_8);
      return UnixDomainSocketAddress.of("@" + name);
    }
    int end = start;
    while (end < length && address[end] != 0) {
      end++;
    }
    return UnixDomainSocketAddress.of(
        new String(address, start, end - start, StandardCharsets.UTF_8));
  }
}
