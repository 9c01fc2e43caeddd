package io.socketpair4j.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The typed binding to the C library: one static method per libc function socketpair4j calls.
 *
 * <p>Every method takes a {@link CallState} first, into which the call's {@code errno} is captured,
 * and returns the function's result when it succeeds or {@code -errno} when it fails, so that the
 * hot paths never allocate an exception for {@code EAGAIN}. Functions that never block are bound as
 * <em>critical</em> with heap access, so heap arrays and heap buffers are passed to the kernel
 * without a copy; {@link #poll} and {@link #epoll_wait}, which may block, are not, and need a
 * native {@link CallState}.
 */
public final class LibC {
  private LibC() {}

  static final Linker LINKER = Linker.nativeLinker();
  static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  static final Linker.Option CRITICAL = Linker.Option.critical(true);

  private static final class Socketpair {
    static final MethodHandle HANDLE =
        critical(
            "socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  }

  private static final class Close {
    static final MethodHandle HANDLE = critical("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  private static final class Shutdown {
    static final MethodHandle HANDLE =
        critical("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Recv {
    static final MethodHandle HANDLE =
        critical("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static final class Send {
    static final MethodHandle HANDLE =
        critical("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  // recv and send that may block in the kernel (a platform thread's blocking read or write): not
  // critical, so the thread leaves Java state and never holds up a safepoint; native memory only
  private static final class RecvWaiting {
    static final MethodHandle HANDLE =
        blocking("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static final class SendWaiting {
    static final MethodHandle HANDLE =
        blocking("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static final class Recvmsg {
    static final MethodHandle HANDLE =
        critical("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Sendmsg {
    static final MethodHandle HANDLE =
        critical("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Read {
    static final MethodHandle HANDLE =
        critical("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Write {
    static final MethodHandle HANDLE =
        critical("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Getsockopt {
    static final MethodHandle HANDLE =
        critical(
            "getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class Setsockopt {
    static final MethodHandle HANDLE =
        critical(
            "setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Getsockname {
    static final MethodHandle HANDLE =
        critical("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class Getpeername {
    static final MethodHandle HANDLE =
        critical("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class Ioctl {
    static final MethodHandle HANDLE =
        criticalVariadic("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
  }

  private static final class Fcntl {
    static final MethodHandle HANDLE =
        criticalVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class EpollCreate1 {
    static final MethodHandle HANDLE =
        critical("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  private static final class EpollCtl {
    static final MethodHandle HANDLE =
        critical(
            "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  }

  private static final class Eventfd {
    static final MethodHandle HANDLE =
        critical("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Poll {
    static final MethodHandle HANDLE =
        blocking("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static final class EpollWait {
    static final MethodHandle HANDLE =
        blocking(
            "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  }

  /**
   * {@code syscall(number, fd, msghdr, flags, ...)} for {@code sendmsg} and {@code recvmsg}, with
   * {@link #HELD_SEGMENTS} more pointer arguments that the system call never reads. {@code syscall}
   * is variadic, so passing more arguments than the call uses is well defined; what they are for is
   * the linker: it holds the scope of every segment passed to a downcall until the call returns, so
   * the memory that the iovecs point into cannot be freed while the kernel uses it.
   */
  /**
   * {@code syscall(number, fd, msghdr, flags, ...)} with {@link #HELD_SEGMENTS} pointers: the
   * signature of {@link SyscallMsg} and {@link SyscallMsgWaiting} (here, so that binding one does
   * not bind the other).
   */
  private static final FunctionDescriptor SYSCALL_MSG =
      FunctionDescriptor.of(
          JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
          ADDRESS, ADDRESS, ADDRESS, ADDRESS);

  private static final class SyscallMsg {
    static final MethodHandle HANDLE =
        LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            SYSCALL_MSG,
            ERRNO,
            CRITICAL,
            Linker.Option.firstVariadicArg(1));
  }

  /**
   * {@link SyscallMsg} for a call that may wait in the kernel (no {@code MSG_DONTWAIT}): not
   * critical, so the thread leaves Java state while it waits; native memory and a native call state
   * only.
   */
  private static final class SyscallMsgWaiting {
    static final MethodHandle HANDLE =
        LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            SYSCALL_MSG,
            ERRNO,
            Linker.Option.firstVariadicArg(1));
  }

  /** {@code syscall(SYS_fstat, fd, statbuf)}: the kernel's fstat, whatever the C library's age. */
  private static final class SyscallFstat {
    static final MethodHandle HANDLE =
        LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
            ERRNO,
            CRITICAL,
            Linker.Option.firstVariadicArg(1));
  }

  // getpwuid_r(uid, pwd, buf, buflen, result) and getgrgid_r: they may consult name services
  private static final class GetpwuidR {
    static final MethodHandle HANDLE =
        plain(
            "getpwuid_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  }

  private static final class GetgrgidR {
    static final MethodHandle HANDLE =
        plain(
            "getgrgid_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  }

  /** How many segments one {@code sendmsg} or {@code recvmsg} call with held segments holds. */
  public static final int HELD_SEGMENTS = 8;

  static MethodHandle critical(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), descriptor, ERRNO, CRITICAL);
  }

  /** A critical binding of {@code name(a, b, ...)}, whose third argument is the first variadic. */
  static MethodHandle criticalVariadic(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        descriptor,
        ERRNO,
        CRITICAL,
        Linker.Option.firstVariadicArg(2));
  }

  static MethodHandle blocking(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, ERRNO);
  }

  static MethodHandle plain(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor);
  }

  /**
   * Makes the first binding, which throws if native access is unavailable. Each function is bound
   * on its first use (each handle lives in a holder class of its own): binding all of them at once
   * made the first {@code UnixSocketPair.open()} in a JVM take 140–190 ms.
   */
  public static void load() {
    Objects.requireNonNull(Close.HANDLE);
  }

  static int result(int r, CallState cs) {
    return r >= 0 ? r : -cs.errno();
  }

  static long result(long r, CallState cs) {
    return r >= 0 ? r : -cs.errno();
  }

  /**
   * What a failed {@code invokeExact} rethrows. The linker itself throws unchecked exceptions that
   * must reach the caller unchanged: {@link IllegalStateException} when a segment's arena was
   * closed, {@link WrongThreadException} when a confined segment is used from another thread.
   * Anything checked would be a bug in this class.
   */
  static RuntimeException unexpected(Throwable t) {
    if (t instanceof RuntimeException e) {
      return e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new AssertionError("downcall failed", t);
  }

  /** {@code socketpair(domain, type, protocol, sv)}; {@code sv} holds two ints. */
  public static int socketpair(CallState cs, int domain, int type, int protocol, MemorySegment sv) {
    try {
      return result(
          (int) Socketpair.HANDLE.invokeExact(cs.segment(), domain, type, protocol, sv), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int close(CallState cs, int fd) {
    try {
      return result((int) Close.HANDLE.invokeExact(cs.segment(), fd), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int shutdown(CallState cs, int fd, int how) {
    try {
      return result((int) Shutdown.HANDLE.invokeExact(cs.segment(), fd, how), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long recv(CallState cs, int fd, MemorySegment buf, long len, int flags) {
    try {
      return result((long) Recv.HANDLE.invokeExact(cs.segment(), fd, buf, len, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long send(CallState cs, int fd, MemorySegment buf, long len, int flags) {
    try {
      return result((long) Send.HANDLE.invokeExact(cs.segment(), fd, buf, len, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code recv} that may wait in the kernel: {@code buf} must be native and {@code cs} native. */
  public static long recvWaiting(CallState cs, int fd, MemorySegment buf, long len, int flags) {
    try {
      return result((long) RecvWaiting.HANDLE.invokeExact(cs.segment(), fd, buf, len, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code send} that may wait in the kernel: {@code buf} must be native and {@code cs} native. */
  public static long sendWaiting(CallState cs, int fd, MemorySegment buf, long len, int flags) {
    try {
      return result((long) SendWaiting.HANDLE.invokeExact(cs.segment(), fd, buf, len, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long recvmsg(CallState cs, int fd, MemorySegment msghdr, int flags) {
    try {
      return result((long) Recvmsg.HANDLE.invokeExact(cs.segment(), fd, msghdr, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long sendmsg(CallState cs, int fd, MemorySegment msghdr, int flags) {
    try {
      return result((long) Sendmsg.HANDLE.invokeExact(cs.segment(), fd, msghdr, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * {@code sendmsg(fd, msghdr, flags)} while holding the scope of every segment in {@code held}
   * (length {@link #HELD_SEGMENTS}; unused elements {@link MemorySegment#NULL}): the segments whose
   * memory the msghdr's iovecs point into.
   */
  public static long sendmsg(
      CallState cs, int fd, MemorySegment msghdr, int flags, MemorySegment[] held) {
    return msg(cs, LinuxAbi.SYS_SENDMSG, fd, msghdr, flags, held);
  }

  /** {@code recvmsg(fd, msghdr, flags)} while holding the scopes of {@code held}; see sendmsg. */
  public static long recvmsg(
      CallState cs, int fd, MemorySegment msghdr, int flags, MemorySegment[] held) {
    return msg(cs, LinuxAbi.SYS_RECVMSG, fd, msghdr, flags, held);
  }

  /**
   * {@code recvmsg(fd, msghdr, flags)} that may wait in the kernel, holding the scopes of {@code
   * held}: every segment native (the msghdr, the iovecs' memory, the control buffer), {@code cs}
   * native too ({@link CallState#allocate}).
   */
  public static long recvmsgWaiting(
      CallState cs, int fd, MemorySegment msghdr, int flags, MemorySegment[] held) {
    return msg(SyscallMsgWaiting.HANDLE, cs, LinuxAbi.SYS_RECVMSG, fd, msghdr, flags, held);
  }

  private static long msg(
      CallState cs, long number, int fd, MemorySegment msghdr, int flags, MemorySegment[] held) {
    return msg(SyscallMsg.HANDLE, cs, number, fd, msghdr, flags, held);
  }

  private static long msg(
      MethodHandle handle,
      CallState cs,
      long number,
      int fd,
      MemorySegment msghdr,
      int flags,
      MemorySegment[] held) {
    try {
      return result(
          (long)
              handle.invokeExact(
                  cs.segment(),
                  number,
                  (long) fd,
                  msghdr,
                  (long) flags,
                  held[0],
                  held[1],
                  held[2],
                  held[3],
                  held[4],
                  held[5],
                  held[6],
                  held[7]),
          cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code fstat(fd, statbuf)}, {@code statbuf} at least {@link LinuxAbi#STAT_SIZE} bytes. */
  public static int fstat(CallState cs, int fd, MemorySegment statbuf) {
    try {
      return (int)
          result(
              (long)
                  SyscallFstat.HANDLE.invokeExact(
                      cs.segment(), LinuxAbi.SYS_FSTAT, (long) fd, statbuf),
              cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * {@code getpwuid_r} or, for a group, {@code getgrgid_r}; these return the error number
   * themselves (0 on success; {@code *result} is NULL when there is no such entry). All segments
   * must be native.
   */
  public static int getNameEntry(
      boolean group, int id, MemorySegment entry, MemorySegment buf, MemorySegment result) {
    try {
      return group
          ? (int) GetgrgidR.HANDLE.invokeExact(id, entry, buf, buf.byteSize(), result)
          : (int) GetpwuidR.HANDLE.invokeExact(id, entry, buf, buf.byteSize(), result);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long read(CallState cs, int fd, MemorySegment buf, long len) {
    try {
      return result((long) Read.HANDLE.invokeExact(cs.segment(), fd, buf, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long write(CallState cs, int fd, MemorySegment buf, long len) {
    try {
      return result((long) Write.HANDLE.invokeExact(cs.segment(), fd, buf, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int getsockopt(
      CallState cs, int fd, int level, int name, MemorySegment value, MemorySegment len) {
    try {
      return result(
          (int) Getsockopt.HANDLE.invokeExact(cs.segment(), fd, level, name, value, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int setsockopt(
      CallState cs, int fd, int level, int name, MemorySegment value, int len) {
    try {
      return result(
          (int) Setsockopt.HANDLE.invokeExact(cs.segment(), fd, level, name, value, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int getsockname(CallState cs, int fd, MemorySegment addr, MemorySegment len) {
    try {
      return result((int) Getsockname.HANDLE.invokeExact(cs.segment(), fd, addr, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int getpeername(CallState cs, int fd, MemorySegment addr, MemorySegment len) {
    try {
      return result((int) Getpeername.HANDLE.invokeExact(cs.segment(), fd, addr, len), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code fcntl(fd, cmd, arg)} for the integer-argument commands. */
  public static int fcntl(CallState cs, int fd, int cmd, int arg) {
    try {
      return result((int) Fcntl.HANDLE.invokeExact(cs.segment(), fd, cmd, arg), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code ioctl(fd, request, arg)} for the requests whose argument is a pointer. */
  public static int ioctl(CallState cs, int fd, long request, MemorySegment arg) {
    try {
      return result((int) Ioctl.HANDLE.invokeExact(cs.segment(), fd, request, arg), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int epoll_create1(CallState cs, int flags) {
    try {
      return result((int) EpollCreate1.HANDLE.invokeExact(cs.segment(), flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int epoll_ctl(CallState cs, int epfd, int op, int fd, MemorySegment event) {
    try {
      return result((int) EpollCtl.HANDLE.invokeExact(cs.segment(), epfd, op, fd, event), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int eventfd(CallState cs, int initval, int flags) {
    try {
      return result((int) Eventfd.HANDLE.invokeExact(cs.segment(), initval, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code poll(fds, nfds, timeout)}; may block, so {@code cs} must be native. */
  public static int poll(CallState cs, MemorySegment fds, long nfds, int timeoutMillis) {
    try {
      return result((int) Poll.HANDLE.invokeExact(cs.segment(), fds, nfds, timeoutMillis), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code epoll_wait(epfd, events, max, timeout)}; may block, so {@code cs} must be native. */
  public static int epoll_wait(
      CallState cs, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
    try {
      return result(
          (int) EpollWait.HANDLE.invokeExact(cs.segment(), epfd, events, maxEvents, timeoutMillis),
          cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
