package io.socketpair4j.example;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where the sample's clients run: on threads of this JVM ({@link ClientThreads}) or each in a child
 * process ({@link ClientProcesses}, {@code --processes}). Either way a client speaks the same
 * protocol on the {@code second()} end of its pair, and the main thread serves the {@code first()}
 * ends the same.
 */
interface Clients {

  /**
   * Starts client {@code name} on {@code end}. A failure of the client, at any time until {@link
   * #join()} returns, goes to {@code onFailure}.
   */
  void start(String name, End end, Consumer<Throwable> onFailure) throws IOException;

  /**
   * After a failure: makes clients that may still be waiting end without waiting for the rest of
   * the run, as far as closing the main thread's ends does not; their own failures from now on are
   * not reported. Does not wait (see {@link #join()}).
   */
  void stop();

  /** Waits until every client started has ended (and, for a process, its exit was checked). */
  void join() throws InterruptedException;
}
