package io.socketpair4j.example;

import io.socketpair4j.UnixChannel;
import io.socketpair4j.UnixProcessBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client in a child process. The child is started by {@link UnixProcessBuilder} with the
 * client's end passed as {@value Peer#INHERITED_NAME} (descriptor 3, {@code LISTEN_FDS=1}), its
 * standard input from {@code /dev/null}, and its standard output and error into one pipe, so that
 * nothing it prints mixes with the sample's own output. A watcher thread reads that pipe to its
 * end, waits for the child's exit, shows what the child printed (if anything) on the sample's
 * standard error, each line prefixed with the client's name and pid, and reports an exit status
 * other than 0 as the client's failure.
 */
final class ClientProcess {
  /** How long a stopped child has to exit after {@code SIGTERM} before it gets {@code SIGKILL}. */
  private static final long STOP_GRACE_SECONDS = 10;

  private final String name;
  private final Process process;
  private final PrintStream err;
  private final Consumer<Throwable> onFailure;
  private Thread watcher;
  private volatile boolean stopped;

  private ClientProcess(
      String name, Process process, PrintStream err, Consumer<Throwable> onFailure) {
    this.name = name;
    this.process = process;
    this.err = err;
    this.onFailure = onFailure;
  }

  /**
   * Starts {@code command} as client {@code name} with {@code end} handed to it, then closes this
   * process's copy of {@code end}, and starts the watcher on a thread of {@code watcherKind}.
   *
   * @throws IllegalArgumentException if {@code end} is not a native channel
   * @throws IOException if the program cannot be started
   */
  static ClientProcess start(
      String name,
      End end,
      List<String> command,
      ThreadKind watcherKind,
      PrintStream err,
      Consumer<Throwable> onFailure)
      throws IOException {
    if (!(end.channel() instanceof UnixChannel unix)) {
      throw new IllegalArgumentException(
          name + ": only a native end can be handed to a child process");
    }
    Process process =
        new UnixProcessBuilder(command)
            .passDescriptor(Peer.INHERITED_NAME, unix)
            .redirectInput(Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    // The child has its own copy now. Ours would keep the main thread from seeing the end of the
    // stream when the child's copy closes, if the child fails.
    end.channel().close();
    ClientProcess client = new ClientProcess(name, process, err, onFailure);
    client.watcher = watcherKind.start(name + " (pid " + process.pid() + ")", client::watch);
    return client;
  }

  private void watch() {
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      output = "(its output could not be read: " + e + ")\n";
    }
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!output.isEmpty()) {
      err.print(prefixed(output)); // one call, so that the lines of two children do not mix
      err.flush();
    }
    if (status != 0 && !stopped) {
      onFailure.accept(new ClientProcessFailedException(name, process.pid(), status));
    }
  }

  private String prefixed(String output) {
    String prefix = name + " (pid " + process.pid() + "): ";
    StringBuilder b = new StringBuilder();
    output.lines().forEach(line -> b.append(prefix).append(line).append(System.lineSeparator()));
    return b.toString();
  }

  /**
   * Ends the child if it is still running ({@code SIGTERM}); from now on its exit status is not
   * reported. What it printed is still shown.
   */
  void stop() {
    stopped = true;
    process.toHandle().destroy();
  }

  /** Waits until the child has exited and the watcher has shown and checked what it left. */
  void join() throws InterruptedException {
    if (stopped && !process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
      process.toHandle().destroyForcibly();
    }
    watcher.join();
  }
}
