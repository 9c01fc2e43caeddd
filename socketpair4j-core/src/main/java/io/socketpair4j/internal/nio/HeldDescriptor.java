package io.socketpair4j.internal.nio;

import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;

/**
 * A use held on the descriptor of one of our channels or {@link io.socketpair4j.Descriptor}s, for
 * code outside this package that must hand the number to the kernel (the process launcher): while
 * it is held, the number cannot be closed and reused. Release it with {@link #close()}.
 */
public final class HeldDescriptor implements AutoCloseable {
  private final FdHandle handle;
  private boolean released;

  private HeldDescriptor(FdHandle handle) {
    this.handle = handle;
  }

  /** Whether {@code channel} is one of ours (a native channel or a received Descriptor). */
  public static boolean isNative(Channel channel) {
    return ChannelCore.handleOf(channel) != null;
  }

  /**
   * Holds a use of {@code channel}'s descriptor.
   *
   * @throws IllegalArgumentException if it is not one of ours
   * @throws ClosedChannelException if it is closed
   */
  public static HeldDescriptor hold(Channel channel) throws ClosedChannelException {
    FdHandle h = ChannelCore.handleOf(channel);
    if (h == null) {
      throw new IllegalArgumentException(
          channel.getClass().getName() + " is not a socketpair4j native channel or Descriptor");
    }
    if (!h.acquire()) {
      throw new ClosedChannelException();
    }
    return new HeldDescriptor(h);
  }

  /** The descriptor number, valid until {@link #close()}. */
  public int fd() {
    return handle.fd();
  }

  /** Releases the use (once). */
  @Override
  public void close() {
    if (!released) {
      released = true;
      handle.release();
    }
  }
}
