package io.socketpair4j;

import static io.socketpair4j.TestSupport.PROMPTLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@link java.nio.channels.InterruptibleChannel} contract, for threads blocked in reads and in
 * writes, on platform and on virtual threads: asynchronous close, interrupt, shutdown and the
 * peer's close each end the blocked call promptly, with the outcome the JDK's own channels give.
 */
class CloseAndInterruptTest extends PairFixture {
  /** A blocking operation on end {@code a} of a pair, set up so that it waits. */
  enum Op {
    READ,
    WRITE
  }

  /** Makes {@code op} on {@code a} block: nothing to read, or a full send buffer. */
  private void prepare(Op op) throws IOException {
    if (op == Op.WRITE) {
      a.configureBlocking(false);
      TestSupport.fill(a);
      a.configureBlocking(true);
    }
  }

  private long perform(Op op) throws IOException {
    return op == Op.READ ? a.read(ByteBuffer.allocate(16)) : a.write(ByteBuffer.allocate(100_000));
  }

  /** Prepares {@code op}, starts it on a new thread and waits until it blocks. */
  private Background<Long> blocked(Op op, boolean virtual) throws IOException {
    prepare(op);
    return Background.start(virtual, () -> perform(op)).awaitBlocked();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"READ,false", "READ,true", "WRITE,false", "WRITE,true"})
  @DisplayName(
      "S58: closing the channel wakes a thread blocked on it with AsynchronousCloseException")
  void s58_closeWakesABlockedThread(Op op, boolean virtual) throws Exception {
    Background<Long> call = blocked(op, virtual);
    a.close();
    assertThat(call.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"READ,false", "READ,true", "WRITE,false", "WRITE,true"})
  void interruptingABlockedThreadClosesTheChannelAndKeepsTheStatus(Op op, boolean virtual)
      throws Exception {
    Background<Long> call = blocked(op, virtual);
    call.thread().interrupt();
    assertThat(call.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(call.interruptedAtEnd()).as("interrupt status kept").isTrue();
    assertThat(a.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({"READ,false", "READ,true", "WRITE,false", "WRITE,true"})
  void ioStartedWithTheInterruptStatusSetClosesTheChannel(Op op, boolean virtual) throws Exception {
    Background<Long> call =
        Background.start(
            virtual,
            () -> {
              Thread.currentThread().interrupt();
              return perform(op);
            });
    assertThat(call.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    assertThat(call.interruptedAtEnd()).as("interrupt status kept").isTrue();
    assertThat(a.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "virtual={0}")
  @CsvSource({"false", "true"})
  @DisplayName("S46: a reader blocked when the peer closes gets end of stream (-1)")
  void s46_peerCloseEndsABlockedReadWithEndOfStream(boolean virtual) throws Exception {
    Background<Long> call = blocked(Op.READ, virtual);
    b.close();
    assertThat(call.get()).isEqualTo(-1);
    assertThat(a.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @CsvSource({"false", "true"})
  @DisplayName("S46: a writer blocked when the peer closes gets an IOException (EPIPE)")
  void s46_peerCloseFailsABlockedWrite(boolean virtual) throws Exception {
    Background<Long> call = blocked(Op.WRITE, virtual);
    b.close();
    // A virtual thread of ours retries the send after waking and gets EPIPE, as S46 says. A
    // platform thread (ours, which waits inside send(2), and a JDK channel's, inside write(2)) is
    // still in the call when the peer, closing with unread data, resets the connection, and gets
    // ECONNRESET instead.
    Throwable failure = call.failure();
    assertThat(failure).isInstanceOf(IOException.class);
    if (backend == PairBackend.NATIVE && virtual) {
      assertThat(failure).hasMessage("write: Broken pipe (EPIPE)");
    } else {
      assertThat(failure.getMessage()).containsAnyOf("Broken pipe", "Connection reset");
    }
    assertThat(a.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @CsvSource({"false", "true"})
  void shutdownInputWakesABlockedReaderWithEndOfStream(boolean virtual) throws Exception {
    Background<Long> call = blocked(Op.READ, virtual);
    a.shutdownInput();
    assertThat(call.get()).isEqualTo(-1);
  }

  @ParameterizedTest(name = "virtual={0}")
  @CsvSource({"false", "true"})
  void shutdownOutputWakesABlockedWriterWithAsynchronousCloseException(boolean virtual)
      throws Exception {
    Background<Long> call = blocked(Op.WRITE, virtual);
    a.shutdownOutput();
    // AsynchronousCloseException: "another thread closes ... the part of the channel upon which
    // it is blocked". The channel itself stays open.
    assertThat(call.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    assertThat(a.isOpen()).isTrue();
    assertThat(b.read(ByteBuffer.allocate(16))).isPositive();
  }

  @ParameterizedTest(name = "virtual={0}")
  @CsvSource({"false", "true"})
  @DisplayName(
      "a blocking write that wrote part of its buffer when shutdownOutput ends it returns that"
          + " count, as the JDK's channels do; the peer gets exactly those bytes, then EOF")
  void shutdownOutputEndsAPartlyDoneBlockingWriteWithItsCount(boolean virtual) throws Exception {
    assumeTrue(
        !virtual || backend == PairBackend.NATIVE,
        "a JDK channel's blocking write on a virtual thread returns after one partial write"
            + " (docs/conformance.md, S13), so it never blocks here");
    ByteBuffer big = ByteBuffer.allocate(4 << 20);
    Background<Long> call = Background.start(virtual, () -> (long) a.write(big)).awaitBlocked();
    a.shutdownOutput();
    long written = call.get();
    assertThat(written).isPositive().isLessThan(big.capacity());
    assertThat(big.position()).isEqualTo((int) written);
    assertThatThrownBy(() -> a.write(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);
    long received = 0;
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    for (int n; (n = b.read(sink.clear())) >= 0; ) {
      received += n;
    }
    assertThat(received).isEqualTo(written);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"READ", "WRITE"})
  void anOperationAfterCloseThrowsClosedChannelException(Op op) throws Exception {
    prepare(op);
    a.close();
    assertThatThrownBy(() -> perform(op)).isExactlyInstanceOf(ClosedChannelException.class);
  }

  /**
   * The descriptor-reuse race: a thread blocked in read is woken by close while other threads keep
   * opening pairs, which get the freed numbers at once. If the woken read retried on its old
   * number, it would read (steal) bytes meant for another pair; if close freed the number while the
   * read was still in its system call, the same. Neither may ever happen.
   */
  @Test
  void closeDuringABlockedReadNeverLetsItReachAReusedDescriptor() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> churnFailure = new AtomicReference<>();
    List<Thread> churners = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      long id = t;
      churners.add(
          Thread.ofPlatform().name("churn-" + t).start(() -> churn(id, stop, churnFailure)));
    }
    try {
      for (int round = 0; round < 2_000 && churnFailure.get() == null; round++) {
        closeDuringRead(round % 2 == 1, round % 4 < 2);
      }
    } finally {
      stop.set(true);
      for (Thread t : churners) {
        t.join(PROMPTLY);
      }
    }
    assertThat(churnFailure.get()).as("a churning pair lost or got foreign bytes").isNull();
  }

  private void closeDuringRead(boolean virtual, boolean waitUntilBlocked) throws Exception {
    try (PairBackend.Ends victim = backend.open()) {
      Background<Integer> read =
          Background.start(virtual, () -> victim.first().read(ByteBuffer.allocate(16)));
      if (waitUntilBlocked) {
        read.awaitBlocked();
      }
      victim.first().close();
      assertThat(read.failure())
          .isInstanceOfAny(AsynchronousCloseException.class, ClosedChannelException.class);
      victim.second().configureBlocking(false);
      assertThat(victim.second().read(ByteBuffer.allocate(16)))
          .as("bytes arrived on a pair nobody wrote to")
          .isEqualTo(-1);
    }
  }

  /** Opens pairs and sends a tagged message both ways through each until told to stop. */
  private void churn(long id, AtomicBoolean stop, AtomicReference<Throwable> failure) {
    ByteBuffer out = ByteBuffer.allocate(8);
    ByteBuffer in = ByteBuffer.allocate(8);
    try {
      for (long n = 0; !stop.get(); n++) {
        long tag = id << 48 | n;
        try (PairBackend.Ends p = backend.open()) {
          exchange(p.first(), p.second(), tag, out, in);
          exchange(p.second(), p.first(), ~tag, out, in);
        }
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  private static void exchange(
      SocketChannel from, SocketChannel to, long tag, ByteBuffer out, ByteBuffer in)
      throws IOException {
    from.write(out.clear().putLong(0, tag));
    TestSupport.readInto(to, in.clear());
    if (in.getLong(0) != tag) {
      throw new AssertionError("expected tag " + tag + " but read " + in.getLong(0));
    }
  }
}
