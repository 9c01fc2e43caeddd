package io.socketpair4j.internal.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * The registration of a native channel with an {@link EPollSelector}.
 *
 * <p>The interest and ready sets may be read by any thread. A change of the interest set is queued
 * with the selector and takes effect at its next selection operation, as {@link
 * java.nio.channels.SelectionKey} specifies. The fields at the end belong to the selector and are
 * guarded by its lock.
 */
final class EPollSelectionKey extends AbstractSelectionKey {
  private final SelectableChannel channel;
  private final FdHandle handle;
  private final EPollSelector selector;
  private volatile int interestOps;
  private volatile int readyOps;

  // Owned by the selector, guarded by its lock.
  int registeredEvents; // epoll events now registered; 0 when not in the epoll set
  private boolean holdsUse; // whether this key holds a use of the channel's descriptor
  int selectedSlot = -1; // the key's slot in its selector's SelectedKeySet; -1: none

  EPollSelectionKey(
      SelectableChannel channel,
      FdHandle handle,
      EPollSelector selector,
      boolean holdsUse,
      int interestOps) {
    this.channel = channel;
    this.handle = handle;
    this.selector = selector;
    this.holdsUse = holdsUse;
    this.interestOps = interestOps;
  }

  @Override
  public SelectableChannel channel() {
    return channel;
  }

  /** The channel's descriptor. */
  FdHandle handle() {
    return handle;
  }

  @Override
  public Selector selector() {
    return selector;
  }

  private void ensureValid() {
    if (!isValid()) {
      throw new CancelledKeyException();
    }
  }

  @Override
  public int interestOps() {
    ensureValid();
    return interestOps;
  }

  @Override
  public EPollSelectionKey interestOps(int ops) {
    ensureValid();
    if ((ops & ~channel.validOps()) != 0) {
      throw new IllegalArgumentException("Invalid interest ops: 0x" + Integer.toHexString(ops));
    }
    int old;
    synchronized (this) {
      old = interestOps;
      interestOps = ops;
    }
    if (old != ops) {
      selector.interestChanged(this);
    }
    return this;
  }

  /** The interest set without the validity check, for the selector. */
  int currentInterestOps() {
    return interestOps;
  }

  @Override
  public int readyOps() {
    ensureValid();
    return readyOps;
  }

  void setReadyOps(int ops) {
    readyOps = ops;
  }

  /** Whether the key held a use of the descriptor; it no longer does after this call. */
  synchronized boolean takeUse() {
    boolean held = holdsUse;
    holdsUse = false;
    return held;
  }

  synchronized boolean holdsUse() {
    return holdsUse;
  }

  @Override
  public String toString() {
    if (!isValid()) {
      return "channel=" + channel + ", selector=" + selector + ", invalid";
    }
    return "channel="
        + channel
        + ", selector="
        + selector
        + ", interestOps="
        + interestOps
        + ", readyOps="
        + readyOps;
  }
}
