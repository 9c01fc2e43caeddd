package io.socketpair4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Run in a child JVM with a low descriptor limit by {@link DescriptorTruncationTest}, on the socket
 * type named by the system property {@code probe.type}: with the descriptor table full but for
 * {@code free} entries, receives a message that carries five descriptors. The kernel installs
 * {@code free} of them and reports {@code MSG_CTRUNC}; the read must throw {@link
 * DescriptorsTruncatedException} with the data in the buffer, and have closed those that arrived,
 * so that exactly {@code free} descriptors can be opened again, and closing the fillers brings
 * {@code /proc/self/fd} back to where it began. Prints what it saw; exits with 1 on a failed check.
 */
public final class DescriptorLimitProbe {
  private DescriptorLimitProbe() {}

  private static final String DATA = "limit probe";
  private static final int SENT = 5;

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    AnyPair.Type type = AnyPair.Type.valueOf(System.getProperty("probe.type"));
    Path devNull = Path.of("/dev/null");
    Path file = Files.createTempFile("descriptor-limit", ".probe");
    boolean ok = true;
    try (AnyPair pair = type.open();
        FileChannel passed = FileChannel.open(file)) {
      int[] fds = new int[SENT];
      Arrays.fill(fds, FdTable.fdOf(file));
      long start = entries();
      // The first round (3 free) also loads every class the later rounds need, while it can.
      for (int free : new int[] {3, 0, 2}) {
        pair.first.writeWithDescriptors(
            ByteBuffer.wrap(DATA.getBytes(StandardCharsets.US_ASCII)), fds);
        List<FileChannel> fillers = new ArrayList<>();
        List<FileChannel> reopened = new ArrayList<>();
        String outcome;
        try {
          fill(fillers, devNull);
          for (int i = 0; i < free; i++) {
            fillers.remove(fillers.size() - 1).close();
          }
          outcome = receive(pair.second);
          fill(reopened, devNull); // as many as are free now
        } finally {
          for (FileChannel f : reopened) {
            f.close();
          }
          for (FileChannel f : fillers) {
            f.close();
          }
        }
        long now = entries();
        System.out.println(
            type + " free=" + free + ": " + outcome + " reopenable=" + reopened.size());
        if (!outcome.startsWith("truncated") || reopened.size() != free || now != start) {
          System.out.println(
              "FAIL: expected a truncation, "
                  + free
                  + " reopenable and "
                  + start
                  + " entries at the end; entries now "
                  + now);
          ok = false;
        }
      }
    } finally {
      Files.delete(file);
    }
    if (!ok) {
      System.exit(1);
    }
    System.out.println("entries back to the start");
  }

  /** Receives one message with descriptors and says what came of it. */
  private static String receive(UnixChannel end) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(32);
    try {
      ReceivedMessage m = end.readWithDescriptors(in);
      int count = m.descriptors().size();
      for (Descriptor d : m.descriptors()) {
        d.close();
      }
      return "received " + count + " descriptors";
    } catch (DescriptorsTruncatedException e) {
      return "truncated bytesRead="
          + e.bytesRead()
          + " length="
          + e.length()
          + " closed="
          + e.closedDescriptors()
          + " data="
          + new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
    }
  }

  /** Opens /dev/null until the descriptor table is full. */
  private static void fill(List<FileChannel> fillers, Path devNull) {
    try {
      for (; ; ) {
        fillers.add(FileChannel.open(devNull));
      }
    } catch (IOException e) {
      // the table is now full
    }
  }

  private static long entries() throws IOException {
    try (var list = Files.list(Path.of("/proc/self/fd"))) {
      return list.count();
    }
  }
}
