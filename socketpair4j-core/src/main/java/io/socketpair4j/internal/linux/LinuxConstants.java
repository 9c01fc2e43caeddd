package io.socketpair4j.internal.linux;

/**
 * Numeric constants of the Linux kernel ABI used by socketpair4j. These values are the generic ones
 * shared by x86_64 and aarch64; anything that differs between architectures lives in {@link
 * LinuxAbi}.
 */
public final class LinuxConstants {
  private LinuxConstants() {}

  // <sys/socket.h>
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int AF_NETLINK = 16;
  public static final int AF_PACKET = 17;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_SEQPACKET = 5;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_TYPE = 3;
  public static final int SO_ERROR = 4;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_PEERCRED = 17;
  public static final int SO_ACCEPTCONN = 30;

  /** {@code SO_TIMESTAMP}, also the type of its control message, {@code SCM_TIMESTAMP}. */
  public static final int SO_TIMESTAMP = 29;

  public static final int SO_PROTOCOL = 38;
  public static final int SO_DOMAIN = 39;
  public static final int SCM_RIGHTS = 1;

  /** The most descriptors one SCM_RIGHTS message carries ({@code SCM_MAX_FD}). */
  public static final int SCM_MAX_FD = 253;

  public static final int SHUT_RD = 0;
  public static final int SHUT_WR = 1;
  public static final int SHUT_RDWR = 2;

  /**
   * {@code FIONREAD} ({@code SIOCINQ}): on a UNIX-domain stream socket, the bytes queued for
   * reading.
   */
  public static final long FIONREAD = 0x541B;

  public static final int MSG_PEEK = 0x2;
  public static final int MSG_CTRUNC = 0x8;
  public static final int MSG_TRUNC = 0x20;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;

  /** The most iovecs one sendmsg/recvmsg accepts (IOV_MAX). */
  public static final int IOV_MAX = 1024;

  // <fcntl.h>
  public static final int F_GETFD = 1;
  public static final int F_SETFD = 2;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int F_DUPFD_CLOEXEC = 1030;
  public static final int FD_CLOEXEC = 1;
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_CREAT = 0x40;
  public static final int O_TRUNC = 0x200;
  public static final int O_APPEND = 0x400;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_CLOEXEC = 0x80000;

  // <sys/stat.h>: the file type bits of st_mode
  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  // <poll.h>
  public static final short POLLIN = 0x1;
  public static final short POLLOUT = 0x4;
  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;
  public static final short POLLNVAL = 0x20;

  // <sys/epoll.h>
  public static final int EPOLLIN = 0x1;
  public static final int EPOLLOUT = 0x4;
  public static final int EPOLLERR = 0x8;
  public static final int EPOLLHUP = 0x10;
  public static final int EPOLLRDHUP = 0x2000;
  public static final int EPOLLONESHOT = 1 << 30;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLL_CTL_MOD = 3;
  public static final int EPOLL_CLOEXEC = O_CLOEXEC;

  // <spawn.h>
  public static final int POSIX_SPAWN_SETSIGDEF = 0x04;
  public static final int POSIX_SPAWN_SETSIGMASK = 0x08;

  // <signal.h>, <sys/wait.h>
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;
  public static final int SIGCHLD = 17;

  /** The value of {@code SIG_IGN} as a handler address. */
  public static final long SIG_IGN = 1;

  /** {@code sa_flags}: children do not become zombies; their exit status is discarded. */
  public static final int SA_NOCLDWAIT = 2;

  public static final int P_PID = 1;
  public static final int P_PIDFD = 3;
  public static final int WNOHANG = 1;
  public static final int WEXITED = 4;
  public static final int WNOWAIT = 0x01000000;

  /** {@code si_code} of a child's {@code SIGCHLD}: exited, killed, killed with a core dump. */
  public static final int CLD_EXITED = 1;

  public static final int CLD_KILLED = 2;
  public static final int CLD_DUMPED = 3;

  // <sys/eventfd.h>
  public static final int EFD_CLOEXEC = O_CLOEXEC;
  public static final int EFD_NONBLOCK = O_NONBLOCK;
}
