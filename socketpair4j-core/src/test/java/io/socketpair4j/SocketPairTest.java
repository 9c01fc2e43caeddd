package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.internal.portable.PairSupply;
import io.socketpair4j.internal.portable.RendezvousSettings;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The portable pair: what it is made of, and how its rendezvous stays private and clean. */
@Timeout(120)
class SocketPairTest {
  @TempDir Path base;

  @BeforeEach
  void useAPrivateBase() throws IOException {
    PairSupply.clear();
    System.setProperty(RendezvousSettings.DIRECTORY, base.toString());
  }

  @AfterEach
  void restore() throws IOException {
    System.clearProperty(RendezvousSettings.DIRECTORY);
    System.clearProperty(RendezvousSettings.BATCH);
    System.clearProperty(RendezvousSettings.TIMEOUT);
    PairSupply.clear();
    assertThat(entries(base)).as("left in the base directory").isEmpty();
  }

  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }

  @Test
  void endsAreConnectedJdkChannelsOfTheDefaultProviderInBlockingMode() throws Exception {
    try (SocketPair pair = SocketPair.open()) {
      for (SocketChannel end : List.of(pair.first(), pair.second())) {
        assertThat(end.provider()).isSameAs(SelectorProvider.provider());
        assertThat(end.getClass().getName()).startsWith("sun.nio.ch.");
        assertThat(end.isOpen()).isTrue();
        assertThat(end.isConnected()).isTrue();
        assertThat(end.isBlocking()).isTrue();
      }
      assertThat(pair.first().getLocalAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
      assertThat(pair.toString()).startsWith("SocketPair[");
      exchange(pair, 42);
    }
  }

  @Test
  void endsWorkWithTheStreamsOfChannels() throws Exception {
    try (SocketPair pair = SocketPair.open()) {
      java.io.OutputStream out = java.nio.channels.Channels.newOutputStream(pair.first());
      java.io.InputStream in = java.nio.channels.Channels.newInputStream(pair.second());
      out.write("through streams".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      assertThat(new String(in.readNBytes(15), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("through streams");
    }
  }

  @Test
  void closeClosesBothEndsAndMayBeRepeated() throws IOException {
    SocketPair pair = SocketPair.open();
    pair.close();
    assertThat(pair.first().isOpen()).isFalse();
    assertThat(pair.second().isOpen()).isFalse();
    pair.close();
  }

  /** A tag each way: proves that the two ends are connected to each other, not elsewhere. */
  private static void exchange(SocketPair pair, long tag) throws Exception {
    Background<Long> there =
        Background.start(() -> TestSupport.readLong(pair.second())).awaitBlocked();
    pair.first().write(ByteBuffer.allocate(8).putLong(0, tag));
    assertThat(there.get()).isEqualTo(tag);
    pair.second().write(ByteBuffer.allocate(8).putLong(0, ~tag));
    assertThat(TestSupport.readLong(pair.first())).isEqualTo(~tag);
  }

  @Test
  void noFileOrDirectoryRemainsAfterTenThousandOpens() throws IOException {
    long sockets = TestSupport.openSocketCount();
    for (int i = 0; i < 10_000; i++) {
      SocketPair.open().close();
    }
    assertThat(entries(base)).isEmpty();
    assertThat(TestSupport.openSocketCount())
        .as("sockets, besides the pairs waiting to be handed out")
        .isEqualTo(sockets + 2L * PairSupply.ready());
    PairSupply.clear();
    assertThat(TestSupport.openSocketCount()).isEqualTo(sockets);
  }

  /**
   * A rival thread watches the base directory and connects to every rendezvous socket it can find,
   * sometimes sending nothing, sometimes bytes that look like a token. Thousands of pairs later, no
   * rival connection has become an end (each pair's ends talk to each other and the rivals never
   * hear anything), and every rendezvous directory the rival saw was owner-only.
   */
  @ParameterizedTest(name = "batch={0}")
  @ValueSource(ints = {1, 8})
  void aRivalConnectingToTheRendezvousNeverBecomesAnEnd(int batch) throws Exception {
    System.setProperty(RendezvousSettings.BATCH, Integer.toString(batch));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> rivalFailure = new AtomicReference<>();
    Set<Set<PosixFilePermission>> permissionsSeen = ConcurrentHashMap.newKeySet();
    List<SocketChannel> rivalConnections = new ArrayList<>();
    AtomicInteger connected = new AtomicInteger();
    Thread rival =
        Thread.ofPlatform()
            .name("rival")
            .start(
                () -> {
                  try {
                    rival(stop, permissionsSeen, rivalConnections, connected);
                  } catch (Throwable t) {
                    rivalFailure.set(t);
                  }
                });
    try {
      for (int i = 0; i < 20_000 && (i < 2_000 || connected.get() < 50); i++) {
        try (SocketPair pair = SocketPair.open()) {
          exchange(pair, i);
        }
      }
    } finally {
      stop.set(true);
      rival.join(TestSupport.PROMPTLY);
    }
    assertThat(rivalFailure.get()).isNull();
    assertThat(connected.get()).as("times the rival reached a rendezvous socket").isPositive();
    System.out.printf(
        "batch %d: the rival reached %d rendezvous sockets%n", batch, connected.get());
    assertThat(permissionsSeen)
        .as("permissions of the rendezvous directories")
        .isNotEmpty()
        .allMatch(p -> p.equals(PosixFilePermissions.fromString("rwx------")));
    ByteBuffer buf = ByteBuffer.allocate(64);
    for (SocketChannel ch : rivalConnections) {
      ch.configureBlocking(false);
      int got;
      try {
        got = ch.read(buf.clear());
      } catch (IOException e) {
        got = -1; // reset: the rendezvous closed it
      }
      assertThat(got).as("bytes the rival got").isLessThanOrEqualTo(0);
      ch.close();
    }
  }

  private void rival(
      AtomicBoolean stop,
      Set<Set<PosixFilePermission>> permissionsSeen,
      List<SocketChannel> connections,
      AtomicInteger connected)
      throws IOException {
    ByteBuffer fake = ByteBuffer.allocate(20); // a token's length, but not its secret
    Set<Path> tried = new HashSet<>();
    while (!stop.get()) {
      for (Path dir : entries(base)) {
        try {
          permissionsSeen.add(Files.getPosixFilePermissions(dir));
        } catch (IOException e) {
          continue; // gone already
        }
        if (!tried.add(dir)) {
          continue;
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          ch.connect(UnixDomainSocketAddress.of(dir.resolve("s")));
        } catch (IOException e) {
          ch.close(); // not there (yet, or any more)
          tried.remove(dir);
          continue;
        }
        connections.add(ch);
        if (connected.incrementAndGet() % 2 == 0) {
          try {
            ch.write(fake.clear().putInt(0, connected.get()));
          } catch (IOException e) {
            // already rejected: the rendezvous closed this connection
          }
        }
      }
    }
  }

  @Test
  void anUnwritableBaseDirectoryIsAClearIOExceptionAndLeavesNothing() throws IOException {
    Path notADirectory = Files.createFile(base.resolve("file"));
    System.setProperty(RendezvousSettings.DIRECTORY, notADirectory.toString());
    long sockets = TestSupport.openSocketCount();
    assertThatThrownBy(SocketPair::open)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Cannot make a private rendezvous directory")
        .hasMessageContaining(notADirectory.toString())
        .hasMessageContaining(RendezvousSettings.DIRECTORY);
    System.setProperty(RendezvousSettings.DIRECTORY, "/proc/self");
    assertThatThrownBy(SocketPair::open).hasMessageContaining("/proc/self");
    assertThat(TestSupport.openSocketCount()).isEqualTo(sockets);
    Files.delete(notADirectory);
  }

  @Test
  void aBaseTooLongForASocketPathFallsBackToTmp() throws Exception {
    Path deep = base;
    while (deep.toString().length() < 120) {
      deep = deep.resolve("a-rather-long-directory-name");
    }
    Files.createDirectories(deep);
    System.setProperty(RendezvousSettings.DIRECTORY, deep.toString());
    try (SocketPair pair = SocketPair.open()) {
      exchange(pair, 7);
    }
    assertThat(entries(deep)).isEmpty();
    Files.walk(base)
        .sorted(java.util.Comparator.reverseOrder())
        .filter(p -> !p.equals(base))
        .forEach(p -> p.toFile().delete());
  }

  @Test
  void malformedPropertiesAreIllegalArguments() {
    System.setProperty(RendezvousSettings.TIMEOUT, "soon");
    assertThatThrownBy(SocketPair::open)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(RendezvousSettings.TIMEOUT)
        .hasMessageContaining("soon");
    System.setProperty(RendezvousSettings.TIMEOUT, "1000");
    System.setProperty(RendezvousSettings.BATCH, "0");
    assertThatThrownBy(SocketPair::open).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openWithTheInterruptStatusSetFailsWithClosedByInterruptAndLeavesNothing()
      throws IOException {
    long sockets = TestSupport.openSocketCount();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(SocketPair::open).isInstanceOf(ClosedByInterruptException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(TestSupport.openSocketCount()).isEqualTo(sockets);
  }

  @Test
  void manyThreadsOpenPairsAtOnce() throws Exception {
    List<Background<Long>> openers = new ArrayList<>();
    for (int t = 0; t < 50; t++) {
      long id = t;
      openers.add(
          Background.start(
              t % 2 == 0,
              () -> {
                for (int i = 0; i < 40; i++) {
                  try (SocketPair pair = SocketPair.open()) {
                    exchange(pair, id << 32 | i);
                  }
                }
                return id;
              }));
    }
    for (Background<Long> opener : openers) {
      opener.get();
    }
  }
}
