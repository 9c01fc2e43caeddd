package io.socketpair4j.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RendezvousTest {
  @TempDir Path base;

  @Test
  void aBatchIsConnectedEndToEndInOrder() throws IOException {
    List<SocketChannel[]> pairs = Rendezvous.open(16, settings(Duration.ofSeconds(20)));
    try {
      assertThat(pairs).hasSize(16);
      for (int i = 0; i < pairs.size(); i++) {
        SocketChannel[] p = pairs.get(i);
        assertThat(p[0].isBlocking()).isTrue();
        assertThat(p[1].isBlocking()).isTrue();
        p[0].write(ByteBuffer.allocate(4).putInt(0, i));
        ByteBuffer got = ByteBuffer.allocate(4);
        while (got.hasRemaining()) {
          p[1].read(got);
        }
        assertThat(got.getInt(0)).isEqualTo(i);
      }
    } finally {
      for (SocketChannel[] p : pairs) {
        p[0].close();
        p[1].close();
      }
    }
    assertThat(entries()).isEmpty();
  }

  @Test
  @Timeout(60) // a rendezvous that took a silent stranger for one of ours would wait for it forever
  void strangersWhoConnectFirstAreClosedAndOursStillPair() throws IOException {
    List<SocketChannel> strangers = new ArrayList<>();
    List<SocketChannel[]> pairs;
    try {
      pairs =
          Rendezvous.open(
              4,
              settings(Duration.ofSeconds(20)),
              address -> {
                // queued before every end of ours: the first accepts take these instead
                SocketChannel silent = SocketChannel.open(address);
                strangers.add(silent);
                SocketChannel guessing = SocketChannel.open(address);
                strangers.add(guessing);
                guessing.write(ByteBuffer.allocate(20).putInt(16, 0)); // a wrong secret, index 0
                SocketChannel talkative = SocketChannel.open(address);
                strangers.add(talkative);
                talkative.write(ByteBuffer.allocate(64)); // more than a token
              });
      try {
        assertThat(pairs).hasSize(4);
        for (int i = 0; i < pairs.size(); i++) {
          SocketChannel[] p = pairs.get(i);
          p[0].write(ByteBuffer.allocate(4).putInt(0, i));
          ByteBuffer got = ByteBuffer.allocate(4);
          while (got.hasRemaining()) {
            p[1].read(got);
          }
          assertThat(got.getInt(0)).isEqualTo(i);
        }
        for (SocketChannel stranger : strangers) {
          // the rendezvous closed its end of each: end of stream, or a reset when data was unread
          assertThat(readUntilClosed(stranger)).isTrue();
        }
      } finally {
        for (SocketChannel[] p : pairs) {
          p[0].close();
          p[1].close();
        }
      }
    } finally {
      for (SocketChannel stranger : strangers) {
        stranger.close();
      }
    }
    assertThat(entries()).isEmpty();
  }

  private static boolean readUntilClosed(SocketChannel ch) {
    try {
      return ch.read(ByteBuffer.allocate(1)) == -1;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("reset");
    }
  }

  @Test
  void aRendezvousOverItsTimeoutFailsAndLeavesNothing() throws IOException {
    // The JDK keeps one socket of its own, made on the first asynchronous close of any channel
    // (the target it dup2s over a descriptor being closed); let it be made before counting.
    timeOut();
    long sockets = socketCount();
    timeOut();
    assertThat(entries()).isEmpty();
    assertThat(socketCount()).isEqualTo(sockets);
  }

  private void timeOut() {
    // 1,000 connections take tens of milliseconds; the timer stops the rendezvous after one
    assertThatThrownBy(() -> Rendezvous.open(1_000, settings(Duration.ofMillis(1))))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessageContaining("did not finish within 1 ms")
        .hasMessageContaining(RendezvousSettings.TIMEOUT);
  }

  /**
   * A timeout of {@code Long.MAX_VALUE} ms is a positive value of the timeout property, so one that
   * settings accept; {@code Duration.toNanos()} overflows for it, which once made every rendezvous
   * throw {@code ArithmeticException} (and leave its directory behind).
   */
  @Test
  @DisplayName(
      "a timeout too long to count in nanoseconds means no limit: the rendezvous works and leaves"
          + " no directory and no extra socket")
  void aTimeoutTooLongForNanosecondsIsNoLimit() throws IOException {
    long sockets = socketCount();
    List<SocketChannel[]> pairs = Rendezvous.open(1, settings(Duration.ofMillis(Long.MAX_VALUE)));
    assertThat(pairs).hasSize(1);
    for (SocketChannel[] p : pairs) {
      p[0].close();
      p[1].close();
    }
    assertThat(entries()).as("left in the base directory").isEmpty();
    assertThat(socketCount()).isEqualTo(sockets);
  }

  @Test
  @DisplayName(
      "a token is accepted only with every byte of the secret: one that differs in its first or"
          + " in its last secret byte is rejected")
  void everyByteOfTheSecretIsCompared() {
    byte[] secret = new byte[16];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (0x5a + 7 * i);
    }
    ByteBuffer token = ByteBuffer.allocate(21).put(secret).putInt(3);
    assertThat(Rendezvous.carriesSecret(token, secret)).as("the secret itself").isTrue();
    for (int i : new int[] {0, 15}) {
      ByteBuffer altered = ByteBuffer.allocate(21).put(token.duplicate().flip());
      altered.put(i, (byte) (secret[i] ^ 1));
      assertThat(Rendezvous.carriesSecret(altered, secret))
          .as("secret byte %d altered", i)
          .isFalse();
    }
  }

  @Test
  void settingsComeFromSystemPropertiesWithDefaults() {
    RendezvousSettings defaults = RendezvousSettings.current();
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.maxBatch()).isEqualTo(32);
    assertThat(defaults.baseDirectory())
        .isEqualTo(RendezvousSettings.defaultBase(System.getenv("XDG_RUNTIME_DIR")));
  }

  @Test
  void theDefaultBaseIsAPrivateMemoryFileSystemWhereThereIsOne(@TempDir Path dir)
      throws IOException {
    String tmpdir = System.getProperty("java.io.tmpdir");
    try {
      System.setProperty("java.io.tmpdir", "/tmp");
      Path runtime = Files.createDirectory(dir.resolve("runtime"));
      Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
      assertThat(RendezvousSettings.defaultBase(runtime.toString())).isEqualTo(runtime);
      // XDG_RUNTIME_DIR that others can enter, or that is relative, is passed over
      Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path fallback = RendezvousSettings.defaultBase(null);
      assertThat(RendezvousSettings.defaultBase(runtime.toString())).isEqualTo(fallback);
      assertThat(RendezvousSettings.defaultBase("relative/dir")).isEqualTo(fallback);
      // then /dev/shm where it is a sticky, writable directory (as on Linux), else /tmp
      boolean shm =
          Files.isDirectory(Path.of("/dev/shm"))
              && Files.isWritable(Path.of("/dev/shm"))
              && ((Integer) Files.getAttribute(Path.of("/dev/shm"), "unix:mode") & 01000) != 0;
      assertThat(fallback).isEqualTo(Path.of(shm ? "/dev/shm" : "/tmp"));
      // a java.io.tmpdir the user chose wins
      System.setProperty("java.io.tmpdir", dir.toString());
      assertThat(RendezvousSettings.defaultBase(runtime.toString())).isEqualTo(dir);
    } finally {
      System.setProperty("java.io.tmpdir", tmpdir);
    }
  }

  @Test
  void onlyBasesWhoseSocketPathsFitAreUsedAsTheyAre() {
    assertThat(RendezvousDirectory.fits(Path.of("/tmp"))).isTrue();
    assertThat(RendezvousDirectory.fits(Path.of("/" + "d".repeat(80)))).isFalse();
  }

  private RendezvousSettings settings(Duration timeout) {
    return new RendezvousSettings(base, timeout, 1024);
  }

  private List<Path> entries() throws IOException {
    try (Stream<Path> list = Files.list(base)) {
      return list.toList();
    }
  }

  private static long socketCount() throws IOException {
    return io.socketpair4j.TestSupport.descriptors(target -> target.startsWith("socket:"));
  }
}
