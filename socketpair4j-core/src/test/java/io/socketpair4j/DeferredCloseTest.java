package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing an end whose descriptor cannot be released at once (a selector still has it registered,
 * or a call is still in flight on it) must still end the connection at once: the peer reads end of
 * stream without waiting for the selector's next selection. The descriptor itself is released
 * later, once the selector selects again or the call has ended.
 *
 * <p>Here end {@code a} is the one closed and {@code b} its peer; the threads that wait (the peer's
 * reader, a thread in {@code select}, a writer on {@code a}) are platform or virtual threads.
 */
class DeferredCloseTest extends PairFixture {

  /** How the end that is closed is registered with the selector when it is closed. */
  enum Registration {
    /** Registered; no thread in select. */
    REGISTERED,
    /** Registered, and another thread is blocked in select. */
    REGISTERED_DURING_SELECT,
    /** Its key cancelled, with no selection since, so not yet deregistered. */
    CANCELLED_NOT_DEREGISTERED
  }

  @ParameterizedTest(name = "{0} virtual={1}")
  @CsvSource({
    "REGISTERED,false",
    "REGISTERED,true",
    "REGISTERED_DURING_SELECT,false",
    "REGISTERED_DURING_SELECT,true",
    "CANCELLED_NOT_DEREGISTERED,false",
    "CANCELLED_NOT_DEREGISTERED,true"
  })
  @DisplayName(
      "S46: closing an end that a selector still has registered (also with a thread in select, or"
          + " through a cancelled key not yet deregistered) ends the peer's blocked read with end of"
          + " stream at once; the next selection releases the descriptor")
  void closeOfAnEndTheSelectorStillHas(Registration registration, boolean virtual)
      throws Exception {
    SelectionKey key = register();
    Released released = new Released();
    Background<Integer> select = null;
    if (registration == Registration.REGISTERED_DURING_SELECT) {
      select = Background.start(virtual, () -> selector.select()).awaitBlocked();
    }
    Background<Integer> read = blockedPeerRead(virtual);
    if (registration == Registration.CANCELLED_NOT_DEREGISTERED) {
      key.cancel();
    }
    a.close();
    assertThat(read.get()).as("the peer's blocked read").isEqualTo(-1);
    assertPeerCannotWrite();
    if (select != null) {
      selector.wakeup();
      assertThat(select.get()).as("keys selected").isGreaterThanOrEqualTo(0);
    }
    selector.selectNow();
    released.check();
    assertPeerWriteIsEpipe();
  }

  /**
   * A write blocked on a full send buffer is in flight when its channel is closed: it fails with
   * AsynchronousCloseException, and the peer reads what was queued, then end of stream. As the
   * JDK's channels do.
   */
  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName(
      "S42: closing an end while a write is blocked on it lets the peer read what was queued, then"
          + " end of stream; the descriptor is released once the write has ended")
  void closeDuringABlockedWrite(boolean virtual) throws Exception {
    a.configureBlocking(false);
    long queued = TestSupport.fill(a);
    a.configureBlocking(true);
    Released released = new Released();
    Background<Integer> write =
        Background.start(virtual, () -> a.write(ByteBuffer.allocate(100_000))).awaitBlocked();
    a.close();
    assertThat(write.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    Background<Long> drain =
        Background.start(
            virtual,
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
              long total = 0;
              int n;
              while ((n = b.read(buf.clear())) >= 0) {
                total += n;
              }
              return total;
            });
    // At least what was queued before the write; a platform thread inside write(2) may have
    // queued part of its buffer as well before it was stopped.
    assertThat(drain.get()).as("bytes read before end of stream").isGreaterThanOrEqualTo(queued);
    released.check();
    assertPeerWriteIsEpipe();
  }

  // -- helpers --------------------------------------------------------------------------------

  /** Registers {@code a} (non-blocking) for reading, and lets the selector take it in. */
  private SelectionKey register() throws IOException {
    a.configureBlocking(false);
    SelectionKey key = a.register(selector, SelectionKey.OP_READ);
    selector.selectNow();
    return key;
  }

  /** A read on the peer, started on a thread of its own, once it is seen waiting. */
  private Background<Integer> blockedPeerRead(boolean virtual) {
    return Background.start(virtual, () -> b.read(ByteBuffer.allocate(16))).awaitBlocked();
  }

  /**
   * Right after the close, before any selection: ours shut the connection down in both directions,
   * so the peer's write fails with EPIPE at once. The JDK's channels shut down only their output
   * when they defer a close (SHUT_WR), so their peer's writes are still accepted until the
   * descriptor is released.
   */
  private void assertPeerCannotWrite() {
    if (backend == PairBackend.NATIVE) {
      assertPeerWriteIsEpipe();
    }
  }

  private void assertPeerWriteIsEpipe() {
    assertThatThrownBy(() -> b.write(ByteBuffer.allocate(16)))
        .as("the peer's write")
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Broken pipe");
  }

  /**
   * Remembers {@code a}'s socket before it is closed, to check later that it is gone: for a native
   * end, its descriptor number no longer names that socket in /proc/self/fd; for a JDK end (which
   * has no public descriptor number), the process has fewer sockets open than before.
   */
  private final class Released {
    private final long sockets = TestSupport.openSocketCount();
    private final int fd;
    private final String socket;

    Released() throws IOException {
      if (a instanceof UnixSocketChannel u) {
        fd = u.fd();
        socket = TestSupport.fdTarget(fd);
        TestSupport.assertIsOpenSocket(fd);
      } else {
        fd = -1;
        socket = null;
      }
    }

    void check() throws IOException {
      if (fd >= 0) {
        assertThat(TestSupport.fdTarget(fd))
            .as("/proc/self/fd/%d, which was %s", fd, socket)
            .isNotEqualTo(socket);
      } else {
        assertThat(TestSupport.openSocketCount()).as("open sockets").isLessThan(sockets);
      }
    }
  }
}
