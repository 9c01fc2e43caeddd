package io.socketpair4j.internal.portable;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where portable pairs come from. A rendezvous has a fixed cost (a directory, a listener, their
 * removal) several times that of one connection, so pairs are made in batches: the first rendezvous
 * makes one pair, each later one twice as many as the one before, up to {@link
 * RendezvousSettings#maxBatch()}; the pairs not handed out at once wait, connected, verified and
 * unused, for the next calls. So at most {@code maxBatch - 1} pairs wait at any time.
 */
public final class PairSupply {
  private PairSupply() {}

  private static final ReentrantLock LOCK = new ReentrantLock(); // parks, does not pin
  private static final ArrayDeque<SocketChannel[]> READY = new ArrayDeque<>();
  private static int nextBatch = 1;

  /**
   * A connected, verified pair: the connecting end, then the accepted end, both in blocking mode.
   */
  public static SocketChannel[] take() throws IOException {
    LOCK.lock();
    try {
      SocketChannel[] ready = READY.pollFirst();
      if (ready != null) {
        return ready;
      }
      RendezvousSettings settings = RendezvousSettings.current();
      int batch = Math.min(nextBatch, settings.maxBatch());
      List<SocketChannel[]> made = Rendezvous.open(batch, settings);
      nextBatch = Math.min(batch * 2, settings.maxBatch());
      READY.addAll(made.subList(1, made.size()));
      return made.get(0);
    } finally {
      LOCK.unlock();
    }
  }

  /** How many pairs wait to be handed out. */
  public static int ready() {
    LOCK.lock();
    try {
      return READY.size();
    } finally {
      LOCK.unlock();
    }
  }

  /** Closes the waiting pairs and starts again from batches of one. */
  public static void clear() throws IOException {
    LOCK.lock();
    try {
      SocketChannel[] pair;
      while ((pair = READY.pollFirst()) != null) {
        try (SocketChannel first = pair[0]) {
          pair[1].close();
        }
      }
      nextBatch = 1;
    } finally {
      LOCK.unlock();
    }
  }
}
