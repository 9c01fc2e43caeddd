package io.socketpair4j.internal.nio;

import java.lang.ref.Cleaner;

/** Shared process-wide resources of the implementation. */
final class Resources {
  private Resources() {}

  /** Closes descriptors whose owners became unreachable without being closed. */
  static final Cleaner CLEANER =
      Cleaner.create(Thread.ofPlatform().name("socketpair4j-cleaner").daemon().factory());
}
