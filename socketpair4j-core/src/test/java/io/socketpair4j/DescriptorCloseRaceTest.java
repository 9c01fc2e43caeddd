package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closing a channel or {@link Descriptor} while another thread is passing it on, again and again,
 * while a third thread keeps opening files so that a number given back is taken again at once: the
 * receiver must only ever get the socket that was being passed, never another file that came to
 * have its number; the sender gets either success or {@code EBADF}.
 */
@Timeout(60)
class DescriptorCloseRaceTest {
  private static final int ROUNDS = 200;
  private static final long END = -1;

  @ParameterizedTest(name = "over {0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: a channel or Descriptor closed while being passed never makes another file go in its"
          + " place")
  void s54_closeWhilePassingNeverSendsAnotherFile(AnyPair.Type carrierType) throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reopened = new AtomicInteger();
    Background<Void> reuser =
        Background.start(
            () -> {
              // Takes each number that is given back, as soon as it can
              while (!stop.get()) {
                try (FileChannel f = FileChannel.open(Path.of("/dev/null"))) {
                  reopened.incrementAndGet();
                }
              }
              return null;
            });
    int sentTotal = 0;
    int ebadf = 0;
    try (AnyPair carrier = carrierType.open();
        AnyPair descriptorSource = AnyPair.Type.SEQPACKET.open()) {
      for (int round = 0; round < ROUNDS; round++) {
        try (UnixSocketPair victim = UnixSocketPair.open()) {
          String socket = FdTable.target(victim.first().fd());
          Channel item;
          if (round % 2 == 0) {
            item = victim.first();
          } else { // a received Descriptor of the same socket
            descriptorSource.first.writeWithDescriptors(ByteBuffer.allocate(0), victim.first());
            item =
                descriptorSource
                    .second
                    .readWithDescriptors(ByteBuffer.allocate(0))
                    .descriptors()
                    .get(0);
          }
          int closeAfter = round % 4;
          AtomicInteger sent = new AtomicInteger();
          AtomicBoolean closed = new AtomicBoolean();
          int roundNumber = round;
          Background<String> sender =
              Background.start(
                  () -> {
                    ByteBuffer out = ByteBuffer.allocate(8);
                    try {
                      for (; ; ) {
                        if (sent.get() >= closeAfter + 64) {
                          // Enough tries for this round: let the close land (bounds the run time)
                          TestSupport.await("the close", closed::get);
                        }
                        try {
                          carrier.first.writeWithDescriptors(
                              out.clear().putLong(0, roundNumber), item);
                          sent.incrementAndGet();
                        } catch (IOException e) {
                          return e.getMessage();
                        }
                      }
                    } finally {
                      AnyPair.io(carrier.first).write(out.clear().putLong(0, END));
                    }
                  });
          Background<Void> closer =
              Background.start(
                  () -> {
                    TestSupport.await(
                        "the sends before the close",
                        () -> sent.get() >= closeAfter || sender.isDone());
                    item.close();
                    closed.set(true);
                    return null;
                  });

          List<String> wrong = new ArrayList<>();
          int received = 0;
          ByteBuffer in = ByteBuffer.allocate(8);
          for (; ; ) {
            ReceivedMessage m = carrier.second.readWithDescriptors(in.clear(), 1);
            long value = in.getLong(0);
            if (value == END) {
              assertThat(m.descriptors()).isEmpty();
              break;
            }
            assertThat(value).isEqualTo(round);
            assertThat(m.descriptors()).hasSize(1);
            try (Descriptor d = m.descriptors().get(0)) {
              String target = FdTable.target(d.fd());
              if (!socket.equals(target) || !"STREAM".equals(d.socketType())) {
                wrong.add(d.kind() + " " + d.socketType() + " " + target);
              }
            }
            received++;
          }
          assertThat(wrong).as("round %d: what arrived instead of %s", round, socket).isEmpty();
          assertThat(sender.get()).as("round %d: how the sender stopped", round).contains("EBADF");
          closer.get();
          assertThat(received).isEqualTo(sent.get()).isGreaterThanOrEqualTo(closeAfter);
          sentTotal += received;
          ebadf++;
        }
      }
    } finally {
      stop.set(true);
      reuser.get();
    }
    assertThat(ebadf).isEqualTo(ROUNDS);
    assertThat(sentTotal).isGreaterThanOrEqualTo(ROUNDS * 3 / 2);
    assertThat(reopened.get()).as("the reuser ran").isPositive();
    FdTable.assertNothingOpenedSince(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S58/S54: an interrupt or a close racing a receive of descriptors, on platform and virtual"
          + " threads, never leaks one: those the caller does not get are closed")
  void s54_interruptOrCloseRacingAReceiveLeaksNothing(AnyPair.Type type) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("race", ".fd");
    try (FileChannel passed = FileChannel.open(file)) {
      String target = file.toRealPath().toString();
      int fd = FdTable.fdOf(file);
      // The first virtual thread to wait for a read starts the poller, whose epoll instance
      // stays: start it before looking at the table
      try (AnyPair warm = type.open()) {
        Background<Integer> r =
            Background.start(true, () -> AnyPair.io(warm.second).read(ByteBuffer.allocate(1)))
                .awaitBlocked();
        AnyPair.io(warm.first).write(ByteBuffer.allocate(1));
        assertThat(r.get()).isEqualTo(1);
      }
      Map<Integer, String> before = FdTable.snapshot();
      int failures = 0;
      for (int round = 0; round < 200; round++) {
        try (AnyPair pair = type.open()) {
          int queued = 3;
          for (int i = 0; i < queued; i++) {
            pair.first.writeWithDescriptors(ByteBuffer.allocate(1), fd);
          }
          AtomicInteger received = new AtomicInteger();
          Background<Void> reader =
              Background.start(
                  round % 2 == 0,
                  () -> {
                    for (; ; ) { // until the interrupt or close ends it
                      ReceivedMessage m = pair.second.readWithDescriptors(ByteBuffer.allocate(1));
                      received.incrementAndGet();
                      m.descriptors().forEach(Descriptor::close);
                    }
                  });
          int after = round % (queued + 1);
          TestSupport.await(
              "the reads before the interrupt or close",
              () -> received.get() >= after || reader.isDone());
          if ((round / 2) % 2 == 0) {
            reader.thread().interrupt();
          } else {
            ((Channel) pair.second).close();
          }
          Throwable t = reader.failure();
          assertThat(t)
              .as("round %d", round)
              // (ClosedChannelException when the close came between two reads)
              .isInstanceOf(java.nio.channels.ClosedChannelException.class);
          failures++;
        }
      }
      assertThat(failures).isEqualTo(200);
      FdTable.assertNothingOpenedSince(before);
      assertThat(FdTable.fdsOf(target)).containsExactly(fd);
    } finally {
      java.nio.file.Files.delete(file);
    }
  }
}
