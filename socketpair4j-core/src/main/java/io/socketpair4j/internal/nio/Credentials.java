package io.socketpair4j.internal.nio;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.socketpair4j.PeerCredentials;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import jdk.net.UnixDomainPrincipal;

/**
 * Peer credentials ({@code SO_PEERCRED}), and the same as the {@link UnixDomainPrincipal} that the
 * JDK's own UNIX-domain channels report: principals named as the JDK names them, by the user's and
 * group's names where the system has them and by their numbers otherwise, and equal to the JDK's.
 */
final class Credentials {
  private Credentials() {}

  /** The credentials of the peer of socket {@code fd}; the caller holds a use of it. */
  static PeerCredentials of(int fd) throws IOException {
    int[] ucred = new int[(int) (LinuxAbi.UCRED.byteSize() / Integer.BYTES)];
    int[] length = {(int) LinuxAbi.UCRED.byteSize()};
    int r =
        LibC.getsockopt(
            CallState.heap(),
            fd,
            LinuxConstants.SOL_SOCKET,
            LinuxConstants.SO_PEERCRED,
            MemorySegment.ofArray(ucred),
            MemorySegment.ofArray(length));
    if (r < 0) {
      throw Errno.exception(-r, "getsockopt(SO_PEERCRED)");
    }
    return new PeerCredentials(
        Integer.toUnsignedLong(ucred[(int) (LinuxAbi.UCRED_PID / Integer.BYTES)]),
        Integer.toUnsignedLong(ucred[(int) (LinuxAbi.UCRED_UID / Integer.BYTES)]),
        Integer.toUnsignedLong(ucred[(int) (LinuxAbi.UCRED_GID / Integer.BYTES)]));
  }

  /**
   * The credentials as the JDK reports them for {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}.
   */
  static UnixDomainPrincipal principal(PeerCredentials c) throws IOException {
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    UserPrincipal user = lookup.lookupPrincipalByName(name(false, (int) c.uid()));
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(name(true, (int) c.gid()));
    return new UnixDomainPrincipal(user, group);
  }

  /**
   * The name of a user or group from the system's databases ({@code getpwuid_r}, {@code
   * getgrgid_r}), or the number when it has none: the JDK's lookup service accepts a number and
   * makes a principal equal to the one it would make for the name.
   */
  private static String name(boolean group, int id) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment entry = arena.allocate(LinuxAbi.PASSWD_OR_GROUP_SIZE, 8);
      MemorySegment result = arena.allocate(ADDRESS);
      for (long size = 1024; size <= 1 << 20; size *= 4) {
        MemorySegment buf = arena.allocate(size);
        int r = LibC.getNameEntry(group, id, entry, buf, result);
        if (r == Errno.ERANGE) {
          continue;
        }
        if (r != 0 || result.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
          break;
        }
        MemorySegment name = entry.get(ADDRESS, LinuxAbi.PASSWD_OR_GROUP_NAME).reinterpret(4096);
        return name.getString(0);
      }
    }
    return Integer.toUnsignedString(id);
  }
}
