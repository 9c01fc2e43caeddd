package io.socketpair4j.example;

/** Which kind of thread runs each client. */
enum ThreadKind {
  PLATFORM {
    @Override
    Thread start(String name, Runnable task) {
      return Thread.ofPlatform().name(name).start(task);
    }
  },
  VIRTUAL {
    @Override
    Thread start(String name, Runnable task) {
      return Thread.ofVirtual().name(name).start(task);
    }
  };

  abstract Thread start(String name, Runnable task);
}
