package io.socketpair4j.internal.portable;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A fresh directory that only this user can enter, holding the path of one rendezvous socket. Made
 * under the configured base directory, or under {@code /tmp} when the socket's path would otherwise
 * be too long for {@code sun_path}.
 */
final class RendezvousDirectory {
  private static final String PREFIX = "socketpair4j-";
  private static final String SOCKET_NAME = "s";

  /**
   * The longest socket path, in bytes without the terminating NUL: {@code sun_path} holds 108 bytes
   * on Linux and Windows, 104 on macOS and the BSDs.
   */
  static final int MAX_PATH_BYTES = maxPathBytes(System.getProperty("os.name", ""));

  private static int maxPathBytes(String os) {
    return os.startsWith("Linux") || os.startsWith("Windows") ? 107 : 103;
  }

  /** The longest name {@link Files#createTempDirectory} gives: prefix, then an unsigned long. */
  private static final int LONGEST_NAME = PREFIX.length() + 20;

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private final Path directory;
  private final Path socket;
  private boolean deleted;

  private RendezvousDirectory(Path directory) {
    this.directory = directory;
    this.socket = directory.resolve(SOCKET_NAME);
  }

  /**
   * Makes a new owner-only directory under {@code base}, or under {@code /tmp} when a socket path
   * under {@code base} could be too long.
   *
   * @throws IOException if the directory cannot be made; the message names the base directory
   */
  static RendezvousDirectory create(Path base) throws IOException {
    Path chosen = fits(base) ? base : shorterBase(base);
    try {
      Path dir =
          POSIX
              ? Files.createTempDirectory(chosen, PREFIX, OWNER_ONLY)
              : Files.createTempDirectory(chosen, PREFIX);
      return new RendezvousDirectory(dir);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new IOException(
          "Cannot make a private rendezvous directory for a socket pair in "
              + chosen
              + " (set system property "
              + RendezvousSettings.DIRECTORY
              + " to a writable directory): "
              + e,
          e);
    }
  }

  /** Whether every socket path made under {@code base} fits in {@code sun_path}. */
  static boolean fits(Path base) {
    String longest = base.toAbsolutePath() + "/" + "x".repeat(LONGEST_NAME) + "/" + SOCKET_NAME;
    return longest.getBytes(Charset.defaultCharset()).length <= MAX_PATH_BYTES;
  }

  private static Path shorterBase(Path base) throws IOException {
    Path tmp = Path.of("/tmp");
    if (POSIX && fits(tmp) && Files.isDirectory(tmp)) {
      return tmp;
    }
    throw new IOException(
        "Socket paths under "
            + base
            + " would be longer than the "
            + MAX_PATH_BYTES
            + " bytes a UNIX-domain address can hold; set system property "
            + RendezvousSettings.DIRECTORY
            + " to a shorter directory");
  }

  Path socket() {
    return socket;
  }

  /** Removes the socket file, if any, and the directory, unless done already; never throws. */
  void delete() {
    if (deleted) {
      return;
    }
    deleted = true;
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // the directory's deletion below then fails too; nothing more can be done
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // nothing else can be done; the directory is private and empty or holds a dead socket
    }
  }
}
