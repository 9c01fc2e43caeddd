package io.socketpair4j.internal.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.ProcessCalls;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child started by {@link Launcher}: a {@link Process} whose exit is learned through a pidfd (or,
 * without pidfds, a waiting thread), never through {@code waitpid(-1)}, so it coexists with the
 * JDK's own process handling.
 *
 * <p>The pid is this child's until it is reaped; after that the number may be reused by an
 * unrelated process. So signals are sent through the pidfd where there is one (a pidfd names one
 * process, never a reused number), and otherwise only under {@link #lock} while the child is known
 * not to be reaped: the waiting thread waits with {@code WNOWAIT}, which leaves the child a zombie
 * (its pid still taken), and reaps under the same lock.
 */
final class ChildProcess extends Process {
  /** The exit value when the status could not be collected: someone else reaped the child. */
  static final int STATUS_LOST = -1;

  private final int pid;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private final ChildProcessHandle handle;

  private final ReentrantLock lock = new ReentrantLock();
  private int pidfd; // -1 without a pidfd, or once reaped; guarded by lock
  private boolean reaped; // guarded by lock

  /** Completed with the exit value by the exit watcher; nothing else depends on it directly. */
  private final CompletableFuture<Integer> status = new CompletableFuture<>();

  ChildProcess(int pid, int pidfd, StandardStreams streams) {
    this.pid = pid;
    this.pidfd = pidfd;
    this.stdin = streams.stdin();
    this.stdout = streams.stdout();
    this.stderr = streams.stderr();
    this.handle = new ChildProcessHandle(this);
    if (stdin instanceof ChildPipeStreams.ToChild
        || stdout instanceof ChildPipeStreams.FromChild
        || stderr instanceof ChildPipeStreams.FromChild) {
      status.thenRun(
          () ->
              Thread.ofVirtual()
                  .name("socketpair4j-pipes-" + pid)
                  .start(() -> StandardStreams.processExited(stdin, stdout, stderr)));
    }
  }

  int pidfd() {
    return pidfd;
  }

  /**
   * Collects the exit status once the child has exited (the pidfd is readable, or a {@code WNOWAIT}
   * wait returned): reaps it, closes the pidfd, and completes {@link #status}. Returns false when
   * the child had not exited after all, so the caller should wait again.
   */
  boolean reap() {
    int value;
    lock.lock();
    try (Arena arena = Arena.ofConfined()) {
      if (reaped) {
        return true;
      }
      MemorySegment info = arena.allocate(LinuxAbi.SIGINFO_SIZE, 8);
      CallState cs = CallState.allocate(arena);
      int options = LinuxConstants.WEXITED | LinuxConstants.WNOHANG;
      int r;
      do {
        r =
            pidfd >= 0
                ? ProcessCalls.waitid(cs, LinuxConstants.P_PIDFD, pidfd, info, options)
                : ProcessCalls.waitid(cs, LinuxConstants.P_PID, pid, info, options);
      } while (r == -Errno.EINTR);
      if (r == 0 && info.get(JAVA_INT, LinuxAbi.SIGINFO_PID) == 0) {
        return false; // not exited yet
      }
      value = r < 0 ? STATUS_LOST : exitValueOf(info);
      reaped = true;
      if (pidfd >= 0) {
        LibC.close(CallState.heap(), pidfd);
        pidfd = -1;
      }
    } finally {
      lock.unlock();
    }
    status.complete(value);
    return true;
  }

  /** As the JDK reports it: the exit code, or 128 plus the signal that killed the child. */
  private static int exitValueOf(MemorySegment info) {
    int code = info.get(JAVA_INT, LinuxAbi.SIGINFO_CODE);
    int st = info.get(JAVA_INT, LinuxAbi.SIGINFO_STATUS);
    return code == LinuxConstants.CLD_EXITED ? st : 0x80 + st;
  }

  /** Sends {@code sig} unless the child has been reaped; true when it was sent. */
  boolean signal(int sig) {
    lock.lock();
    try {
      if (reaped) {
        return false;
      }
      int r =
          pidfd >= 0
              ? ProcessCalls.pidfdSendSignal(CallState.heap(), pidfd, sig)
              : ProcessCalls.kill(CallState.heap(), pid, sig);
      return r == 0;
    } finally {
      lock.unlock();
    }
  }

  CompletableFuture<Integer> status() {
    return status;
  }

  @Override
  public OutputStream getOutputStream() {
    return stdin;
  }

  @Override
  public InputStream getInputStream() {
    return stdout;
  }

  @Override
  public InputStream getErrorStream() {
    return stderr;
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      return status.get();
    } catch (ExecutionException e) {
      throw new AssertionError("the exit status is never completed exceptionally", e);
    }
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      status.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new AssertionError("the exit status is never completed exceptionally", e);
    }
  }

  @Override
  public int exitValue() {
    Integer value = status.getNow(null);
    if (value == null) {
      throw new IllegalThreadStateException("process hasn't exited");
    }
    return value;
  }

  /**
   * Sends {@code SIGTERM}, then closes the standard streams, as the JDK's {@code Process} does on
   * Linux.
   */
  @Override
  public void destroy() {
    destroy(LinuxConstants.SIGTERM);
  }

  /** Sends {@code SIGKILL}, then closes the standard streams. */
  @Override
  public Process destroyForcibly() {
    destroy(LinuxConstants.SIGKILL);
    return this;
  }

  boolean destroy(int sig) {
    boolean sent = signal(sig);
    StandardStreams.closeQuietly(stdin);
    StandardStreams.closeQuietly(stdout);
    StandardStreams.closeQuietly(stderr);
    return sent;
  }

  @Override
  public boolean supportsNormalTermination() {
    return true;
  }

  @Override
  public boolean isAlive() {
    return !status.isDone();
  }

  @Override
  public long pid() {
    return pid;
  }

  /**
   * Completes after the child has exited, with this process; dependent actions run in the common
   * pool, never in the thread that watches for exits.
   */
  @Override
  public CompletableFuture<Process> onExit() {
    return status.thenApplyAsync(v -> this);
  }

  @Override
  public ProcessHandle toHandle() {
    return handle;
  }

  @Override
  public String toString() {
    Integer value = status.getNow(null);
    return "Process[pid=" + pid + ", exitValue=" + (value == null ? "\"not exited\"" : value) + "]";
  }
}
