package io.socketpair4j.bench;

import io.socketpair4j.UnixDatagramPair;

/**
 * The honesty check of the message and descriptor rows, in a JVM of its own per configuration:
 *
 * <pre>
 * java -cp benchmarks.jar io.socketpair4j.bench.MessageLeakCheck pairs IMPL SEQPACKET|DATAGRAM N
 * java -cp benchmarks.jar io.socketpair4j.bench.MessageLeakCheck descriptors IMPL STREAM|SEQPACKET N
 * </pre>
 *
 * <p>{@code pairs} opens and closes N message pairs; {@code descriptors} passes N descriptors over
 * one pair (each message sent, then received and its descriptor closed), counting /proc/self/fd
 * while the pair is still open, so that a library that closes what it received only when its socket
 * is closed is not excused. Prints the descriptors left open per pair or per message, right after
 * and again after a garbage collection (for {@code descriptors}: after closing the pair too).
 */
public final class MessageLeakCheck {
  private MessageLeakCheck() {}

  public static void main(String[] args) throws Exception {
    MessageImpl impl = MessageImpl.valueOf(args[1]);
    int n = Integer.parseInt(args[3]);
    double[] perOne =
        switch (args[0]) {
          case "pairs" -> pairs(impl, UnixDatagramPair.Type.valueOf(args[2]), n);
          case "descriptors" -> descriptors(impl, PassingSocket.valueOf(args[2]), n);
          default -> throw new IllegalArgumentException("pairs or descriptors, not " + args[0]);
        };
    System.out.println(perOne[0] + " " + perOne[1]);
  }

  private static double[] pairs(MessageImpl impl, UnixDatagramPair.Type type, int n)
      throws Exception {
    impl.open(type).close(); // let the implementation set itself up
    long before = Descriptors.count();
    for (int i = 0; i < n; i++) {
      impl.open(type).close();
    }
    long after = Descriptors.count();
    System.gc();
    Thread.sleep(500); // for cleaners that close what was dropped; this is a report, not a test
    long afterGc = Descriptors.count();
    return new double[] {(after - before) / (double) n, (afterGc - before) / (double) n};
  }

  private static double[] descriptors(MessageImpl impl, PassingSocket socket, int n)
      throws Exception {
    long outside = Descriptors.count();
    long before;
    long after;
    try (NativePipe pipe = NativePipe.open();
        DescriptorPassing pair = DescriptorPassing.open(impl, socket, pipe)) {
      pass(pair, 0, 100); // warm-up: let the implementation set itself up
      before = Descriptors.count();
      pass(pair, 100, n);
      after = Descriptors.count();
    }
    System.gc();
    Thread.sleep(500);
    long afterGc = Descriptors.count();
    return new double[] {(after - before) / (double) n, (afterGc - outside) / (double) n};
  }

  private static void pass(DescriptorPassing pair, int first, int n) throws Exception {
    for (int i = first; i < first + n; i++) {
      pair.send((byte) i);
      int b = pair.receive();
      if (b != (i & 0xff)) {
        throw new IllegalStateException("message " + i + ": got byte " + b);
      }
    }
  }
}
