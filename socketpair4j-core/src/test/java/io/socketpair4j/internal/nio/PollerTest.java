package io.socketpair4j.internal.nio;

import static io.socketpair4j.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.Background;
import io.socketpair4j.TestSupport;
import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.UnixSocketPair;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pollers that wake virtual threads, in whichever design this JVM runs: virtual sub-pollers
 * under a platform master (the default), or platform pollers ({@code
 * -Dio.socketpair4j.poller=platform}, the Maven execution {@code platform-pollers}).
 */
@Timeout(120)
class PollerTest {
  @Test
  void theDesignIsTheOneThePropertyAsksFor() {
    boolean platform = "platform".equals(System.getProperty("io.socketpair4j.poller"));
    assertThat(Poller.SUB_POLLERS).isEqualTo(!platform);
  }

  /**
   * A reader that waits long enough for the read sub-poller to go idle and park is woken through
   * the master poller, every time.
   */
  @Test
  void aReaderIsWokenAfterTheSubPollerParked() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      for (long i = 0; i < 20; i++) {
        Background<Long> reader =
            Background.start(true, () -> TestSupport.readLong(pair.second())).awaitBlocked();
        if (Poller.SUB_POLLERS) {
          // it parks once it has polled SPINS times and found nothing; then only the master
          // wakes it, when the descriptor is ready
          await("the read sub-poller to park", () -> Poller.reads().isIdle());
        }
        pair.first().write(ByteBuffer.allocate(8).putLong(0, i));
        assertThat(reader.get()).isEqualTo(i);
      }
    }
  }

  /**
   * Conversations between virtual threads, many at once on few carriers, streams and messages:
   * every round trip completes and no wake-up is lost, whether the sub-poller finds the next event
   * while it spins or only after it parked.
   */
  @Test
  void manyVirtualConversationsCompleteWithoutLostWakeUps() throws Exception {
    int pairs = 100;
    int trips = 200;
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      List<Background<Void>> parties = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        UnixSocketPair s = UnixSocketPair.open();
        opened.add(s);
        UnixDatagramPair m = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
        opened.add(m);
        parties.add(Background.start(true, () -> echo(s.second(), trips)));
        parties.add(Background.start(true, () -> ping(s.first(), trips)));
        parties.add(Background.start(true, () -> echo(m.second(), trips)));
        parties.add(Background.start(true, () -> ping(m.first(), trips)));
      }
      for (Background<Void> party : parties) {
        party.get();
      }
    } finally {
      for (AutoCloseable c : opened) {
        c.close();
      }
    }
  }

  private static Void echo(ByteChannel end, int trips) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8);
    for (int i = 0; i < trips; i++) {
      b.clear();
      while (b.hasRemaining()) {
        end.read(b);
      }
      b.flip();
      while (b.hasRemaining()) {
        end.write(b);
      }
    }
    return null;
  }

  private static Void ping(ByteChannel end, int trips) throws Exception {
    ByteBuffer out = ByteBuffer.allocate(8);
    ByteBuffer in = ByteBuffer.allocate(8);
    for (long i = 0; i < trips; i++) {
      out.clear().putLong(0, i);
      while (out.hasRemaining()) {
        end.write(out);
      }
      in.clear();
      while (in.hasRemaining()) {
        end.read(in);
      }
      assertThat(in.getLong(0)).isEqualTo(i);
    }
    return null;
  }
}
