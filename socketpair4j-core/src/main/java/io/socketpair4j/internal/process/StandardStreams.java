package io.socketpair4j.internal.process;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.ProcessCalls;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A child's standard input, output and error as {@link ProcessBuilder} arranges them: for each of
 * descriptors 0, 1 and 2, the descriptor the child gets (or none, to inherit ours), and the stream
 * the parent keeps.
 *
 * <p>A pipe's parent end becomes a {@link FileInputStream} or {@link FileOutputStream} by opening
 * {@code /proc/self/fd/N}, which for a pipe opens the same pipe again; the streams are then the
 * JDK's own, buffered as {@code ProcessBuilder}'s are, and a virtual thread blocked in them is
 * handled as the JDK handles file I/O. Files are opened here, in the parent, as {@code
 * ProcessBuilder} does, so that a missing file is a {@link FileNotFoundException} before anything
 * is started.
 */
final class StandardStreams implements AutoCloseable {
  /** The child's descriptor for 0, 1, 2; -1 to inherit this process's. Closed after the spawn. */
  private final int[] childEnds = {-1, -1, -1};

  /** The parent's end of each pipe, -1 where there is none; given to streams by {@link #open}. */
  private final int[] parentEnds = {-1, -1, -1};

  private OutputStream stdin = NullOutputStream.INSTANCE;
  private InputStream stdout = InputStream.nullInputStream();
  private InputStream stderr = InputStream.nullInputStream();

  /**
   * Opens what the redirects ask for. {@code replaced[i]} means descriptor i is mapped to one of
   * ours, so its redirect is ignored and its stream is a null stream.
   */
  static StandardStreams open(Redirect[] redirects, boolean mergeError, boolean[] replaced)
      throws IOException {
    StandardStreams s = new StandardStreams();
    try {
      for (int i = 0; i < 3; i++) {
        if (replaced[i] || (i == 2 && mergeError)) {
          continue;
        }
        s.arrange(i, redirects[i]);
      }
      if (mergeError && !replaced[2]) {
        // stderr goes where stdout goes; when stdout is one of our mappings, the launcher maps 2
        // to the same source
        if (s.childEnds[1] >= 0) {
          s.childEnds[2] = dup(s.childEnds[1]);
        } else if (!replaced[1]) {
          s.childEnds[2] = dup(1); // stdout inherited
        }
      }
      s.makeStreams();
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void arrange(int fd, Redirect r) throws IOException {
    switch (r.type()) {
      case INHERIT -> {}
      case PIPE -> {
        int[] p = pipe();
        childEnds[fd] = fd == 0 ? p[0] : p[1];
        parentEnds[fd] = fd == 0 ? p[1] : p[0];
      }
      case READ -> childEnds[fd] = openFile(r, LinuxConstants.O_RDONLY);
      case WRITE ->
          childEnds[fd] =
              openFile(
                  r, LinuxConstants.O_WRONLY | LinuxConstants.O_CREAT | LinuxConstants.O_TRUNC);
      case APPEND ->
          childEnds[fd] =
              openFile(
                  r, LinuxConstants.O_WRONLY | LinuxConstants.O_CREAT | LinuxConstants.O_APPEND);
    }
  }

  private void makeStreams() throws IOException {
    if (parentEnds[0] >= 0) {
      stdin = new ChildPipeStreams.ToChild(new FileOutputStream(reopen(parentEnds[0])));
    }
    if (parentEnds[1] >= 0) {
      stdout = new ChildPipeStreams.FromChild(new FileInputStream(reopen(parentEnds[1])));
    }
    if (parentEnds[2] >= 0) {
      stderr = new ChildPipeStreams.FromChild(new FileInputStream(reopen(parentEnds[2])));
    }
    closeParentEnds(); // the streams hold their own descriptors now
  }

  private static String reopen(int fd) {
    return "/proc/self/fd/" + fd;
  }

  private static int[] pipe() throws IOException {
    int[] p = new int[2];
    int r =
        ProcessCalls.pipe2(CallState.heap(), MemorySegment.ofArray(p), LinuxConstants.O_CLOEXEC);
    if (r < 0) {
      throw Errno.exception(-r, "pipe2");
    }
    return p;
  }

  private static int dup(int fd) throws IOException {
    int r = LibC.fcntl(CallState.heap(), fd, LinuxConstants.F_DUPFD_CLOEXEC, 3);
    if (r < 0) {
      throw Errno.exception(-r, "fcntl(F_DUPFD_CLOEXEC)");
    }
    return r;
  }

  private static int openFile(Redirect r, int flags) throws IOException {
    String path = r.file().getPath();
    try (Arena arena = Arena.ofConfined()) {
      int fd =
          ProcessCalls.open(
              CallState.allocate(arena),
              arena.allocateFrom(path, Spawner.NATIVE),
              flags | LinuxConstants.O_CLOEXEC,
              0666);
      if (fd < 0) {
        throw new FileNotFoundException(path + " (" + Errno.message(-fd) + ")");
      }
      return fd;
    }
  }

  /** The child's descriptor for {@code fd} (0, 1 or 2), or -1 to inherit this process's. */
  int childEnd(int fd) {
    return childEnds[fd];
  }

  OutputStream stdin() {
    return stdin;
  }

  InputStream stdout() {
    return stdout;
  }

  InputStream stderr() {
    return stderr;
  }

  /** After the spawn: the child has its copies, so ours go. */
  void closeChildEnds() {
    closeAll(childEnds);
  }

  private void closeParentEnds() {
    closeAll(parentEnds);
  }

  private static void closeAll(int[] fds) {
    for (int i = 0; i < fds.length; i++) {
      if (fds[i] >= 0) {
        LibC.close(CallState.heap(), fds[i]);
        fds[i] = -1;
      }
    }
  }

  /** The child has exited: pipes let go of their descriptors (see {@link ChildPipeStreams}). */
  static void processExited(OutputStream stdin, InputStream stdout, InputStream stderr) {
    if (stdin instanceof ChildPipeStreams.ToChild s) {
      s.processExited();
    }
    if (stdout instanceof ChildPipeStreams.FromChild s) {
      s.processExited();
    }
    if (stderr instanceof ChildPipeStreams.FromChild s) {
      s.processExited();
    }
  }

  /** After a failure: everything goes, streams included. */
  @Override
  public void close() {
    closeChildEnds();
    closeParentEnds();
    closeQuietly(stdin);
    closeQuietly(stdout);
    closeQuietly(stderr);
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to report: this is cleanup
    }
  }

  /** Where the child's input does not come from us: writing fails, as ProcessBuilder's does. */
  static final class NullOutputStream extends OutputStream {
    static final NullOutputStream INSTANCE = new NullOutputStream();

    @Override
    public void write(int b) throws IOException {
      throw new IOException("Stream closed");
    }
  }
}
