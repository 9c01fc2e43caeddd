package io.socketpair4j.example;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Clients each in a child process ({@code --processes}), running the chosen {@link Peer}; see
 * {@link ClientProcess}. The {@code --threads} kind is that of the threads that watch the children.
 */
final class ClientProcesses implements Clients {
  private final Peer peer;
  private final EchoSample.Settings settings;
  private final PrintStream err;
  private final List<ClientProcess> processes = new ArrayList<>();

  ClientProcesses(Peer peer, EchoSample.Settings settings, PrintStream err) {
    this.peer = peer;
    this.settings = settings;
    this.err = err;
  }

  @Override
  public void start(String name, End end, Consumer<Throwable> onFailure) throws IOException {
    processes.add(
        ClientProcess.start(
            name, end, peer.command(name, settings), settings.threads(), err, onFailure));
  }

  /**
   * Ends the children still running: a datagram end does not see the main thread's end close, so
   * closing it would not wake them.
   */
  @Override
  public void stop() {
    for (ClientProcess process : processes) {
      process.stop();
    }
  }

  @Override
  public void join() throws InterruptedException {
    for (ClientProcess process : processes) {
      process.join();
    }
  }
}
