package io.socketpair4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The open file descriptors of this process. */
final class Descriptors {
  private Descriptors() {}

  /** The number of entries in /proc/self/fd (not counting the listing's own). */
  static long count() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count() - 1;
    }
  }
}
