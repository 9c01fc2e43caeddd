package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Descriptors and memory: nothing leaks, and running out of descriptors fails clearly. */
class ResourceTest {

  @Test
  @DisplayName("S7: when the descriptor limit is reached, open() names EMFILE and leaks nothing")
  void s7_exhaustedDescriptorTable() throws Exception {
    String output =
        ChildJvm.run(FdExhaustionProbe.class, 256, "--enable-native-access=ALL-UNNAMED");
    assertThat(output)
        .contains("exhausted: java.io.IOException: socketpair: Too many open files (EMFILE)")
        .contains("one free: java.io.IOException: socketpair: Too many open files (EMFILE)")
        .containsPattern("pairs opened=\\d{2,}");
  }

  @Test
  void aMillionOpenCloseCyclesLeaveTheDescriptorTableAsItWas() throws IOException {
    long before = descriptorCount();
    long sockets = TestSupport.openSocketCount();
    for (int i = 0; i < 1_000_000; i++) {
      UnixSocketPair.open().close();
    }
    assertThat(descriptorCount()).isEqualTo(before);
    assertThat(TestSupport.openSocketCount()).isEqualTo(sockets);
  }

  /**
   * Platform threads wait with an eventfd borrowed for the wait, so threads that waited and ended
   * leave at most {@code WakeupFds.MAX_IDLE} idle eventfds, not one each until a garbage
   * collection.
   */
  @Test
  void threadsThatWaitedLeaveNoEventfdsBehind() throws Exception {
    long before = eventFds();
    List<UnixSocketPair> pairs = new ArrayList<>();
    List<Background<Integer>> readers = new ArrayList<>();
    try {
      for (int i = 0; i < 1_000; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        readers.add(Background.start(() -> pair.first().read(ByteBuffer.allocate(1))));
      }
      for (Background<Integer> r : readers) {
        r.awaitBlocked();
      }
      for (UnixSocketPair pair : pairs) {
        pair.second().write(ByteBuffer.wrap(new byte[] {1}));
      }
      for (Background<Integer> r : readers) {
        assertThat(r.get()).isEqualTo(1);
        r.thread().join();
      }
    } finally {
      for (UnixSocketPair pair : pairs) {
        pair.close();
      }
    }
    assertThat(eventFds()).isLessThanOrEqualTo(before + 64);
  }

  private static long eventFds() throws IOException {
    return TestSupport.descriptors(target -> target.equals("anon_inode:[eventfd]"));
  }

  @Test
  void openingAndClosingSelectorsLeavesNoDescriptorBehind() throws IOException {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      pair.first().configureBlocking(false);
      long before = allDescriptors();
      long beforeOtherThanEventFds = descriptorCount();
      for (int i = 0; i < 10_000; i++) {
        try (java.nio.channels.Selector s = UnixSelectorProvider.provider().openSelector()) {
          pair.first().register(s, java.nio.channels.SelectionKey.OP_READ);
          s.wakeup();
          s.select();
        }
      }
      // Each selector has an epoll descriptor and a wake-up eventfd. Eventfds of other tests'
      // threads may be closed meanwhile by a cleaner, so: none more, and the rest exactly equal.
      assertThat(allDescriptors()).isLessThanOrEqualTo(before);
      assertThat(descriptorCount()).isEqualTo(beforeOtherThanEventFds);
    }
  }

  private static long allDescriptors() throws IOException {
    try (var entries = Files.list(Path.of("/proc/self/fd"))) {
      return entries.count();
    }
  }

  /**
   * Entries of /proc/self/fd, not counting eventfds: those belong to the waiters of threads, and a
   * cleaner closes them whenever an earlier test's threads are collected.
   */
  private static long descriptorCount() throws IOException {
    return TestSupport.descriptors(target -> !target.equals("anon_inode:[eventfd]"));
  }

  @ParameterizedTest(name = "direct={0} blocking={1}")
  @CsvSource({"false,true", "false,false", "true,true", "true,false"})
  void readsAndWritesMakeNoGarbageInSteadyState(boolean direct, boolean blocking)
      throws IOException {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ByteBuffer out = direct ? ByteBuffer.allocateDirect(8) : ByteBuffer.allocate(8);
    ByteBuffer in = direct ? ByteBuffer.allocateDirect(8) : ByteBuffer.allocate(8);
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      pair.first().configureBlocking(blocking);
      pair.second().configureBlocking(blocking);
      int calls = 2 * 20_000;
      double perCall = Double.MAX_VALUE;
      int goodRounds = 0;
      // Rounds until three in a row are below the bound (the JIT needs a few to settle).
      for (int round = 0; round < 60 && goodRounds < 3; round++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls / 2; i++) {
          out.clear().putLong(0, i);
          // (Plain checks: an assertion library allocates.)
          if (pair.first().write(out) != 8 || pair.second().read(in.clear()) != 8) {
            throw new AssertionError("short write or read");
          }
          if (in.getLong(0) != i) {
            throw new AssertionError("read " + in.getLong(0) + ", expected " + i);
          }
        }
        perCall = (threads.getCurrentThreadAllocatedBytes() - before) / (double) calls;
        goodRounds = perCall < 64 ? goodRounds + 1 : 0;
      }
      assertThat(perCall).as("bytes allocated per read or write").isLessThan(64);
    }
  }
}
