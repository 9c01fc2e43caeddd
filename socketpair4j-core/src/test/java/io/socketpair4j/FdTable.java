package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's descriptor table as {@code /proc/self/fd} shows it: snapshots to compare, the
 * numbers that refer to a file, and each descriptor's flags from {@code /proc/self/fdinfo}.
 */
final class FdTable {
  private FdTable() {}

  /** {@code O_CLOEXEC} as {@code /proc/self/fdinfo/N} shows it in its octal "flags:" field. */
  static final int O_CLOEXEC = 02000000;

  /** The access mode bits of the "flags:" field ({@code O_ACCMODE}). */
  static final int O_ACCMODE = 03;

  /**
   * Every open descriptor and what it links to, except what comes and goes without the tests'
   * doing: the eventfds of waiting threads (a cleaner closes idle ones whenever a collection runs),
   * jar files the class loader opens the first time it needs them, and the directory being listed.
   */
  static Map<Integer, String> snapshot() throws IOException {
    Map<Integer, String> table = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : entries) {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
          continue; // closed meanwhile, e.g. the listing's own descriptor
        }
        if (target.equals("anon_inode:[eventfd]")
            || target.endsWith(".jar")
            || target.startsWith("/proc/")) {
          continue;
        }
        table.put(Integer.parseInt(p.getFileName().toString()), target);
      }
    }
    return table;
  }

  /** The entries of {@code now} that {@code before} did not have (by number and target). */
  static Map<Integer, String> opened(Map<Integer, String> before, Map<Integer, String> now) {
    Map<Integer, String> added = new TreeMap<>();
    now.forEach(
        (fd, target) -> {
          if (!target.equals(before.get(fd))) {
            added.put(fd, target);
          }
        });
    return added;
  }

  /** Asserts that no descriptor is open now that was not open at {@code before}. */
  static void assertNothingOpenedSince(Map<Integer, String> before) throws IOException {
    assertThat(opened(before, snapshot())).as("descriptors opened and left open").isEmpty();
  }

  /** The numbers of the open descriptors that link to {@code target}, in increasing order. */
  static List<Integer> fdsOf(String target) throws IOException {
    List<Integer> fds = new ArrayList<>();
    snapshot()
        .forEach(
            (fd, t) -> {
              if (t.equals(target)) {
                fds.add(fd);
              }
            });
    return fds;
  }

  /** The one open descriptor of the file at {@code path}; fails unless there is exactly one. */
  static int fdOf(Path path) throws IOException {
    List<Integer> fds = fdsOf(path.toRealPath().toString());
    assertThat(fds).as("descriptors of %s", path).hasSize(1);
    return fds.get(0);
  }

  /** What {@code /proc/self/fd/N} links to, or null when N is not open. */
  static String target(int fd) throws IOException {
    return TestSupport.fdTarget(fd);
  }

  /** The file status and descriptor flags of {@code fd}, the octal "flags:" of its fdinfo. */
  static int flags(int fd) throws IOException {
    return Integer.parseInt(fdinfo(fd, "flags:"), 8);
  }

  /** The file position of {@code fd}, the "pos:" of its fdinfo (shared by all its duplicates). */
  static long position(int fd) throws IOException {
    return Long.parseLong(fdinfo(fd, "pos:"));
  }

  private static String fdinfo(int fd, String field) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd));
    } catch (NoSuchFileException e) {
      throw new AssertionError("descriptor " + fd + " is not open", e);
    }
    for (String line : lines) {
      if (line.startsWith(field)) {
        return line.substring(field.length()).trim();
      }
    }
    throw new AssertionError("no " + field + " line in /proc/self/fdinfo/" + fd + ": " + lines);
  }

  /** Whether {@code fd} is close-on-exec, as its fdinfo says. */
  static boolean isCloseOnExec(int fd) throws IOException {
    return (flags(fd) & O_CLOEXEC) != 0;
  }

  /** A number that is not open now, and that the kernel will not hand out soon. */
  static int unusedNumber() throws IOException {
    int highest = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : entries) {
        highest = Math.max(highest, Integer.parseInt(p.getFileName().toString()));
      }
    }
    return highest + 1000; // the kernel gives out the lowest free number
  }
}
