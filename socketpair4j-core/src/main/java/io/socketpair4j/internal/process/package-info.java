/**
 * The launcher behind {@link io.socketpair4j.UnixProcessBuilder}.
 *
 * <ul>
 *   <li>{@link io.socketpair4j.internal.process.Launcher}: {@code start()}: standard streams, the
 *       descriptor map with a use held on every mapped channel, the spawn, the exit watch; every
 *       descriptor opened on the way is closed on every path.
 *   <li>{@code Spawner}: {@code posix_spawnp} with the staged {@code dup2} plan, closefrom (or its
 *       {@code /proc/self/fd} fallback), empty signal mask and default dispositions.
 *   <li>{@code StandardStreams} and {@code ChildPipeStreams}: descriptors 0–2 as {@code
 *       ProcessBuilder.Redirect}s say, and the parent's pipe streams, which let go of their
 *       descriptors when the child exits.
 *   <li>{@code ExitWatcher}: one thread, one epoll instance, the pidfds of all children; a thread
 *       per child where there are no pidfds. Never {@code waitpid(-1)}.
 *   <li>{@code ChildProcess} and {@code ChildProcessHandle}: the {@link java.lang.Process} and its
 *       {@link java.lang.ProcessHandle}; signals go through the pidfd, or under a lock that keeps
 *       them from a reaped (reusable) pid.
 * </ul>
 *
 * <p>The C library functions are bound in {@link io.socketpair4j.internal.linux.ProcessCalls}.
 */
package io.socketpair4j.internal.process;
