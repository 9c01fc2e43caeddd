package io.socketpair4j.internal.portable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * How portable pairs are made, from system properties read at each rendezvous (so that they can be
 * changed while running).
 *
 * @param baseDirectory where the private rendezvous directories are made: {@value #DIRECTORY}, by
 *     default the first of {@link #defaultBase}'s choices
 * @param timeout how long one rendezvous may take: {@value #TIMEOUT} in milliseconds, by default 10
 *     seconds
 * @param maxBatch the most pairs made by one rendezvous: {@value #BATCH}, by default 32
 */
public record RendezvousSettings(Path baseDirectory, Duration timeout, int maxBatch) {
  /** The system property naming the base directory. */
  public static final String DIRECTORY = "socketpair4j.rendezvous.dir";

  /** The system property giving the timeout in milliseconds. */
  public static final String TIMEOUT = "socketpair4j.rendezvous.timeout";

  /** The system property giving the largest batch. */
  public static final String BATCH = "socketpair4j.rendezvous.batch";

  static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  static final int DEFAULT_BATCH = 32;

  /** The settings the system properties give now; a malformed value is an error. */
  public static RendezvousSettings current() {
    String dir = System.getProperty(DIRECTORY);
    Path base = dir != null ? Path.of(dir) : defaultBase(System.getenv("XDG_RUNTIME_DIR"));
    long millis = positive(TIMEOUT, DEFAULT_TIMEOUT_MILLIS);
    int batch = (int) Math.min(positive(BATCH, DEFAULT_BATCH), 1024);
    return new RendezvousSettings(base, Duration.ofMillis(millis), batch);
  }

  /**
   * Where rendezvous directories go when {@value #DIRECTORY} is not set: a memory file system where
   * there is one that is private enough, since making and removing the directory and the socket
   * file is then cheaper (about a fifth of a pair's creation on ext4).
   *
   * <ol>
   *   <li>{@code java.io.tmpdir}, when it was set to something other than {@code /tmp}: the user
   *       chose it;
   *   <li>{@code $XDG_RUNTIME_DIR}, when it is an absolute path to a directory that this user owns
   *       and only this user can enter (mode 0700), as the XDG specification requires; usually a
   *       tmpfs;
   *   <li>{@code /dev/shm}, the system's shared-memory tmpfs, when it is a writable directory with
   *       the sticky bit, as {@code /tmp} is (the owner-only directory made inside it keeps the
   *       socket private, exactly as in {@code /tmp});
   *   <li>{@code java.io.tmpdir}.
   * </ol>
   */
  static Path defaultBase(String xdgRuntimeDir) {
    String tmpdir = System.getProperty("java.io.tmpdir", "/tmp");
    Path tmp = Path.of(tmpdir);
    if (!tmp.normalize().toString().equals("/tmp")) {
      return tmp;
    }
    if (xdgRuntimeDir != null && isPrivateDirectory(xdgRuntimeDir)) {
      return Path.of(xdgRuntimeDir);
    }
    Path shm = Path.of("/dev/shm");
    if (isStickyWritable(shm)) {
      return shm;
    }
    return tmp;
  }

  private static boolean isPrivateDirectory(String path) {
    try {
      Path p = Path.of(path);
      if (!p.isAbsolute() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
      String me = System.getProperty("user.name");
      return a.permissions().equals(PosixFilePermissions.fromString("rwx------"))
          && a.owner().getName().equals(me);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean isStickyWritable(Path p) {
    try {
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || !Files.isWritable(p)) {
        return false;
      }
      Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & 01000) != 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long positive(String property, long defaultValue) {
    String value = System.getProperty(property);
    if (value == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "System property " + property + " must be a positive integer, not '" + value + "'");
  }
}
