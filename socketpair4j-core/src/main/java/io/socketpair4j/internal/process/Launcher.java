package io.socketpair4j.internal.process;

import io.socketpair4j.internal.jfr.JfrEvents;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.Platform;
import io.socketpair4j.internal.linux.ProcessCalls;
import io.socketpair4j.internal.nio.HeldDescriptor;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code UnixProcessBuilder.start()}: the standard streams, the descriptor map, the spawn, and the
 * watch for the child's exit, with every descriptor opened on the way closed on every path.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * Starts the program.
   *
   * @param mappings target number in the child to a {@link Channel} of ours or an {@link Integer}
   *     descriptor number of this process
   */
  public static Process start(
      List<String> command,
      File directory,
      Map<String, String> environment,
      Redirect[] redirects,
      boolean mergeError,
      SortedMap<Integer, Object> mappings)
      throws IOException {
    Platform.ensureSupported();
    String dir = directory == null ? null : directory.getPath();
    for (String arg : command) {
      if (arg.indexOf('\u0000') >= 0) {
        throw new IOException("invalid null character in command");
      }
    }
    checkExitStatusesKept(command, dir);
    boolean[] replaced = new boolean[3];
    for (int i = 0; i < 3; i++) {
      replaced[i] = mappings.containsKey(i);
    }
    Object event = JfrEvents.recording() ? JfrEvents.beginSpawn() : null;
    StandardStreams streams = StandardStreams.open(redirects, mergeError, replaced);
    List<HeldDescriptor> held = new ArrayList<>();
    int pid;
    try {
      List<Spawner.Mapping> map = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        if (streams.childEnd(i) >= 0) {
          map.add(new Spawner.Mapping(i, streams.childEnd(i), false));
        }
      }
      for (Map.Entry<Integer, Object> e : mappings.entrySet()) {
        map.add(mapping(e.getKey(), e.getValue(), held, command, dir));
      }
      if (mergeError && replaced[1] && !replaced[2]) {
        map.add(mapping(2, mappings.get(1), held, command, dir));
      }
      pid = Spawner.spawn(command, dir, environment, map);
    } catch (IOException | RuntimeException | Error e) {
      streams.close();
      throw e;
    } finally {
      held.forEach(HeldDescriptor::close);
      streams.closeChildEnds();
    }
    ChildProcess child = new ChildProcess(pid, ExitWatcher.pidfd(pid), streams);
    ExitWatcher.watch(child);
    if (event != null) {
      List<String> handed = new ArrayList<>();
      for (Map.Entry<Integer, Object> e : mappings.entrySet()) {
        Object source = e.getValue();
        handed.add(e.getKey() + "=" + (source instanceof Integer n ? "fd " + n : source));
      }
      JfrEvents.childSpawned(event, pid, command, handed);
    }
    return child;
  }

  private static Spawner.Mapping mapping(
      int target, Object source, List<HeldDescriptor> held, List<String> command, String dir)
      throws IOException {
    if (source instanceof Integer number) {
      return new Spawner.Mapping(target, number, false);
    }
    try {
      HeldDescriptor h = HeldDescriptor.hold((Channel) source);
      held.add(h);
      return new Spawner.Mapping(target, h.fd(), true);
    } catch (ClosedChannelException e) {
      throw cannotRun(command, dir, "the channel for descriptor " + target + " is closed");
    }
  }

  /**
   * Refuses to start a child whose exit status the kernel would discard: with {@code SIGCHLD}
   * ignored, or {@code SA_NOCLDWAIT} set, children are reaped as they exit and no wait can learn
   * how they ended.
   */
  private static void checkExitStatusesKept(List<String> command, String dir) throws IOException {
    MemorySegment action = MemorySegment.ofArray(new long[(int) LinuxAbi.SIGACTION_ROOM / 8]);
    if (ProcessCalls.sigactionRead(CallState.heap(), LinuxConstants.SIGCHLD, action) < 0) {
      return;
    }
    long handler = action.get(ValueLayout.JAVA_LONG, LinuxAbi.SIGACTION_HANDLER);
    int flags = action.get(ValueLayout.JAVA_INT, LinuxAbi.SIGACTION_FLAGS);
    if (handler == LinuxConstants.SIG_IGN || (flags & LinuxConstants.SA_NOCLDWAIT) != 0) {
      throw cannotRun(
          command,
          dir,
          "SIGCHLD is "
              + (handler == LinuxConstants.SIG_IGN ? "ignored (SIG_IGN)" : "set to SA_NOCLDWAIT")
              + " in this process, so the kernel discards children's exit statuses and exit"
              + " values would be lost; start this JVM with SIGCHLD at its default disposition");
    }
  }

  /** As {@code ProcessBuilder} words it: {@code Cannot run program "x" (in directory "d"): ...}. */
  static IOException cannotRun(List<String> command, String dir, String detail) {
    return new IOException(
        "Cannot run program \""
            + command.get(0)
            + "\""
            + (dir == null ? "" : " (in directory \"" + dir + "\")")
            + ": "
            + detail);
  }

  /** Whether {@code channel} can be mapped: one of our native channels or Descriptors. */
  public static boolean isMappable(Channel channel) {
    return HeldDescriptor.isNative(channel);
  }

  static String errnoDetail(int errno) {
    return "error=" + errno + ", " + Errno.message(errno);
  }
}
