package io.socketpair4j.internal.nio;

import java.lang.ref.Cleaner;

/** Shared process-wide resources of the implementation. */
public final class Resources {
  private Resources() {}

  /**
   * Closes descriptors (and the stream views' selectors) whose owners became unreachable without
   * being closed.
   */
  public static final Cleaner CLEANER =
      Cleaner.create(Thread.ofPlatform().name("socketpair4j-cleaner").daemon().factory());
}
