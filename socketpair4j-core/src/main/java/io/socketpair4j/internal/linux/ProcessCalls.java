package io.socketpair4j.internal.linux;

import static io.socketpair4j.internal.linux.LibC.LINKER;
import static io.socketpair4j.internal.linux.LibC.blocking;
import static io.socketpair4j.internal.linux.LibC.critical;
import static io.socketpair4j.internal.linux.LibC.plain;
import static io.socketpair4j.internal.linux.LibC.result;
import static io.socketpair4j.internal.linux.LibC.unexpected;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The typed binding to the C library's process functions: {@code posix_spawn} and its attributes
 * and file actions, {@code waitid}, {@code kill}, pidfds, {@code pipe2} and {@code open}.
 *
 * <p>The {@code posix_spawn} family returns an error number itself (0 on success), and so do these
 * methods; the others return the result or {@code -errno}, as {@link LibC} does. Two functions are
 * optional, because older C libraries lack them: {@code posix_spawn_file_actions_addclosefrom_np}
 * (glibc 2.34) and {@code posix_spawn_file_actions_addchdir_np} (glibc 2.29); see {@link
 * #HAS_ADDCLOSEFROM} and {@link #HAS_ADDCHDIR}.
 */
public final class ProcessCalls {
  private ProcessCalls() {}

  private static final class PosixSpawnp {
    static final MethodHandle HANDLE =
        plain(
            "posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  }

  private static final class ActionsInit {
    static final MethodHandle HANDLE =
        plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class ActionsDestroy {
    static final MethodHandle HANDLE =
        plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class AddDup2 {
    static final MethodHandle HANDLE =
        plain(
            "posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  }

  private static final class AddClose {
    static final MethodHandle HANDLE =
        plain(
            "posix_spawn_file_actions_addclose",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final MethodHandle ADD_CLOSEFROM =
      optional(
          "posix_spawn_file_actions_addclosefrom_np",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle ADD_CHDIR =
      optional(
          "posix_spawn_file_actions_addchdir_np",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  private static final class AttrInit {
    static final MethodHandle HANDLE =
        plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class AttrDestroy {
    static final MethodHandle HANDLE =
        plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class AttrSetflags {
    static final MethodHandle HANDLE =
        plain("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
  }

  private static final class AttrSetsigmask {
    static final MethodHandle HANDLE =
        plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class AttrSetsigdefault {
    static final MethodHandle HANDLE =
        plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class Sigemptyset {
    static final MethodHandle HANDLE =
        plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class Sigaction {
    static final MethodHandle HANDLE =
        critical("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class Waitid {
    static final MethodHandle HANDLE =
        blocking("waitid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Kill {
    static final MethodHandle HANDLE =
        critical("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Pipe2 {
    static final MethodHandle HANDLE =
        critical("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Open {
    static final MethodHandle HANDLE =
        LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            LibC.ERRNO,
            Linker.Option.firstVariadicArg(2));
  }

  /** {@code syscall(number, a, b, c, d)} for the pidfd calls, whatever the C library's age. */
  private static final class Syscall4 {
    static final MethodHandle HANDLE =
        LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            LibC.ERRNO,
            LibC.CRITICAL,
            Linker.Option.firstVariadicArg(1));
  }

  /** Whether the C library has {@code posix_spawn_file_actions_addclosefrom_np}. */
  public static final boolean HAS_ADDCLOSEFROM = ADD_CLOSEFROM != null;

  /** Whether the C library has {@code posix_spawn_file_actions_addchdir_np}. */
  public static final boolean HAS_ADDCHDIR = ADD_CHDIR != null;

  private static MethodHandle optional(String name, FunctionDescriptor descriptor) {
    Optional<MemorySegment> address = LINKER.defaultLookup().find(name);
    return address.map(a -> LINKER.downcallHandle(a, descriptor)).orElse(null);
  }

  /** {@code posix_spawnp(pid, file, actions, attr, argv, envp)}; returns an error number or 0. */
  public static int posixSpawnp(
      MemorySegment pid,
      MemorySegment file,
      MemorySegment actions,
      MemorySegment attr,
      MemorySegment argv,
      MemorySegment envp) {
    try {
      return (int) PosixSpawnp.HANDLE.invokeExact(pid, file, actions, attr, argv, envp);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int fileActionsInit(MemorySegment actions) {
    try {
      return (int) ActionsInit.HANDLE.invokeExact(actions);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int fileActionsDestroy(MemorySegment actions) {
    try {
      return (int) ActionsDestroy.HANDLE.invokeExact(actions);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int addDup2(MemorySegment actions, int fd, int newFd) {
    try {
      return (int) AddDup2.HANDLE.invokeExact(actions, fd, newFd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int addClose(MemorySegment actions, int fd) {
    try {
      return (int) AddClose.HANDLE.invokeExact(actions, fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Only when {@link #HAS_ADDCLOSEFROM}. */
  public static int addClosefrom(MemorySegment actions, int from) {
    try {
      return (int) ADD_CLOSEFROM.invokeExact(actions, from);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Only when {@link #HAS_ADDCHDIR}; {@code path} is a NUL-terminated native string. */
  public static int addChdir(MemorySegment actions, MemorySegment path) {
    try {
      return (int) ADD_CHDIR.invokeExact(actions, path);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int attrInit(MemorySegment attr) {
    try {
      return (int) AttrInit.HANDLE.invokeExact(attr);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int attrDestroy(MemorySegment attr) {
    try {
      return (int) AttrDestroy.HANDLE.invokeExact(attr);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int attrSetFlags(MemorySegment attr, short flags) {
    try {
      return (int) AttrSetflags.HANDLE.invokeExact(attr, flags);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int attrSetSigmask(MemorySegment attr, MemorySegment sigset) {
    try {
      return (int) AttrSetsigmask.HANDLE.invokeExact(attr, sigset);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int attrSetSigdefault(MemorySegment attr, MemorySegment sigset) {
    try {
      return (int) AttrSetsigdefault.HANDLE.invokeExact(attr, sigset);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code sigemptyset(set)}. */
  public static int sigemptyset(MemorySegment sigset) {
    try {
      return (int) Sigemptyset.HANDLE.invokeExact(sigset);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code sigaction(sig, NULL, old)}: reads a signal's disposition without changing it. */
  public static int sigactionRead(CallState cs, int sig, MemorySegment old) {
    try {
      return result(
          (int) Sigaction.HANDLE.invokeExact(cs.segment(), sig, MemorySegment.NULL, old), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code waitid(idtype, id, info, options)}; may block, so {@code cs} must be native. */
  public static int waitid(CallState cs, int idtype, int id, MemorySegment info, int options) {
    try {
      return result((int) Waitid.HANDLE.invokeExact(cs.segment(), idtype, id, info, options), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int kill(CallState cs, int pid, int sig) {
    try {
      return result((int) Kill.HANDLE.invokeExact(cs.segment(), pid, sig), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pidfd_open(pid, 0)}: the new descriptor (close-on-exec), or {@code -errno}. */
  public static int pidfdOpen(CallState cs, int pid) {
    return (int) syscall4(cs, LinuxAbi.SYS_PIDFD_OPEN, pid, 0, 0, 0);
  }

  /** {@code pidfd_send_signal(pidfd, sig, NULL, 0)}. */
  public static int pidfdSendSignal(CallState cs, int pidfd, int sig) {
    return (int) syscall4(cs, LinuxAbi.SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0);
  }

  private static long syscall4(CallState cs, long number, long a, long b, long c, long d) {
    try {
      return result((long) Syscall4.HANDLE.invokeExact(cs.segment(), number, a, b, c, d), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pipe2(fds, flags)}; {@code fds} holds two ints. */
  public static int pipe2(CallState cs, MemorySegment fds, int flags) {
    try {
      return result((int) Pipe2.HANDLE.invokeExact(cs.segment(), fds, flags), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code open(path, flags, mode)}; {@code path} native and NUL-terminated, {@code cs} native. */
  public static int open(CallState cs, MemorySegment path, int flags, int mode) {
    try {
      return result((int) Open.HANDLE.invokeExact(cs.segment(), path, flags, mode), cs);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
