package io.socketpair4j.example;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Clients on threads of this JVM, one {@link Client} per thread of the chosen kind. */
final class ClientThreads implements Clients {
  private final ThreadKind kind;
  private final int repetitions;
  private final boolean passFd;
  private final List<Thread> threads = new ArrayList<>();

  ClientThreads(ThreadKind kind, int repetitions, boolean passFd) {
    this.kind = kind;
    this.repetitions = repetitions;
    this.passFd = passFd;
  }

  @Override
  public void start(String name, End end, Consumer<Throwable> onFailure) {
    threads.add(kind.start(name, new Client(name, end, repetitions, passFd, onFailure)));
  }

  /** Nothing to do: closing the main thread's ends wakes a client blocked on its own. */
  @Override
  public void stop() {}

  @Override
  public void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }
}
