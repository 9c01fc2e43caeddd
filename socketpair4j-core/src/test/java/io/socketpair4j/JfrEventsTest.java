package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR events of socketpair4j: recorded, with the fields a person debugging needs, when a
 * recording enables them; not recorded when it does not (they are off by default).
 */
@Timeout(60)
class JfrEventsTest {
  private static final List<String> ALL =
      List.of(
          "io.socketpair4j.SocketRead",
          "io.socketpair4j.SocketWrite",
          "io.socketpair4j.PairOpened",
          "io.socketpair4j.ChannelClosed",
          "io.socketpair4j.DescriptorsPassed",
          "io.socketpair4j.ChildSpawned");

  @TempDir Path dir;

  /** Runs {@code work} inside a recording that enables {@code enabled}; returns our events. */
  private List<RecordedEvent> record(List<String> enabled, IoWork work) throws Exception {
    Path file = dir.resolve("recording.jfr");
    try (Recording r = new Recording()) {
      for (String name : enabled) {
        r.enable(name).withThreshold(Duration.ZERO).withStackTrace();
      }
      r.start();
      work.run();
      r.stop();
      r.dump(file);
    }
    return RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("io.socketpair4j."))
        .toList();
  }

  interface IoWork {
    void run() throws Exception;
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }

  private static RecordedEvent one(
      List<RecordedEvent> events, String name, Predicate<RecordedEvent> which) {
    List<RecordedEvent> found = named(events, name).stream().filter(which).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0);
  }

  @Test
  void pairsReadsWritesAndClosesAreRecordedWithTheirDescriptors() throws Exception {
    int[] fds = new int[2];
    List<RecordedEvent> events =
        record(
            ALL,
            () -> {
              try (UnixSocketPair pair = UnixSocketPair.open()) {
                fds[0] = pair.first().fd();
                fds[1] = pair.second().fd();
                // a read that waits, on a virtual thread, until the write comes
                Background<Integer> reader =
                    Background.start(true, () -> pair.second().read(ByteBuffer.allocate(16)));
                reader.awaitBlocked();
                pair.first().write(TestSupport.ascii("hello"));
                assertThat(reader.get()).isEqualTo(5);
                // a timed read that times out, on a platform thread
                try {
                  pair.second().read(ByteBuffer.allocate(16), 1, TimeUnit.MILLISECONDS);
                } catch (java.net.SocketTimeoutException expected) {
                  // recorded as timed out
                }
              }
            });
    RecordedEvent opened =
        one(events, "io.socketpair4j.PairOpened", e -> e.getInt("firstFd") == fds[0]);
    assertThat(opened.getString("backend")).isEqualTo("native");
    assertThat(opened.getString("socketType")).isEqualTo("STREAM");
    assertThat(opened.getInt("secondFd")).isEqualTo(fds[1]);

    RecordedEvent write = one(events, "io.socketpair4j.SocketWrite", e -> e.getInt("fd") == fds[0]);
    assertThat(write.getLong("bytesWritten")).isEqualTo(5);
    assertThat(write.getBoolean("virtualThread")).isFalse();
    assertThat(write.getStackTrace()).isNotNull();

    List<RecordedEvent> reads =
        named(events, "io.socketpair4j.SocketRead").stream()
            .filter(e -> e.getInt("fd") == fds[1])
            .toList();
    assertThat(reads).hasSize(2);
    RecordedEvent waited = reads.stream().filter(e -> !e.getBoolean("timedOut")).findFirst().get();
    assertThat(waited.getLong("bytesRead")).isEqualTo(5);
    assertThat(waited.getBoolean("virtualThread")).isTrue();
    assertThat(waited.getBoolean("blocking")).isTrue();
    assertThat(waited.getDuration()).isPositive();
    RecordedEvent timedOut = reads.stream().filter(e -> e.getBoolean("timedOut")).findFirst().get();
    assertThat(timedOut.getDuration("timeout")).isEqualTo(Duration.ofMillis(1));
    assertThat(timedOut.getLong("bytesRead")).isZero();

    assertThat(
            named(events, "io.socketpair4j.ChannelClosed").stream()
                .filter(e -> e.getInt("fd") == fds[0] || e.getInt("fd") == fds[1])
                .map(e -> e.getString("socketType")))
        .containsExactly("STREAM", "STREAM");
  }

  @Test
  void descriptorsPassedAreRecordedOnBothSides() throws Exception {
    int[] channelFds = new int[3];
    List<RecordedEvent> events =
        record(
            ALL,
            () -> {
              try (UnixDatagramPair pair = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
                  UnixSocketPair passed = UnixSocketPair.open()) {
                channelFds[0] = pair.first().fd();
                channelFds[1] = pair.second().fd();
                channelFds[2] = passed.first().fd();
                pair.first().writeWithDescriptors(TestSupport.ascii("x"), passed.first());
                ReceivedMessage m = pair.second().readWithDescriptors(ByteBuffer.allocate(4));
                m.descriptors().forEach(Descriptor::close);
              }
            });
    RecordedEvent sent =
        one(events, "io.socketpair4j.DescriptorsPassed", e -> e.getInt("fd") == channelFds[0]);
    assertThat(sent.getString("direction")).isEqualTo("sent");
    assertThat(sent.getInt("count")).isEqualTo(1);
    assertThat(sent.getString("descriptors")).isEqualTo(Integer.toString(channelFds[2]));
    RecordedEvent received =
        one(events, "io.socketpair4j.DescriptorsPassed", e -> e.getInt("fd") == channelFds[1]);
    assertThat(received.getString("direction")).isEqualTo("received");
    assertThat(received.getInt("count")).isEqualTo(1);
  }

  @Test
  void aChildStartedWithAnEndIsRecorded() throws Exception {
    long[] pid = new long[1];
    List<RecordedEvent> events =
        record(
            ALL,
            () -> {
              try (UnixSocketPair pair = UnixSocketPair.open()) {
                Process p = new UnixProcessBuilder("true").mapDescriptor(3, pair.second()).start();
                pid[0] = p.pid();
                assertThat(p.waitFor()).isZero();
              }
            });
    RecordedEvent spawned = one(events, "io.socketpair4j.ChildSpawned", e -> true);
    assertThat(spawned.getLong("pid")).isEqualTo(pid[0]);
    assertThat(spawned.getString("command")).isEqualTo("true");
    assertThat(spawned.getString("descriptors")).startsWith("3=UnixSocketChannel[connected fd=");
  }

  @Test
  void thePortableBackendsPairsAreRecorded() throws Exception {
    List<RecordedEvent> events =
        record(
            ALL,
            () -> {
              SocketPair.open().close();
            });
    RecordedEvent opened = one(events, "io.socketpair4j.PairOpened", e -> true);
    assertThat(opened.getString("backend")).isEqualTo("portable");
    assertThat(opened.getInt("firstFd")).isEqualTo(-1);
  }

  @Test
  void nothingIsRecordedByARecordingThatDoesNotEnableThem() throws Exception {
    List<RecordedEvent> events =
        record(
            List.of("jdk.SocketRead"),
            () -> {
              try (UnixSocketPair pair = UnixSocketPair.open()) {
                pair.first().write(TestSupport.ascii("hello"));
                pair.second().read(ByteBuffer.allocate(16));
              }
            });
    assertThat(events).isEmpty();
  }

  @Test
  void theEventsAreOffByDefault() throws IOException {
    // the settings a recording gets for an event it does not name: the event's own annotations
    for (String name : ALL) {
      jdk.jfr.EventType type =
          jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes().stream()
              .filter(t -> t.getName().equals(name))
              .findFirst()
              .orElse(null);
      if (type != null) { // registered once its class was loaded by an earlier test
        assertThat(type.isEnabled()).as(name).isFalse();
      }
    }
  }
}
