package io.socketpair4j.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Struct layouts of the Linux ABI on the 64-bit architectures socketpair4j supports. All of them
 * are the same on x86_64 and aarch64 except {@code struct epoll_event}, which is packed on x86_64
 * (12 bytes) and naturally aligned on aarch64 (16 bytes); {@link #EPOLL_EVENT} is chosen for the
 * running architecture.
 */
public final class LinuxAbi {
  private LinuxAbi() {}

  /** {@code struct iovec { void *iov_base; size_t iov_len; }}. */
  public static final StructLayout IOVEC =
      MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

  public static final long IOVEC_BASE = 0;
  public static final long IOVEC_LEN = 8;

  /** {@code struct msghdr} (LP64). */
  public static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
          ADDRESS.withName("msg_name"),
          JAVA_INT.withName("msg_namelen"),
          MemoryLayout.paddingLayout(4),
          ADDRESS.withName("msg_iov"),
          JAVA_LONG.withName("msg_iovlen"),
          ADDRESS.withName("msg_control"),
          JAVA_LONG.withName("msg_controllen"),
          JAVA_INT.withName("msg_flags"),
          MemoryLayout.paddingLayout(4));

  public static final long MSGHDR_IOV = 16;
  public static final long MSGHDR_IOVLEN = 24;
  public static final long MSGHDR_CONTROL = 32;
  public static final long MSGHDR_CONTROLLEN = 40;
  public static final long MSGHDR_FLAGS = 48;

  /**
   * {@code struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }}, followed by the
   * data at {@link #CMSG_DATA}; headers and data are aligned to {@link #CMSG_ALIGNMENT} bytes.
   */
  public static final long CMSG_LEN_OFFSET = 0;

  public static final long CMSG_LEVEL = 8;
  public static final long CMSG_TYPE = 12;
  public static final long CMSG_DATA = 16;
  public static final long CMSG_ALIGNMENT = 8;

  /** {@code CMSG_ALIGN(n)}. */
  public static long cmsgAlign(long n) {
    return (n + CMSG_ALIGNMENT - 1) & -CMSG_ALIGNMENT;
  }

  /** {@code CMSG_SPACE(n)}: the room one control message with {@code n} data bytes takes. */
  public static long cmsgSpace(long n) {
    return CMSG_DATA + cmsgAlign(n);
  }

  /** {@code CMSG_LEN(n)}: the {@code cmsg_len} of a control message with {@code n} data bytes. */
  public static long cmsgLen(long n) {
    return CMSG_DATA + n;
  }

  /** {@code struct ucred { pid_t pid; uid_t uid; gid_t gid; }}. */
  public static final StructLayout UCRED =
      MemoryLayout.structLayout(
          JAVA_INT.withName("pid"), JAVA_INT.withName("uid"), JAVA_INT.withName("gid"));

  public static final long UCRED_PID = 0;
  public static final long UCRED_UID = 4;
  public static final long UCRED_GID = 8;

  /** {@code struct timeval} (LP64), the data of an {@code SCM_TIMESTAMP} control message. */
  public static final long TIMEVAL_SIZE = 16;

  /**
   * The first field of {@code struct passwd} and of {@code struct group}: the name ({@code char
   * *}). The size is an upper bound for both (48 and 32 bytes on LP64).
   */
  public static final long PASSWD_OR_GROUP_NAME = 0;

  public static final long PASSWD_OR_GROUP_SIZE = 64;

  /** {@code struct pollfd { int fd; short events; short revents; }}. */
  public static final StructLayout POLLFD =
      MemoryLayout.structLayout(
          JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

  public static final long POLLFD_FD = 0;
  public static final long POLLFD_EVENTS = 4;
  public static final long POLLFD_REVENTS = 6;

  /** {@code struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }}. */
  public static final StructLayout SOCKADDR_UN =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sun_family"),
          MemoryLayout.sequenceLayout(108, ValueLayout.JAVA_BYTE).withName("sun_path"));

  /** Size of {@code sa_family_t}: an unnamed socket's address is just the family. */
  public static final int SA_FAMILY_SIZE = 2;

  /** True on x86_64, false on aarch64. */
  private static final boolean X86_64 = isX86_64(System.getProperty("os.arch"));

  /** True on x86_64, where {@code struct epoll_event} is packed. */
  public static final boolean EPOLL_EVENT_PACKED = X86_64;

  /** {@code struct epoll_event { uint32_t events; epoll_data_t data; }} for this architecture. */
  public static final StructLayout EPOLL_EVENT = epollEvent(EPOLL_EVENT_PACKED);

  /** The epoll_event layout: packed (x86_64, 12 bytes) or naturally aligned (16 bytes). */
  static StructLayout epollEvent(boolean packed) {
    return packed
        ? MemoryLayout.structLayout(
            JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"))
        : MemoryLayout.structLayout(
            JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("data"));
  }

  public static final long EPOLL_EVENT_SIZE = EPOLL_EVENT.byteSize();
  public static final long EPOLL_EVENT_EVENTS = 0;
  public static final long EPOLL_EVENT_DATA = EPOLL_EVENT_PACKED ? 4 : 8;

  /** {@code SYS_sendmsg} of {@code <asm/unistd.h>} for this architecture. */
  public static final long SYS_SENDMSG = X86_64 ? 46 : 211;

  /** {@code SYS_recvmsg} of {@code <asm/unistd.h>} for this architecture. */
  public static final long SYS_RECVMSG = X86_64 ? 47 : 212;

  /** {@code SYS_fstat} of {@code <asm/unistd.h>} for this architecture. */
  public static final long SYS_FSTAT = X86_64 ? 5 : 80;

  /** The size of {@code struct stat} for this architecture (the kernel's, for SYS_fstat). */
  public static final long STAT_SIZE = X86_64 ? 144 : 128;

  /** Where {@code st_mode} (32 bits) is in {@code struct stat} on this architecture. */
  public static final long STAT_MODE = X86_64 ? 24 : 16;

  static boolean isX86_64(String arch) {
    return "amd64".equals(arch) || "x86_64".equals(arch);
  }

  static boolean isAarch64(String arch) {
    return "aarch64".equals(arch) || "arm64".equals(arch);
  }

  // process creation and exit (generic system call numbers: the same on every architecture)

  /** {@code pidfd_open(2)}, Linux 5.3. */
  public static final long SYS_PIDFD_OPEN = 434;

  /** {@code pidfd_send_signal(2)}, Linux 5.1. */
  public static final long SYS_PIDFD_SEND_SIGNAL = 424;

  /** {@code siginfo_t}, as {@code waitid} fills it: size, and the fields read for a child. */
  public static final long SIGINFO_SIZE = 128;

  public static final long SIGINFO_CODE = 8;
  public static final long SIGINFO_PID = 16;
  public static final long SIGINFO_STATUS = 24;

  /**
   * Room for glibc's {@code posix_spawn_file_actions_t} (80 bytes) and {@code posix_spawnattr_t}
   * (336 bytes) on both architectures, with margin: they are initialised by the C library.
   */
  public static final long SPAWN_FILE_ACTIONS_ROOM = 256;

  public static final long SPAWNATTR_ROOM = 512;

  /** glibc's {@code sigset_t} (1024 bits). */
  public static final long SIGSET_SIZE = 128;

  /**
   * Room for glibc's {@code struct sigaction} (152 bytes), whose first field is the handler on both
   * architectures.
   */
  public static final long SIGACTION_ROOM = 256;

  public static final long SIGACTION_HANDLER = 0;
  public static final long SIGACTION_FLAGS = 136;
}
