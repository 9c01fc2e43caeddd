package io.socketpair4j.internal.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link ChildProcess}: its exit and its signals go through the
 * child's pidfd, like the process's own; what only the operating system knows ({@link #info()},
 * {@link #parent()}, {@link #children()}) comes from the JDK's handle for the pid while the child
 * has not been reaped, and is empty after, when the pid may belong to another process.
 */
final class ChildProcessHandle implements ProcessHandle {
  private final ChildProcess process;

  ChildProcessHandle(ChildProcess process) {
    this.process = process;
  }

  private Optional<ProcessHandle> system() {
    return process.isAlive() ? ProcessHandle.of(process.pid()) : Optional.empty();
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public Optional<ProcessHandle> parent() {
    return system().flatMap(ProcessHandle::parent);
  }

  @Override
  public Stream<ProcessHandle> children() {
    return system().map(ProcessHandle::children).orElseGet(Stream::empty);
  }

  @Override
  public Stream<ProcessHandle> descendants() {
    return system().map(ProcessHandle::descendants).orElseGet(Stream::empty);
  }

  @Override
  public Info info() {
    return system().map(ProcessHandle::info).orElse(EmptyInfo.INSTANCE);
  }

  @Override
  public CompletableFuture<ProcessHandle> onExit() {
    return process.status().thenApplyAsync(v -> this);
  }

  @Override
  public boolean supportsNormalTermination() {
    return true;
  }

  /** Sends {@code SIGTERM}; true when it was sent (false once the child has exited). */
  @Override
  public boolean destroy() {
    return process.signal(io.socketpair4j.internal.linux.LinuxConstants.SIGTERM);
  }

  /** Sends {@code SIGKILL}; true when it was sent (false once the child has exited). */
  @Override
  public boolean destroyForcibly() {
    return process.signal(io.socketpair4j.internal.linux.LinuxConstants.SIGKILL);
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public int compareTo(ProcessHandle other) {
    return Long.compare(pid(), other.pid());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChildProcessHandle h && h.process == process;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(pid());
  }

  @Override
  public String toString() {
    return String.valueOf(pid());
  }

  /** What is known of a process that has exited: nothing. */
  private enum EmptyInfo implements Info {
    INSTANCE;

    @Override
    public Optional<String> command() {
      return Optional.empty();
    }

    @Override
    public Optional<String> commandLine() {
      return Optional.empty();
    }

    @Override
    public Optional<String[]> arguments() {
      return Optional.empty();
    }

    @Override
    public Optional<Instant> startInstant() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> totalCpuDuration() {
      return Optional.empty();
    }

    @Override
    public Optional<String> user() {
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "[]";
    }
  }
}
