package io.socketpair4j;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM with a low descriptor limit by {@link ResourceTest}: exhausts the limit and
 * checks that {@link UnixSocketPair#open()} then fails clearly and leaks nothing. Prints what it
 * saw; exits with 1 on a failed check.
 */
public final class FdExhaustionProbe {
  private FdExhaustionProbe() {}

  public static void main(String[] args) throws Exception {
    Path devNull = Path.of("/dev/null");
    // Load everything the failure path needs while descriptors are still free.
    UnixSocketPair.open().close();
    FileChannel.open(devNull).close();
    io.socketpair4j.internal.linux.Errno.exception(24, "warm-up").getMessage();
    long baseline = entries();

    List<UnixSocketPair> pairs = new ArrayList<>();
    List<FileChannel> fillers = new ArrayList<>();
    IOException pairFailure = null;
    try {
      try {
        for (; ; ) {
          pairs.add(UnixSocketPair.open());
        }
      } catch (IOException e) {
        pairFailure = e;
      }
      // Take whatever single descriptor may be left, then give exactly one back.
      fill(fillers, devNull);
      if (fillers.isEmpty()) {
        pairs.removeLast().close();
        fill(fillers, devNull);
      }
      fillers.removeLast().close();
      IOException oneFree = null;
      try {
        UnixSocketPair.open().close();
      } catch (IOException e) {
        oneFree = e;
      }
      // The one free descriptor must still be free: nothing half-made was left open.
      FileChannel last = FileChannel.open(devNull);
      fillers.add(last);
      System.out.println("pairs opened=" + pairs.size());
      System.out.println("exhausted: " + pairFailure);
      System.out.println("one free: " + oneFree);
    } finally {
      for (FileChannel f : fillers) {
        f.close();
      }
      for (UnixSocketPair p : pairs) {
        p.close();
      }
    }
    long after = entries();
    System.out.println("entries before=" + baseline + " after=" + after);
    if (after != baseline) {
      System.exit(1);
    }
  }

  /** Opens /dev/null until the descriptor table is full. */
  private static void fill(List<FileChannel> fillers, Path devNull) {
    try {
      for (; ; ) {
        fillers.add(FileChannel.open(devNull));
      }
    } catch (IOException e) {
      // the table is now full
    }
  }

  private static long entries() throws IOException {
    try (var list = Files.list(Path.of("/proc/self/fd"))) {
      return list.count();
    }
  }
}
