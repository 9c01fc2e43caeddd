package io.socketpair4j.bench;

/** The kind of thread a benchmark runs its parties on. */
public enum ThreadKind {
  PLATFORM,
  VIRTUAL;

  Thread start(String name, Runnable task) {
    return this == VIRTUAL
        ? Thread.ofVirtual().name(name).start(task)
        : Thread.ofPlatform().name(name).daemon().start(task);
  }
}
