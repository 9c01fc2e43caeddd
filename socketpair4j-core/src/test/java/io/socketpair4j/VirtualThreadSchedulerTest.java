package io.socketpair4j;

import static io.socketpair4j.TestSupport.PROMPTLY;
import static io.socketpair4j.TestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads blocked on our channels and selectors park: they never hold one of the few
 * carrier threads. Runs in its own JVM with the scheduler limited to two carriers (the Maven
 * execution {@code two-carriers}), so one pinned thread would starve the rest.
 */
@Tag("two-carriers")
@Timeout(120)
class VirtualThreadSchedulerTest {
  private static final String PINNED = "jdk.VirtualThreadPinned";
  private static final int READERS = 2_000;
  private static final int WRITERS = 20;
  private static final int SELECTORS = 20;
  private static final int WRITE = 50_000;

  @BeforeAll
  static void runsWithTwoCarriers() throws Exception {
    assertThat(System.getProperty("jdk.virtualThreadScheduler.parallelism")).isEqualTo("2");
    assertThat(System.getProperty("jdk.virtualThreadScheduler.maxPoolSize")).isEqualTo("2");
    // The first use of a class by several virtual threads at once can pin them for a moment while
    // it is loaded (the JDK's class loading is not preemptible). That is not what this test is
    // about: it warms up with a small run, then records a large one.
    scenario(8, 2, 2, 2);
  }

  @Test
  void blockedVirtualThreadsHoldNoCarrierAndAllComplete() throws Exception {
    List<RecordedEvent> pinned;
    try (Recording recording = startRecording()) {
      scenario(READERS, WRITERS, SELECTORS, 100);
      pinned = stop(recording);
    }
    Set<String> library = libraryClassNames();
    assertThat(library).contains(UnixSocketPair.class.getName());
    assertThat(
            pinned.stream()
                .filter(e -> hasFrameOf(e, library::contains))
                .map(VirtualThreadSchedulerTest::describe))
        .as("pinning events with frames of the library")
        .isEmpty();
  }

  /**
   * The recording can see pinning: a virtual thread that sleeps inside an upcall from native code
   * (qsort's comparator) is pinned, and the event's stack shows this class. Without this, an empty
   * list of events above would prove nothing.
   */
  @Test
  void theRecordingSeesAPinnedVirtualThread() throws Throwable {
    List<RecordedEvent> pinned;
    try (Recording recording = startRecording()) {
      Thread.ofVirtual().start(VirtualThreadSchedulerTest::sortWithASleepingComparator).join();
      pinned = stop(recording);
    }
    String self = VirtualThreadSchedulerTest.class.getName();
    assertThat(pinned).anyMatch(e -> hasFrameOf(e, self::equals));
  }

  /**
   * 2,000 virtual threads block reading, 20 writing into full buffers and 20 selecting; meanwhile
   * other virtual threads run to completion, including ones doing I/O of their own; then each
   * blocked thread is released and gets exactly its data.
   */
  private static void scenario(int readers, int writers, int selecting, int others)
      throws Exception {
    List<UnixSocketPair> pairs = new ArrayList<>();
    List<CompletableFuture<Integer>> blocked = new ArrayList<>();
    List<Thread> blockedThreads = new ArrayList<>();
    List<Selector> selectors = new ArrayList<>();
    List<Long> queued = new ArrayList<>();
    try {
      for (int i = 0; i < readers; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        CompletableFuture<Integer> read = new CompletableFuture<>();
        blocked.add(read);
        blockedThreads.add(Thread.ofVirtual().start(() -> readOneByte(pair, read)));
      }
      for (int i = 0; i < writers; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        pair.first().configureBlocking(false);
        queued.add(TestSupport.fill(pair.first()));
        pair.first().configureBlocking(true);
        CompletableFuture<Integer> written = new CompletableFuture<>();
        blocked.add(written);
        blockedThreads.add(Thread.ofVirtual().start(() -> writeMore(pair, written)));
      }
      for (int i = 0; i < selecting; i++) {
        UnixSocketPair pair = UnixSocketPair.open();
        pairs.add(pair);
        Selector selector = UnixSelectorProvider.provider().openSelector();
        selectors.add(selector);
        pair.first().configureBlocking(false).register(selector, SelectionKey.OP_READ);
        CompletableFuture<Integer> selected = new CompletableFuture<>();
        blocked.add(selected);
        blockedThreads.add(Thread.ofVirtual().start(() -> selectOnce(selector, selected)));
      }
      for (Thread t : blockedThreads) {
        awaitBlocked(t);
      }

      // Other virtual threads still get carriers and finish, while all of those stay blocked.
      List<Thread> running = new ArrayList<>();
      for (int i = 0; i < others; i++) {
        running.add(Thread.ofVirtual().start(() -> pingPong(50)));
      }
      for (Thread t : running) {
        assertThat(t.join(PROMPTLY)).as("%s finished", t).isTrue();
      }
      assertThat(blocked).noneMatch(CompletableFuture::isDone);

      // Release everyone and check each got what was meant for it.
      for (int i = 0; i < readers; i++) {
        pairs.get(i).second().write(ByteBuffer.wrap(new byte[] {(byte) i}));
      }
      for (int i = 0; i < writers; i++) {
        // everything the writer queued before blocking, then all of its blocked write
        TestSupport.readFully(pairs.get(readers + i).second(), (int) (queued.get(i) + WRITE));
      }
      for (int i = readers + writers; i < pairs.size(); i++) {
        pairs.get(i).second().write(ByteBuffer.wrap(new byte[] {1}));
      }
      for (int i = 0; i < readers; i++) {
        assertThat(blocked.get(i).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i & 0xff);
      }
      for (int i = readers; i < readers + writers; i++) {
        assertThat(blocked.get(i).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(WRITE);
      }
      for (int i = readers + writers; i < pairs.size(); i++) {
        assertThat(blocked.get(i).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      for (Selector s : selectors) {
        s.close();
      }
      for (UnixSocketPair p : pairs) {
        p.close();
      }
    }
  }

  private static void readOneByte(UnixSocketPair pair, CompletableFuture<Integer> result) {
    try {
      ByteBuffer b = ByteBuffer.allocate(1);
      pair.first().read(b);
      result.complete(b.get(0) & 0xff);
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private static void writeMore(UnixSocketPair pair, CompletableFuture<Integer> result) {
    try {
      result.complete(pair.first().write(ByteBuffer.allocate(WRITE)));
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private static void selectOnce(Selector selector, CompletableFuture<Integer> result) {
    try {
      result.complete(selector.select());
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  /** Sends {@code rounds} 8-byte messages back and forth through a new pair. */
  private static void pingPong(int rounds) {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      Thread echo =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      ByteBuffer b = ByteBuffer.allocate(8);
                      for (int i = 0; i < rounds; i++) {
                        TestSupport.readInto(pair.second(), b.clear());
                        pair.second().write(b.flip());
                      }
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
      ByteBuffer b = ByteBuffer.allocate(8);
      for (int i = 0; i < rounds; i++) {
        pair.first().write(b.clear().putLong(0, i));
        TestSupport.readInto(pair.first(), b.clear());
        if (b.getLong(0) != i) {
          throw new AssertionError("echo " + b.getLong(0) + " for " + i);
        }
      }
      echo.join();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Recording startRecording() {
    Recording recording = new Recording();
    recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
    recording.start();
    return recording;
  }

  private static List<RecordedEvent> stop(Recording recording) throws IOException {
    recording.stop();
    Path file = Files.createTempFile("socketpair4j-pinning", ".jfr");
    try {
      recording.dump(file);
      return RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().equals(PINNED))
          .toList();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static boolean hasFrameOf(RecordedEvent event, Predicate<String> className) {
    if (event.getStackTrace() == null) {
      return false;
    }
    for (RecordedFrame frame : event.getStackTrace().getFrames()) {
      if (className.test(frame.getMethod().getType().getName())) {
        return true;
      }
    }
    return false;
  }

  /** The event with its whole stack (its toString shows only the top frames). */
  private static String describe(RecordedEvent event) {
    StringBuilder sb =
        new StringBuilder(event.getString("blockingOperation"))
            .append(" (")
            .append(event.getString("pinnedReason"))
            .append(")");
    for (RecordedFrame frame : event.getStackTrace().getFrames()) {
      sb.append("\n  at ")
          .append(frame.getMethod().getType().getName())
          .append('.')
          .append(frame.getMethod().getName())
          .append(':')
          .append(frame.getLineNumber());
    }
    return sb.toString();
  }

  /** The classes of the library itself (not of these tests): those next to UnixSocketPair. */
  private static Set<String> libraryClassNames() throws Exception {
    Path root =
        Path.of(UnixSocketPair.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (var files = Files.walk(root)) {
      return files
          .map(root::relativize)
          .map(Path::toString)
          .filter(name -> name.endsWith(".class") && !name.equals("module-info.class"))
          .map(name -> name.substring(0, name.length() - 6).replace('/', '.'))
          .collect(Collectors.toSet());
    }
  }

  // -- the positive control: a virtual thread pinned by a native frame ----------------------

  private static void sortWithASleepingComparator() {
    try {
      Pinning.callPinned(
          () -> {
            Thread.sleep(1); // parks while a native frame is on the stack
            return null;
          });
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
