package io.socketpair4j;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Files to pass, opened with the JDK's own API: regular files of distinct names and contents, each
 * with the number of its one descriptor (found in {@code /proc/self/fd}), and pipes.
 */
final class OpenFiles implements Closeable {
  final List<Path> paths = new ArrayList<>();
  final List<FileChannel> channels = new ArrayList<>();
  private final int[] fds;

  /** Makes and opens {@code count} files in {@code dir}, file {@code i} holding "file i". */
  OpenFiles(Path dir, int count) throws IOException {
    fds = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        Path p = Files.writeString(dir.resolve("file-" + i), contents(i)).toRealPath();
        paths.add(p);
        channels.add(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
        fds[i] = FdTable.fdOf(p);
      }
    } catch (IOException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  static String contents(int i) {
    return "file " + i;
  }

  /** The descriptor numbers, file 0 first. */
  int[] fds() {
    return fds.clone();
  }

  int fd(int i) {
    return fds[i];
  }

  /** The path as {@code /proc/self/fd} shows it for a descriptor of file {@code i}. */
  String target(int i) {
    return paths.get(i).toString();
  }

  /** Reads file {@code i} whole through this process's own descriptor of it. */
  String read(int i) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(256);
    channels.get(i).read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    for (FileChannel c : channels) {
      c.close();
    }
  }

  /** A pipe opened by the JDK, with the numbers of its two ends. */
  record NumberedPipe(Pipe pipe, int readEnd, int writeEnd) implements Closeable {
    static NumberedPipe open() throws IOException {
      Map<Integer, String> before = FdTable.snapshot();
      Pipe pipe = Pipe.open();
      int read = -1;
      int write = -1;
      for (Map.Entry<Integer, String> e : FdTable.opened(before, FdTable.snapshot()).entrySet()) {
        if (e.getValue().startsWith("pipe:")) {
          if ((FdTable.flags(e.getKey()) & FdTable.O_ACCMODE) == 0) {
            read = e.getKey();
          } else {
            write = e.getKey();
          }
        }
      }
      if (read < 0 || write < 0) {
        pipe.source().close();
        pipe.sink().close();
        throw new IllegalStateException("Pipe.open() made no pipe(2) in /proc/self/fd");
      }
      return new NumberedPipe(pipe, read, write);
    }

    @Override
    public void close() throws IOException {
      try (Closeable source = pipe.source()) {
        pipe.sink().close();
      }
    }
  }
}
