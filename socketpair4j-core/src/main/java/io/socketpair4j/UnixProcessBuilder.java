package io.socketpair4j;

import io.socketpair4j.internal.process.Launcher;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.Channel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Starts a program with chosen descriptors of this process open in it at chosen numbers: the way to
 * share a socket pair with a child process.
 *
 * <p>It is modelled on {@link ProcessBuilder}, and the methods with the same names mean the same:
 * {@link #command()}, {@link #directory()}, {@link #environment()}, the redirects of the standard
 * streams, {@link #inheritIO()} and {@link #start()}, which returns a {@link Process}. What {@code
 * ProcessBuilder} cannot do is the rest: {@link #mapDescriptor(int, UnixChannel) mapDescriptor}
 * puts one of our channels, a received {@link Descriptor}, or a descriptor number at a chosen
 * number in the child, and {@link #passDescriptor(String, UnixChannel) passDescriptor} does the
 * same by the {@code LISTEN_FDS} convention, which the child reads with {@link
 * InheritedDescriptors}.
 *
 * <pre>{@code
 * UnixSocketPair pair = UnixSocketPair.open();
 * Process child = new UnixProcessBuilder("python3", "peer.py")
 *     .mapDescriptor(3, pair.second())   // the child's fd 3 is the second end
 *     .inheritIO()
 *     .start();
 * pair.second().close();                 // the child has its own copy now
 * pair.first().write(ByteBuffer.wrap("hello".getBytes()));
 * }</pre>
 *
 * <h2>The child's descriptors</h2>
 *
 * <p>In the child exactly these descriptors are open: 0, 1 and 2 (as redirected, or this process's
 * when inherited), and the mapped ones, at their numbers. Nothing else of this process reaches the
 * child: not its other descriptors, and not descriptors that other threads open while the child
 * starts. Each mapped source is first duplicated to a number above the highest target, so that
 * mapping sources to targets works whatever the numbers are (swapped, chained, one source at
 * several numbers); then each is duplicated to its target, and everything else is closed, with
 * {@code posix_spawn_file_actions_addclosefrom_np} where the C library has it (glibc 2.34 and
 * later). Without it, the descriptors open just before the start are listed from {@code
 * /proc/self/fd} and closed; a descriptor that another thread then opens without close-on-exec
 * could still reach the child (every descriptor socketpair4j and the JDK open is close-on-exec).
 *
 * <p>A mapped channel or {@code Descriptor} is handed in blocking mode: {@code O_NONBLOCK} is
 * cleared on its open file description, which the child shares with this process. socketpair4j's
 * channels never rely on that flag, so the parent's end keeps working as before. A mapped
 * <em>number</em> is handed exactly as it is. Mapping a target 0, 1 or 2 replaces that standard
 * stream: its redirect is ignored and the process's stream for it is a null stream.
 *
 * <p>The parent keeps its own copies: close the ends it hands over after {@code start()}, or the
 * peer in the child will not see end of stream when the parent's other end closes.
 *
 * <h2>How the child is started and waited for</h2>
 *
 * <p>The program is started with {@code posix_spawnp} (never {@code fork} in the JVM). The program
 * is looked up in this process's {@code PATH}, as {@code ProcessBuilder} does. The child starts
 * with no signals blocked and every signal at its default disposition, {@code SIGPIPE} included
 * (the JVM's threads block some signals, and a JVM started with a signal ignored would otherwise
 * hand that on).
 *
 * <p>The child's exit is watched through a pidfd by one thread for all children, and the child is
 * reaped by its pid alone: never {@code waitpid(-1)}, so this class and {@code ProcessBuilder} work
 * side by side. On a kernel without pidfds (before Linux 5.3) a thread per child waits instead.
 * {@link #start()} refuses to start a child while {@code SIGCHLD} is ignored in this process (or
 * has {@code SA_NOCLDWAIT}), because the kernel would then discard the child's exit status. (The
 * JDK resets an ignored {@code SIGCHLD} inherited by the JVM when it first reads the environment;
 * what this catches is native code that ignores it later.)
 *
 * <p>Should other code in this process reap the child first (its own {@code waitpid(-1)}), the exit
 * status is lost to everyone else, and {@link Process#exitValue()} reports -1.
 *
 * <p>As with {@code ProcessBuilder}, once the child has exited its standard streams' pipes let go
 * of their descriptors: what the child wrote and no one read yet stays readable, from memory.
 *
 * <p>This class is not synchronized, as {@code ProcessBuilder} is not.
 *
 * @see UnixSocketChannel#adopt(int)
 * @see InheritedDescriptors
 */
public final class UnixProcessBuilder {
  /**
   * The first descriptor number of the {@code LISTEN_FDS} convention ({@code SD_LISTEN_FDS_START}).
   */
  public static final int LISTEN_FDS_START = 3;

  private List<String> command;
  private File directory;
  private Map<String, String> environment;
  private final Redirect[] redirects = {Redirect.PIPE, Redirect.PIPE, Redirect.PIPE};
  private boolean redirectErrorStream;
  private final SortedMap<Integer, Object> mappings = new TreeMap<>();
  private final LinkedHashMap<Integer, String> passedNames = new LinkedHashMap<>();

  /**
   * Constructs a builder with the given program and arguments.
   *
   * @param command the program and its arguments
   */
  public UnixProcessBuilder(String... command) {
    this.command = new ArrayList<>(Arrays.asList(command));
  }

  /**
   * Constructs a builder with the given program and arguments. The list is not copied: later
   * changes to it are seen, as with {@link ProcessBuilder#ProcessBuilder(List)}.
   *
   * @param command the program and its arguments
   * @throws NullPointerException if {@code command} is null
   */
  public UnixProcessBuilder(List<String> command) {
    this.command = Objects.requireNonNull(command, "command");
  }

  /**
   * Returns the program and its arguments, as a list that may be modified.
   *
   * @return the command
   */
  public List<String> command() {
    return command;
  }

  /**
   * Sets the program and its arguments.
   *
   * @param command the program and its arguments
   * @return this builder
   */
  public UnixProcessBuilder command(String... command) {
    this.command = new ArrayList<>(Arrays.asList(command));
    return this;
  }

  /**
   * Sets the program and its arguments; the list is not copied.
   *
   * @param command the program and its arguments
   * @return this builder
   * @throws NullPointerException if {@code command} is null
   */
  public UnixProcessBuilder command(List<String> command) {
    this.command = Objects.requireNonNull(command, "command");
    return this;
  }

  /**
   * Returns the working directory of the child, or null for this process's.
   *
   * @return the working directory, or null
   */
  public File directory() {
    return directory;
  }

  /**
   * Sets the working directory of the child; null means this process's.
   *
   * @param directory the working directory, or null
   * @return this builder
   */
  public UnixProcessBuilder directory(File directory) {
    this.directory = directory;
    return this;
  }

  /**
   * Returns the child's environment, a modifiable copy of this process's environment ({@link
   * System#getenv()}) made on the first call, as {@link ProcessBuilder#environment()}.
   *
   * @return the environment the child will get
   */
  public Map<String, String> environment() {
    if (environment == null) {
      environment = new HashMap<>(System.getenv());
    }
    return environment;
  }

  /**
   * Sets where the child's standard input comes from; {@link Redirect#PIPE} (the default) makes
   * {@link Process#getOutputStream()} write to it.
   *
   * @param source the source
   * @return this builder
   * @throws IllegalArgumentException if the redirect is to a file for writing
   */
  public UnixProcessBuilder redirectInput(Redirect source) {
    Objects.requireNonNull(source, "source");
    if (source.type() == Redirect.Type.WRITE || source.type() == Redirect.Type.APPEND) {
      throw new IllegalArgumentException("Redirect invalid for reading: " + source);
    }
    redirects[0] = source;
    return this;
  }

  /**
   * Sets where the child's standard output goes; {@link Redirect#PIPE} (the default) makes {@link
   * Process#getInputStream()} read it.
   *
   * @param destination the destination
   * @return this builder
   * @throws IllegalArgumentException if the redirect is from a file
   */
  public UnixProcessBuilder redirectOutput(Redirect destination) {
    redirects[1] = checkDestination(destination);
    return this;
  }

  /**
   * Sets where the child's standard error goes; {@link Redirect#PIPE} (the default) makes {@link
   * Process#getErrorStream()} read it.
   *
   * @param destination the destination
   * @return this builder
   * @throws IllegalArgumentException if the redirect is from a file
   */
  public UnixProcessBuilder redirectError(Redirect destination) {
    redirects[2] = checkDestination(destination);
    return this;
  }

  private static Redirect checkDestination(Redirect destination) {
    Objects.requireNonNull(destination, "destination");
    if (destination.type() == Redirect.Type.READ) {
      throw new IllegalArgumentException("Redirect invalid for writing: " + destination);
    }
    return destination;
  }

  /**
   * Sets the child's standard input to come from a file.
   *
   * @param file the file
   * @return this builder
   */
  public UnixProcessBuilder redirectInput(File file) {
    return redirectInput(Redirect.from(file));
  }

  /**
   * Sets the child's standard output to go to a file, which is truncated.
   *
   * @param file the file
   * @return this builder
   */
  public UnixProcessBuilder redirectOutput(File file) {
    return redirectOutput(Redirect.to(file));
  }

  /**
   * Sets the child's standard error to go to a file, which is truncated.
   *
   * @param file the file
   * @return this builder
   */
  public UnixProcessBuilder redirectError(File file) {
    return redirectError(Redirect.to(file));
  }

  /**
   * Returns where the child's standard input comes from.
   *
   * @return the redirect
   */
  public Redirect redirectInput() {
    return redirects[0];
  }

  /**
   * Returns where the child's standard output goes.
   *
   * @return the redirect
   */
  public Redirect redirectOutput() {
    return redirects[1];
  }

  /**
   * Returns where the child's standard error goes.
   *
   * @return the redirect
   */
  public Redirect redirectError() {
    return redirects[2];
  }

  /**
   * Sets all three standard streams to {@link Redirect#INHERIT}: the child uses this process's.
   *
   * @return this builder
   */
  public UnixProcessBuilder inheritIO() {
    Arrays.fill(redirects, Redirect.INHERIT);
    return this;
  }

  /**
   * Returns whether the child's standard error is merged into its standard output.
   *
   * @return whether standard error goes where standard output goes
   */
  public boolean redirectErrorStream() {
    return redirectErrorStream;
  }

  /**
   * Sets whether the child's standard error goes where its standard output goes; the error redirect
   * is then ignored and {@link Process#getErrorStream()} is a null stream.
   *
   * @param redirectErrorStream whether to merge
   * @return this builder
   */
  public UnixProcessBuilder redirectErrorStream(boolean redirectErrorStream) {
    this.redirectErrorStream = redirectErrorStream;
    return this;
  }

  /**
   * Puts one of our channels at descriptor number {@code target} in the child: an end of a {@link
   * UnixSocketPair} or {@link UnixDatagramPair}, or an adopted channel. A mapping to the same
   * target made before is replaced. The channel must still be open when {@link #start()} is called;
   * it is handed in blocking mode.
   *
   * @param target the number in the child, 0 or more (0, 1, 2 replace a standard stream)
   * @param channel the channel
   * @return this builder
   * @throws IllegalArgumentException if {@code target} is negative, is used by {@link
   *     #passDescriptor(String, UnixChannel) passDescriptor}, or {@code channel} is not a native
   *     socketpair4j channel (the portable {@link SocketPair}'s channels have no descriptor of
   *     their own)
   */
  public UnixProcessBuilder mapDescriptor(int target, UnixChannel channel) {
    return map(target, checkChannel(channel, "channel"));
  }

  /**
   * Puts a received descriptor at number {@code target} in the child. A mapping to the same target
   * made before is replaced. The descriptor must still be open when {@link #start()} is called; it
   * stays open here.
   *
   * @param target the number in the child, 0 or more
   * @param descriptor the descriptor
   * @return this builder
   * @throws IllegalArgumentException if {@code target} is negative or used by {@link
   *     #passDescriptor(String, UnixChannel) passDescriptor}
   */
  public UnixProcessBuilder mapDescriptor(int target, Descriptor descriptor) {
    return map(target, checkChannel(descriptor, "descriptor"));
  }

  /**
   * Puts this process's descriptor {@code fd} at number {@code target} in the child, as it is (its
   * file status flags are not changed). The number must be open when {@link #start()} is called,
   * and must not be closed by another thread during it.
   *
   * @param target the number in the child, 0 or more
   * @param fd the descriptor number in this process
   * @return this builder
   * @throws IllegalArgumentException if either number is negative, or {@code target} is used by
   *     {@link #passDescriptor(String, UnixChannel) passDescriptor}
   */
  public UnixProcessBuilder mapDescriptor(int target, int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("descriptor number is negative: " + fd);
    }
    return map(target, fd);
  }

  private static Channel checkChannel(Channel channel, String what) {
    Objects.requireNonNull(channel, what);
    if (!Launcher.isMappable(channel)) {
      throw new IllegalArgumentException(
          what
              + " is a "
              + channel.getClass().getName()
              + ", not a socketpair4j native channel or Descriptor; map its number with"
              + " mapDescriptor(int, int)");
    }
    return channel;
  }

  private UnixProcessBuilder map(int target, Object source) {
    if (target < 0) {
      throw new IllegalArgumentException("target descriptor number is negative: " + target);
    }
    if (passedNames.containsKey(target)) {
      throw new IllegalArgumentException(
          "descriptor "
              + target
              + " in the child is already passed as '"
              + passedNames.get(target)
              + "' by passDescriptor");
    }
    mappings.put(target, source);
    return this;
  }

  /**
   * Passes a channel by the {@code LISTEN_FDS} convention: the first channel passed goes to
   * descriptor {@value #LISTEN_FDS_START} in the child, the next to 4, and so on, and at {@link
   * #start()} the child's environment gets {@code LISTEN_FDS} (how many) and {@code LISTEN_FDNAMES}
   * (their names, separated by colons), and loses any {@code LISTEN_PID}. The child finds them with
   * {@link InheritedDescriptors#fromEnvironment()}.
   *
   * <p>systemd's {@code sd_listen_fds()} also requires {@code LISTEN_PID} to be the child's own
   * pid, which no parent can know before {@code posix_spawn} returns; to hand descriptors to a
   * program that uses it, start it through a shell that sets it: {@code sh -c 'LISTEN_PID=$$ exec
   * "$0" "$@"' program args...}.
   *
   * @param name the name, 1 to 255 printable ASCII characters other than {@code ':'}
   * @param channel the channel
   * @return this builder
   * @throws IllegalArgumentException if the name is not valid, the next number is already mapped by
   *     {@link #mapDescriptor(int, UnixChannel) mapDescriptor}, or the channel is not a native
   *     socketpair4j channel
   */
  public UnixProcessBuilder passDescriptor(String name, UnixChannel channel) {
    return pass(name, checkChannel(channel, "channel"));
  }

  /**
   * Passes a received descriptor by the {@code LISTEN_FDS} convention; see {@link
   * #passDescriptor(String, UnixChannel)}.
   *
   * @param name the name, 1 to 255 printable ASCII characters other than {@code ':'}
   * @param descriptor the descriptor
   * @return this builder
   * @throws IllegalArgumentException if the name is not valid or the next number is already mapped
   */
  public UnixProcessBuilder passDescriptor(String name, Descriptor descriptor) {
    return pass(name, checkChannel(descriptor, "descriptor"));
  }

  private UnixProcessBuilder pass(String name, Channel source) {
    InheritedDescriptors.checkName(name);
    int target = LISTEN_FDS_START + passedNames.size();
    if (mappings.containsKey(target)) {
      throw new IllegalArgumentException(
          "descriptor " + target + " in the child is already mapped by mapDescriptor");
    }
    mappings.put(target, source);
    passedNames.put(target, name);
    return this;
  }

  /**
   * Returns the descriptor numbers that will be open in the child beyond the standard streams, in
   * increasing order.
   *
   * @return the mapped target numbers, unmodifiable
   */
  public List<Integer> mappedDescriptors() {
    return Collections.unmodifiableList(new ArrayList<>(mappings.keySet()));
  }

  /**
   * Starts the program.
   *
   * <p>The mapped channels and descriptors are held open during the call, so another thread closing
   * one makes this method fail rather than hand over a reused number.
   *
   * @return the child, a {@link Process}; its {@link Process#toHandle()} and {@link
   *     Process#onExit()} learn of its exit as it happens
   * @throws IndexOutOfBoundsException if the command is empty
   * @throws NullPointerException if an element of the command is null
   * @throws java.io.FileNotFoundException if a redirect's file cannot be opened
   * @throws IOException if the program cannot be run, with a message {@code Cannot run program
   *     "name": error=2, No such file or directory (ENOENT)} as {@code ProcessBuilder} words it; if
   *     a mapped channel is closed or a mapped number is not open; if {@code SIGCHLD} is ignored in
   *     this process
   * @throws UnsupportedOperationException if native socket pairs are not supported here
   */
  public Process start() throws IOException {
    List<String> cmd = List.copyOf(command); // NullPointerException for a null element
    if (cmd.isEmpty()) {
      throw new IndexOutOfBoundsException("command is empty");
    }
    Map<String, String> env = new HashMap<>(environment != null ? environment : System.getenv());
    if (!passedNames.isEmpty()) {
      env.put("LISTEN_FDS", Integer.toString(passedNames.size()));
      env.put("LISTEN_FDNAMES", String.join(":", passedNames.values()));
      env.remove("LISTEN_PID");
    }
    return Launcher.start(
        cmd, directory, env, redirects.clone(), redirectErrorStream, new TreeMap<>(mappings));
  }
}
