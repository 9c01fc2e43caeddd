package io.socketpair4j.internal.nio;

import static io.socketpair4j.TestSupport.await;
import static io.socketpair4j.TestSupport.awaitBlocked;
import static io.socketpair4j.TestSupport.fdTarget;
import static io.socketpair4j.internal.nio.RaceHooks.Point.REGISTER_PUBLISHED;
import static io.socketpair4j.internal.nio.RaceHooks.Point.SELECT_EPOLL_WAIT;
import static io.socketpair4j.internal.nio.RaceHooks.Point.SELECT_PARK;
import static io.socketpair4j.internal.nio.RaceHooks.Point.WAKE_BEFORE_SIGNAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.Background;
import io.socketpair4j.TestSupport;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketPair;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Races and interrupted system calls, made deterministic with {@link RaceHooks}: a thread is
 * stopped at the racy point, or a call fails with {@code EINTR} as it would when a signal (a
 * profiler's {@code SIGPROF}, say) arrives.
 */
@Timeout(60)
class RaceTest {
  @AfterEach
  void removeHook() {
    RaceHooks.hook = null;
  }

  /** Stops the first thread that passes {@code point} until {@link #resume()}. */
  private static final class Stop implements RaceHooks.Hook {
    private final RaceHooks.Point point;
    private final AtomicBoolean taken = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    Stop(RaceHooks.Point point) {
      this.point = point;
    }

    @Override
    public boolean at(RaceHooks.Point p) {
      if (p == point && taken.compareAndSet(false, true)) {
        stopped.countDown();
        try {
          resume.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return false;
    }

    void awaitStopped() throws InterruptedException {
      assertThat(stopped.await(TestSupport.PROMPTLY.toSeconds(), TimeUnit.SECONDS))
          .as("a thread reached " + point)
          .isTrue();
    }

    void resume() {
      resume.countDown();
    }
  }

  // -- wake-ups and eventfd numbers ---------------------------------------------------------

  @Test
  @DisplayName(
      "a wake-up that comes late never writes into a file that got the eventfd's number: the"
          + " number stays taken until the waker is done with it")
  void lateWakeUpNeverReachesAFileThatReusedTheEventfdNumber() throws Exception {
    List<UnixSocketPair> opened = new ArrayList<>();
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      // Empty the pool of idle eventfds, so that the waiting thread gets a new one, and refill it
      // during the wait, so that the thread's eventfd is closed, not kept, when it is given back.
      List<FdHandle> taken = new ArrayList<>();
      for (int i = 0; i < WakeupFds.MAX_IDLE; i++) {
        taken.add(WakeupFds.borrow());
      }
      Set<Integer> before = eventfds();
      CompletableFuture<Waiter> waiter = new CompletableFuture<>();
      Background<Boolean> reader =
          Background.start(
              () -> {
                Waiter w = Waiter.current();
                waiter.complete(w);
                return w.await(pair.first().fd(), LinuxConstants.POLLIN, -1);
              });
      awaitBlocked(reader.thread());
      Set<Integer> lent = eventfds();
      lent.removeAll(before);
      assertThat(lent).as("the eventfd lent to the waiting thread").hasSize(1);
      int efd = lent.iterator().next();
      taken.forEach(WakeupFds::giveBack);

      // A waker stops after it has found the eventfd to signal, before it writes to it.
      Stop stop = new Stop(WAKE_BEFORE_SIGNAL);
      RaceHooks.hook = stop;
      Background<Object> waker =
          Background.start(
              () -> {
                waiter.get().wake();
                return null;
              });
      stop.awaitStopped();

      // Meanwhile the wait ends for another reason (data), and the eventfd is given back to a full
      // pool, which closes it. Then files are opened until their numbers pass the eventfd's: if
      // that number were free, one of them would get it.
      pair.second().write(ByteBuffer.wrap(new byte[] {1}));
      assertThat(reader.get()).isTrue();
      while (opened.isEmpty() || opened.getLast().second().fd() <= efd) {
        opened.add(UnixSocketPair.open());
      }
      for (UnixSocketPair p : opened) {
        assertThat(List.of(p.first().fd(), p.second().fd()))
            .as("numbers of files opened while the waker still holds the eventfd")
            .doesNotContain(efd);
      }

      stop.resume();
      waker.get();
      for (UnixSocketPair p : opened) {
        for (var end : List.of(p.first(), p.second())) {
          end.configureBlocking(false);
          assertThat(end.read(ByteBuffer.allocate(16))).as("bytes that arrived at " + end).isZero();
        }
      }
      assertThat(fdTarget(efd)).as("fd %d once the waker is done", efd).isNotEqualTo(EVENTFD);
    } finally {
      for (UnixSocketPair p : opened) {
        p.close();
      }
    }
  }

  private static final String EVENTFD = "anon_inode:[eventfd]";

  private static Set<Integer> eventfds() throws IOException {
    Set<Integer> fds = new HashSet<>();
    try (var entries = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        int fd = Integer.parseInt(p.getFileName().toString());
        if (EVENTFD.equals(fdTarget(fd))) {
          fds.add(fd);
        }
      }
    }
    return fds;
  }

  // -- selection that returns early -----------------------------------------------------------

  /** A selector with one readable channel (when {@code readable}) registered for OP_READ. */
  private static final class Fixture implements AutoCloseable {
    final UnixSocketPair pair = UnixSocketPair.open();
    final Selector selector = UnixSelectorProvider.provider().openSelector();

    Fixture(boolean readable) throws IOException {
      pair.first().configureBlocking(false);
      pair.first().register(selector, SelectionKey.OP_READ);
      if (readable) {
        pair.second().write(ByteBuffer.wrap(new byte[] {1}));
      }
    }

    @Override
    public void close() throws IOException {
      try (pair) {
        selector.close();
      }
    }
  }

  /** Makes the first {@code count} epoll_wait calls of selections fail with EINTR. */
  private static AtomicInteger injectEintr(int count) {
    AtomicInteger left = new AtomicInteger(count);
    RaceHooks.hook = p -> p == SELECT_EPOLL_WAIT && left.getAndDecrement() > 0;
    return left;
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("select() goes on after EINTR: with a channel ready it returns 1, not 0")
  void selectGoesOnAfterEintr(boolean virtual) throws Exception {
    try (Fixture f = new Fixture(true)) {
      AtomicInteger left = injectEintr(3);
      assertThat(Background.start(virtual, f.selector::select).get()).isEqualTo(1);
      assertThat(left.get()).as("EINTRs not yet delivered").isNegative();
    }
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("selectNow() goes on after EINTR: with a channel ready it returns 1, not 0")
  void selectNowGoesOnAfterEintr(boolean virtual) throws Exception {
    try (Fixture f = new Fixture(true)) {
      injectEintr(2);
      assertThat(Background.start(virtual, f.selector::selectNow).get()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a blocked select() is not ended by EINTR: it returns only on wakeup")
  void blockedSelectIsNotEndedByEintr(boolean virtual) throws Exception {
    try (Fixture f = new Fixture(false)) {
      AtomicInteger left = injectEintr(3);
      Background<Integer> select = Background.start(virtual, f.selector::select);
      await("every EINTR was delivered", () -> left.get() < 0);
      awaitBlocked(select.thread());
      assertThat(select.isDone()).as("select returned").isFalse();
      f.selector.wakeup();
      assertThat(select.get()).isZero();
    }
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("select(timeout) interrupted by EINTR still waits out its whole timeout")
  void timedSelectWaitsItsWholeTimeoutDespiteEintr(boolean virtual) throws Exception {
    try (Fixture f = new Fixture(false)) {
      injectEintr(3);
      assertTimedSelectWaitsItsTimeout(f, virtual, 300);
    }
  }

  private static void assertTimedSelectWaitsItsTimeout(Fixture f, boolean virtual, long millis)
      throws Exception {
    Background<Long> select =
        Background.start(
            virtual,
            () -> {
              long start = System.nanoTime();
              assertThat(f.selector.select(millis)).isZero();
              return System.nanoTime() - start;
            });
    assertThat(select.get()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  @DisplayName("a virtual thread in select() that is unparked spuriously goes on waiting")
  void spuriousUnparkDoesNotEndSelect() throws Exception {
    try (Fixture f = new Fixture(false)) {
      AtomicInteger parks = new AtomicInteger();
      RaceHooks.hook =
          p -> {
            if (p == SELECT_PARK) {
              parks.incrementAndGet();
            }
            return false;
          };
      Background<Integer> select = Background.start(true, f.selector::select);
      for (int round = 1; round <= 3; round++) {
        int parked = round;
        await("park number " + parked, () -> parks.get() == parked);
        awaitBlocked(select.thread());
        assertThat(select.isDone()).as("select returned after %d unparks", round - 1).isFalse();
        LockSupport.unpark(select.thread());
      }
      await("the last unpark was taken", () -> parks.get() == 4);
      f.selector.wakeup();
      assertThat(select.get()).isZero();
    }
  }

  @Test
  @DisplayName("select(timeout) on a virtual thread unparked spuriously waits out its timeout")
  void spuriousUnparkDoesNotShortenATimedSelect() throws Exception {
    try (Fixture f = new Fixture(false)) {
      AtomicBoolean stop = new AtomicBoolean();
      Background<Long> select =
          Background.start(
              true,
              () -> {
                long start = System.nanoTime();
                assertThat(f.selector.select(300)).isZero();
                return System.nanoTime() - start;
              });
      Thread unparker =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get() && !select.isDone()) {
                      LockSupport.unpark(select.thread());
                      Thread.yield();
                    }
                  });
      try {
        assertThat(select.get()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
      } finally {
        stop.set(true);
        unparker.join();
      }
    }
  }

  // -- registration racing a cancel -----------------------------------------------------------

  @Test
  @DisplayName(
      "register returns the key, cancelled, when another thread cancels it through keys()"
          + " before register returns (as the JDK since JDK-8287580), and nothing is left behind")
  void registerRacingACancelReturnsTheCancelledKey() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open();
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      pair.first().configureBlocking(false);
      Stop stop = new Stop(REGISTER_PUBLISHED);
      RaceHooks.hook = stop;
      Background<SelectionKey> register =
          Background.start(() -> pair.first().register(selector, SelectionKey.OP_READ));
      stop.awaitStopped();
      for (SelectionKey k : selector.keys()) {
        k.cancel();
      }
      stop.resume();
      SelectionKey key = register.get();
      assertThat(key.isValid()).isFalse();
      assertThat(selector.selectNow()).isZero();
      assertThat(selector.keys()).isEmpty();
      assertThat(pair.first().keyFor(selector)).isNull();
      assertThat(pair.first().register(selector, SelectionKey.OP_READ).isValid()).isTrue();
    }
  }
}
