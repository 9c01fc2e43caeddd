package io.socketpair4j.internal.portable;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action when a deadline passes, unless cancelled first: one daemon thread for every
 * rendezvous, started with the first one.
 */
final class Watchdog {
  private Watchdog() {}

  private static final ScheduledThreadPoolExecutor TIMER = newTimer();

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> Thread.ofPlatform().name("socketpair4j-rendezvous-timer").daemon().unstarted(r));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * Runs {@code action} after {@code timeout}; cancel the result to prevent it. A timeout too long
   * to count in nanoseconds (some 292 years) is taken as that long, which is to say never.
   */
  static ScheduledFuture<?> after(Duration timeout, Runnable action) {
    return TIMER.schedule(action, TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS);
  }
}
