package io.socketpair4j.bench;

/**
 * The honesty check: opens and closes pairs and counts /proc/self/fd before and after. Run in a JVM
 * of its own per implementation:
 *
 * <pre>java -cp benchmarks.jar io.socketpair4j.bench.LeakCheck IMPL N</pre>
 *
 * prints the descriptors left open per pair, right after closing and again after a garbage
 * collection.
 */
public final class LeakCheck {
  private LeakCheck() {}

  public static void main(String[] args) throws Exception {
    Impl impl = Impl.valueOf(args[0]);
    int n = Integer.parseInt(args[1]);
    impl.open().close(); // let the implementation set itself up (listeners, helper sockets)
    settle();
    long before = Descriptors.count();
    for (int i = 0; i < n; i++) {
      impl.open().close();
    }
    settle();
    long after = Descriptors.count();
    System.gc();
    Thread.sleep(500); // for cleaners that close what was dropped; this is a report, not a test
    long afterGc = Descriptors.count();
    System.out.println((after - before) / (double) n + " " + (afterGc - before) / (double) n);
  }

  /**
   * Closes the pairs that SocketPair keeps made in advance (verified, unused, waiting for the next
   * open), so that they are not counted as left behind.
   */
  private static void settle() throws java.io.IOException {
    io.socketpair4j.internal.portable.PairSupply.clear();
  }
}
