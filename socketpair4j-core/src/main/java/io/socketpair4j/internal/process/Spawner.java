package io.socketpair4j.internal.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.ProcessCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Starts a program with {@code posix_spawnp} so that exactly the requested descriptors are open in
 * it, at the requested numbers.
 *
 * <p>The descriptor plan, in the parent and then in the child:
 *
 * <ol>
 *   <li>In the parent, each source is <em>staged</em>: duplicated with {@code F_DUPFD_CLOEXEC} to a
 *       number above the highest target (and above 2). No staged number can then be a target, so no
 *       {@code dup2} in the child can overwrite a source that a later {@code dup2} still needs,
 *       whatever the sources and targets are (a swap, a chain, one source at several targets).
 *   <li>In the child, {@code dup2(staged, target)} for each mapping; the copy at the target is not
 *       close-on-exec.
 *   <li>{@code close} every number from 3 to the highest target that is not a target.
 *   <li>{@code closefrom(highest target + 1)} ({@code posix_spawn_file_actions_addclosefrom_np},
 *       glibc 2.34). Without it, the fallback lists {@code /proc/self/fd} in the parent just before
 *       the spawn and adds a {@code close} for each number above the highest target: a descriptor
 *       that another thread opens without close-on-exec after the listing can then leak into the
 *       child (every descriptor socketpair4j and the JDK open is close-on-exec).
 * </ol>
 *
 * <p>The child starts with an empty signal mask and every signal at its default disposition ({@code
 * POSIX_SPAWN_SETSIGMASK}, {@code POSIX_SPAWN_SETSIGDEF} with a full set): the JVM's threads block
 * some signals, and a JVM started with {@code SIGPIPE} ignored would hand that on.
 */
final class Spawner {
  private Spawner() {}

  /** For tests: use the {@code /proc/self/fd} fallback even where closefrom exists. */
  static volatile boolean forceCloseFallback = Boolean.getBoolean("io.socketpair4j.closeFallback");

  /**
   * One descriptor for the child: {@code source} (ours) goes to {@code target}; {@code blocking}
   * clears {@code O_NONBLOCK} on the open file description first.
   */
  record Mapping(int target, int source, boolean blocking) {}

  /** The character set of command lines, environment and paths, as the JDK uses for them. */
  static final Charset NATIVE = nativeCharset();

  private static Charset nativeCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /**
   * Spawns the program and returns its pid. The sources must stay open during the call (the caller
   * holds them); nothing this method opens outlives it.
   *
   * @throws IOException "Cannot run program ..." when a source cannot be staged or the program
   *     cannot be run
   */
  static int spawn(
      List<String> command, String directory, Map<String, String> environment, List<Mapping> map)
      throws IOException {
    int highest = 2;
    for (Mapping m : map) {
      highest = Math.max(highest, m.target());
    }
    int[] staged = new int[map.size()];
    Arrays.fill(staged, -1);
    try (Arena arena = Arena.ofConfined()) {
      CallState cs = CallState.heap();
      for (int i = 0; i < staged.length; i++) {
        Mapping m = map.get(i);
        int r = LibC.fcntl(cs, m.source(), LinuxConstants.F_DUPFD_CLOEXEC, highest + 1);
        if (r < 0) {
          throw Launcher.cannotRun(
              command,
              directory,
              "descriptor " + m.source() + " (for " + m.target() + "): " + Errno.message(-r));
        }
        staged[i] = r;
        if (m.blocking()) {
          clearNonBlocking(command, directory, r);
        }
      }
      MemorySegment actions = arena.allocate(LinuxAbi.SPAWN_FILE_ACTIONS_ROOM, 16);
      MemorySegment attr = arena.allocate(LinuxAbi.SPAWNATTR_ROOM, 16);
      check(ProcessCalls.fileActionsInit(actions), "posix_spawn_file_actions_init");
      try {
        check(ProcessCalls.attrInit(attr), "posix_spawnattr_init");
        try {
          addFileActions(arena, actions, map, staged, highest, directory);
          setSignals(arena, attr);
          MemorySegment argv = strings(arena, command);
          MemorySegment envp = strings(arena, environmentStrings(environment));
          MemorySegment pid = arena.allocate(JAVA_INT);
          int err = ProcessCalls.posixSpawnp(pid, argv.get(ADDRESS, 0), actions, attr, argv, envp);
          if (err != 0) {
            throw Launcher.cannotRun(command, directory, Launcher.errnoDetail(err));
          }
          return pid.get(JAVA_INT, 0);
        } finally {
          ProcessCalls.attrDestroy(attr);
        }
      } finally {
        ProcessCalls.fileActionsDestroy(actions);
      }
    } finally {
      for (int fd : staged) {
        if (fd >= 0) {
          LibC.close(CallState.heap(), fd);
        }
      }
    }
  }

  private static void clearNonBlocking(List<String> command, String directory, int fd)
      throws IOException {
    CallState cs = CallState.heap();
    int flags = LibC.fcntl(cs, fd, LinuxConstants.F_GETFL, 0);
    if (flags >= 0 && (flags & LinuxConstants.O_NONBLOCK) != 0) {
      flags = LibC.fcntl(cs, fd, LinuxConstants.F_SETFL, flags & ~LinuxConstants.O_NONBLOCK);
    }
    if (flags < 0) {
      throw Launcher.cannotRun(
          command,
          directory,
          "fcntl(O_NONBLOCK) on descriptor " + fd + ": " + Errno.message(-flags));
    }
  }

  private static void addFileActions(
      Arena arena,
      MemorySegment actions,
      List<Mapping> map,
      int[] staged,
      int highest,
      String directory)
      throws IOException {
    TreeSet<Integer> targets = new TreeSet<>();
    for (int i = 0; i < staged.length; i++) {
      check(ProcessCalls.addDup2(actions, staged[i], map.get(i).target()), "adddup2");
      targets.add(map.get(i).target());
    }
    for (int fd = 3; fd <= highest; fd++) {
      if (!targets.contains(fd)) {
        check(ProcessCalls.addClose(actions, fd), "addclose");
      }
    }
    if (ProcessCalls.HAS_ADDCLOSEFROM && !forceCloseFallback) {
      check(ProcessCalls.addClosefrom(actions, highest + 1), "addclosefrom_np");
    } else {
      for (int fd : openDescriptors()) {
        if (fd > highest) {
          check(ProcessCalls.addClose(actions, fd), "addclose");
        }
      }
    }
    if (directory != null) {
      if (!ProcessCalls.HAS_ADDCHDIR) {
        throw new UnsupportedOperationException(
            "a working directory needs posix_spawn_file_actions_addchdir_np (glibc 2.29)");
      }
      check(ProcessCalls.addChdir(actions, arena.allocateFrom(directory, NATIVE)), "addchdir_np");
    }
  }

  /** The descriptors open in this process now, from {@code /proc/self/fd}. */
  static List<Integer> openDescriptors() throws IOException {
    List<Integer> fds = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : dir) {
        fds.add(Integer.parseInt(p.getFileName().toString()));
      }
    }
    return fds;
  }

  private static void setSignals(Arena arena, MemorySegment attr) throws IOException {
    MemorySegment none = arena.allocate(LinuxAbi.SIGSET_SIZE, 8);
    ProcessCalls.sigemptyset(none);
    // Every signal from 1 to 64, written by hand: glibc's sigfillset leaves out the two signals
    // it uses internally (32 and 33), and posix_spawn then hands them to the child ignored.
    MemorySegment all = arena.allocate(LinuxAbi.SIGSET_SIZE, 8);
    all.set(ValueLayout.JAVA_LONG, 0, -1L);
    check(
        ProcessCalls.attrSetFlags(
            attr,
            (short) (LinuxConstants.POSIX_SPAWN_SETSIGMASK | LinuxConstants.POSIX_SPAWN_SETSIGDEF)),
        "posix_spawnattr_setflags");
    check(ProcessCalls.attrSetSigmask(attr, none), "posix_spawnattr_setsigmask");
    check(ProcessCalls.attrSetSigdefault(attr, all), "posix_spawnattr_setsigdefault");
  }

  private static List<String> environmentStrings(Map<String, String> environment) {
    List<String> list = new ArrayList<>(environment.size());
    environment.forEach((k, v) -> list.add(k + "=" + v));
    return list;
  }

  /** A NULL-terminated array of pointers to NUL-terminated strings. */
  private static MemorySegment strings(Arena arena, List<String> strings) {
    MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
    for (int i = 0; i < strings.size(); i++) {
      array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i), NATIVE));
    }
    array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
    return array;
  }

  private static void check(int err, String what) throws IOException {
    if (err != 0) {
      throw new IOException("posix_spawn: " + what + ": " + Errno.message(err));
    }
  }
}
