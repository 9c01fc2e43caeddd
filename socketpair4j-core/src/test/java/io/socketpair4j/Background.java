package io.socketpair4j;

import static io.socketpair4j.TestSupport.PROMPTLY;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A call running on a thread of its own (platform or virtual), with its outcome: its result, or the
 * exception it threw, and whether the thread's interrupt status was set when it ended.
 */
public final class Background<T> {
  private final Thread thread;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final CompletableFuture<Boolean> interruptedAtEnd = new CompletableFuture<>();

  private Background(boolean virtual, Callable<T> call) {
    Runnable task =
        () -> {
          try {
            result.complete(call.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
          interruptedAtEnd.complete(Thread.currentThread().isInterrupted());
        };
    thread = virtual ? Thread.ofVirtual().start(task) : Thread.ofPlatform().start(task);
  }

  /** Starts {@code call} on a new platform or virtual thread. */
  public static <T> Background<T> start(boolean virtual, Callable<T> call) {
    return new Background<>(virtual, call);
  }

  /** Starts {@code call} on a new platform thread. */
  public static <T> Background<T> start(Callable<T> call) {
    return new Background<>(false, call);
  }

  public Thread thread() {
    return thread;
  }

  /** Waits until the thread is blocked on a channel or selector (see TestSupport.awaitBlocked). */
  public Background<T> awaitBlocked() {
    TestSupport.awaitBlocked(thread);
    return this;
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** The call's result, waiting for it {@link TestSupport#PROMPTLY}; rethrows its failure. */
  public T get() throws Exception {
    try {
      return result.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** The exception the call threw; fails if it returned instead. */
  public Throwable failure() throws Exception {
    try {
      T value = result.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("the call returned " + value + " instead of failing");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Whether the thread's interrupt status was set when the call ended. */
  public boolean interruptedAtEnd() throws Exception {
    return interruptedAtEnd.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
  }
}
