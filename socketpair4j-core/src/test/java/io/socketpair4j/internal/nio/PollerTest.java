package io.socketpair4j.internal.nio;

import static io.socketpair4j.TestSupport.PROMPTLY;
import static io.socketpair4j.TestSupport.await;
import static io.socketpair4j.TestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.UnixSocketPair;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
      for (int i = 0; i < 20; i++) {
        int value = i;
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        ByteBuffer b = ByteBuffer.allocate(4);
                        while (b.hasRemaining()) {
                          pair.second().read(b);
                        }
                        read.complete(b.getInt(0));
                      } catch (Throwable t) {
                        read.completeExceptionally(t);
                      }
                    });
        awaitBlocked(reader);
        if (Poller.SUB_POLLERS) {
          // it parks once it has polled SPINS times and found nothing; then only the master
          // wakes it, when the descriptor is ready
          await("the read sub-poller to park", () -> Poller.reads().isIdle());
        }
        pair.first().write(ByteBuffer.allocate(4).putInt(0, value));
        assertThat(read.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(value);
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
    int conversations = 200;
    int trips = 200;
    UnixSocketPair[] streams = new UnixSocketPair[conversations / 2];
    UnixDatagramPair[] messages = new UnixDatagramPair[conversations / 2];
    try {
      for (int i = 0; i < conversations / 2; i++) {
        streams[i] = UnixSocketPair.open();
        messages[i] = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
      }
      CompletableFuture<?>[] done = new CompletableFuture<?>[conversations * 2];
      for (int i = 0; i < conversations / 2; i++) {
        UnixSocketPair s = streams[i];
        UnixDatagramPair m = messages[i];
        done[4 * i] = run(() -> echo(s.second(), trips));
        done[4 * i + 1] = run(() -> ping(s.first(), trips));
        done[4 * i + 2] = run(() -> echo(m.second(), trips));
        done[4 * i + 3] = run(() -> ping(m.first(), trips));
      }
      CompletableFuture.allOf(done).get(PROMPTLY.toSeconds() * 3, TimeUnit.SECONDS);
    } finally {
      for (int i = 0; i < conversations / 2; i++) {
        if (streams[i] != null) {
          streams[i].close();
        }
        if (messages[i] != null) {
          messages[i].close();
        }
      }
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static CompletableFuture<Void> run(Body body) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                body.run();
                f.complete(null);
              } catch (Throwable t) {
                f.completeExceptionally(t);
              }
            });
    return f;
  }

  private static void echo(java.nio.channels.ByteChannel end, int trips) throws Exception {
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
  }

  private static void ping(java.nio.channels.ByteChannel end, int trips) throws Exception {
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
  }
}
