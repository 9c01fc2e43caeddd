package io.socketpair4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The descriptors a process was handed by the {@code LISTEN_FDS} convention, as {@link
 * UnixProcessBuilder#passDescriptor(String, UnixChannel)} hands them (and as systemd's socket
 * activation does): {@code LISTEN_FDS=n} says that descriptors 3 to 3 + n - 1 were handed over,
 * {@code LISTEN_FDNAMES} names them, separated by colons, and {@code LISTEN_PID}, when present, is
 * the pid they were meant for.
 *
 * <pre>{@code
 * InheritedDescriptors inherited = InheritedDescriptors.fromEnvironment();
 * try (UnixSocketChannel parent = inherited.socketChannel("parent")) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Reading the environment takes nothing: the descriptors stay unowned until {@link
 * #socketChannel(String)} or {@link #datagramChannel(String)} adopts one (see {@link
 * UnixSocketChannel#adopt(int)}).
 */
public final class InheritedDescriptors {
  /** The first descriptor number of the convention ({@code SD_LISTEN_FDS_START}). */
  public static final int FIRST = UnixProcessBuilder.LISTEN_FDS_START;

  private final List<String> names;

  private InheritedDescriptors(List<String> names) {
    this.names = names;
  }

  /**
   * Reads {@code LISTEN_FDS}, {@code LISTEN_FDNAMES} and {@code LISTEN_PID} from this process's
   * environment. When {@code LISTEN_PID} is present and is not this process's pid, the descriptors
   * were meant for another process (the variables were inherited through it), and none are
   * reported, as systemd's {@code sd_listen_fds} does.
   *
   * @return the inherited descriptors; none when {@code LISTEN_FDS} is not set
   * @throws IllegalStateException if {@code LISTEN_FDS} or {@code LISTEN_PID} is not a number
   */
  public static InheritedDescriptors fromEnvironment() {
    return of(System.getenv(), ProcessHandle.current().pid());
  }

  /**
   * Reads the convention from the given environment, for a process with the given pid.
   *
   * @param environment the variables
   * @param pid the pid of the process reading them
   * @return the inherited descriptors
   * @throws IllegalStateException if {@code LISTEN_FDS} or {@code LISTEN_PID} is not a number
   */
  public static InheritedDescriptors of(Map<String, String> environment, long pid) {
    String count = environment.get("LISTEN_FDS");
    if (count == null) {
      return new InheritedDescriptors(List.of());
    }
    String listenPid = environment.get("LISTEN_PID");
    if (listenPid != null && number("LISTEN_PID", listenPid) != pid) {
      return new InheritedDescriptors(List.of());
    }
    long n = number("LISTEN_FDS", count);
    if (n < 0 || n > Integer.MAX_VALUE - FIRST) {
      throw new IllegalStateException("LISTEN_FDS is out of range: " + count);
    }
    String namesValue = environment.get("LISTEN_FDNAMES");
    List<String> given = namesValue == null ? List.of() : Arrays.asList(namesValue.split(":", -1));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // systemd names an unnamed descriptor "unknown"
      names.add(i < given.size() && !given.get(i).isEmpty() ? given.get(i) : "unknown");
    }
    return new InheritedDescriptors(Collections.unmodifiableList(names));
  }

  private static long number(String variable, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(variable + " is not a number: '" + value + "'", e);
    }
  }

  /**
   * Returns how many descriptors were handed over.
   *
   * @return the count, 0 or more
   */
  public int count() {
    return names.size();
  }

  /**
   * Returns the names, the first for descriptor {@value #FIRST}; {@code "unknown"} where none was
   * given.
   *
   * @return the names, unmodifiable
   */
  public List<String> names() {
    return names;
  }

  /**
   * Returns the number of the first descriptor with the given name.
   *
   * @param name the name
   * @return its descriptor number
   * @throws NoSuchElementException if no descriptor has that name
   */
  public int fd(String name) {
    int i = names.indexOf(Objects.requireNonNull(name, "name"));
    if (i < 0) {
      throw new NoSuchElementException(
          "no inherited descriptor is named '" + name + "'; the names are " + names);
    }
    return FIRST + i;
  }

  /**
   * Adopts the descriptor with the given name as a stream channel; see {@link
   * UnixSocketChannel#adopt(int)}.
   *
   * @param name the name
   * @return a channel that owns the descriptor
   * @throws NoSuchElementException if no descriptor has that name
   * @throws IOException if it is not a connected UNIX-domain stream socket
   */
  public UnixSocketChannel socketChannel(String name) throws IOException {
    return UnixSocketChannel.adopt(fd(name));
  }

  /**
   * Adopts the descriptor with the given name as a message channel; see {@link
   * UnixDatagramChannel#adopt(int)}.
   *
   * @param name the name
   * @return a channel that owns the descriptor
   * @throws NoSuchElementException if no descriptor has that name
   * @throws IOException if it is not a UNIX-domain sequenced-packet or datagram socket
   */
  public UnixDatagramChannel datagramChannel(String name) throws IOException {
    return UnixDatagramChannel.adopt(fd(name));
  }

  /** The rules for a name in {@code LISTEN_FDNAMES}, as systemd has them. */
  static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException(
          "a descriptor name must have 1 to 255 characters: '" + name + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x21 || c > 0x7e || c == ':') {
        throw new IllegalArgumentException(
            "a descriptor name may hold printable ASCII characters other than ':' and space only: '"
                + name
                + "'");
      }
    }
  }

  @Override
  public String toString() {
    return "InheritedDescriptors" + names;
  }
}
