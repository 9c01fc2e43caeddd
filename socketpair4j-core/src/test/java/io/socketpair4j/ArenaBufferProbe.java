package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link ArenaBufferTest}, once per backend (system property {@value
 * #BACKEND}: {@code native} or {@code jdk}): blocking reads and writes on buffers of shared,
 * confined, automatic and global arenas, on platform and on virtual threads. A call that writes
 * memory its arena has freed may make the JVM abort; here that ends only this child.
 *
 * <p>Prints one line per scenario, {@code <threads> <scenario>: OK <what happened>} or {@code
 * <threads> <scenario>: FAIL <why>}, then {@code done}. A watchdog ends the child with status 3 if
 * it has not finished well within {@link ChildJvm}'s bound.
 */
public final class ArenaBufferProbe {
  private ArenaBufferProbe() {}

  /** The system property naming the backend: {@code native} or {@code jdk}. */
  static final String BACKEND = "arena.probe.backend";

  /** The scenarios, in the order they run (each on platform, then on virtual threads). */
  static final String[] SCENARIOS = {
    "shared read",
    "shared write",
    "shared scattering read",
    "confined read",
    "confined write",
    "auto read",
    "auto write",
    "global read",
    "global write",
  };

  /** The thread kinds, as the lines name them. */
  static final String[] THREADS = {"platform", "virtual"};

  private static final int SIZE = 64;

  /** One scenario on a fresh pair: returns what happened, throws when that is not acceptable. */
  private interface Scenario {
    String run(SocketChannel writer, SocketChannel reader, boolean virtual) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    ChildJvm.startWatchdog(Duration.ofSeconds(100));
    PairBackend backend = backendNamed(System.getProperty(BACKEND, "native"));
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("shared read", ArenaBufferProbe::sharedRead);
    scenarios.put("shared write", ArenaBufferProbe::sharedWrite);
    scenarios.put("shared scattering read", ArenaBufferProbe::sharedScatteringRead);
    scenarios.put("confined read", ArenaBufferProbe::confinedRead);
    scenarios.put("confined write", ArenaBufferProbe::confinedWrite);
    scenarios.put("auto read", (w, r, v) -> workingRead(Arena.ofAuto(), w, r, v));
    scenarios.put("auto write", (w, r, v) -> workingWrite(Arena.ofAuto(), w, r, v));
    scenarios.put("global read", (w, r, v) -> workingRead(Arena.global(), w, r, v));
    scenarios.put("global write", (w, r, v) -> workingWrite(Arena.global(), w, r, v));
    if (!Arrays.equals(scenarios.keySet().toArray(), SCENARIOS)) {
      throw new AssertionError("SCENARIOS does not list the scenarios run");
    }
    for (String threads : THREADS) {
      boolean virtual = threads.equals("virtual");
      for (Map.Entry<String, Scenario> s : scenarios.entrySet()) {
        String line = threads + " " + s.getKey() + ": ";
        try (PairBackend.Ends pair = backend.open()) {
          line += "OK " + s.getValue().run(pair.first(), pair.second(), virtual);
        } catch (Throwable t) {
          line += "FAIL " + t.toString().replace('\n', ' ');
        }
        System.out.println(line);
        System.out.flush();
      }
    }
    System.out.println("done");
  }

  private static PairBackend backendNamed(String name) {
    if (name.equals("native")) {
      return PairBackend.NATIVE;
    }
    if (name.equals("jdk")) {
      return PairBackend.JDK;
    }
    throw new IllegalArgumentException("unknown backend " + name);
  }

  // -- shared arenas: closed by another thread while the call waits ---------------------------

  /**
   * A blocking read into a shared arena's buffer waits; the arena is closed; data comes. Either the
   * close fails while the read waits (and the read then returns the data), or the close succeeds
   * and the read throws IllegalStateException without consuming anything. Either way the channel
   * stays open and every byte is read with another buffer.
   */
  private static String sharedRead(SocketChannel writer, SocketChannel reader, boolean virtual)
      throws Exception {
    Arena arena = Arena.ofShared();
    ByteBuffer buf = arena.allocate(SIZE).asByteBuffer();
    Background<Integer> read = Background.start(virtual, () -> reader.read(buf)).awaitBlocked();
    boolean closed = tryClose(arena);
    byte[] data = TestSupport.pattern(SIZE, 1);
    writer.write(ByteBuffer.wrap(data));
    String outcome;
    if (closed) {
      assertThat(read.failure()).isInstanceOf(IllegalStateException.class);
      assertThat(TestSupport.readFully(reader, SIZE))
          .as("the bytes, read with another buffer")
          .isEqualTo(data);
      outcome = "close succeeded; the read threw IllegalStateException; data kept";
    } else {
      int n = read.get();
      assertThat(n).isBetween(1, SIZE);
      byte[] got = new byte[SIZE];
      buf.flip().get(got, 0, n);
      byte[] rest = TestSupport.readFully(reader, SIZE - n);
      System.arraycopy(rest, 0, got, n, rest.length);
      assertThat(got).isEqualTo(data);
      arena.close();
      outcome = "close failed while the read waited; the read returned the data";
    }
    assertUsable(writer, reader);
    return outcome;
  }

  /**
   * A blocking write from a shared arena's buffer waits for space; the arena is closed; space
   * comes. Either the close fails while the write waits (and the write then sends the data), or the
   * close succeeds and the write throws IllegalStateException having sent nothing.
   */
  private static String sharedWrite(SocketChannel writer, SocketChannel reader, boolean virtual)
      throws Exception {
    long queued = fillSendBuffer(writer);
    Arena arena = Arena.ofShared();
    byte[] data = TestSupport.pattern(SIZE, 2);
    ByteBuffer buf = arena.allocate(SIZE).asByteBuffer().put(data).flip();
    Background<Integer> write = Background.start(virtual, () -> writer.write(buf)).awaitBlocked();
    boolean closed = tryClose(arena);
    TestSupport.readFully(reader, Math.toIntExact(queued)); // space for the write
    String outcome;
    if (closed) {
      assertThat(write.failure()).isInstanceOf(IllegalStateException.class);
      outcome = "close succeeded; the write threw IllegalStateException; nothing sent";
    } else {
      assertThat(write.get()).isEqualTo(SIZE);
      assertThat(TestSupport.readFully(reader, SIZE)).isEqualTo(data);
      arena.close();
      outcome = "close failed while the write waited; the write then sent the data";
    }
    assertUsable(writer, reader); // also: nothing of the freed buffer arrives before this
    return outcome;
  }

  /**
   * A blocking scattering read into a heap buffer, a shared arena's buffer and another heap buffer
   * waits; the arena is closed; data comes. As for {@link #sharedRead}.
   */
  private static String sharedScatteringRead(
      SocketChannel writer, SocketChannel reader, boolean virtual) throws Exception {
    Arena arena = Arena.ofShared();
    ByteBuffer[] bufs = {
      ByteBuffer.allocate(8), arena.allocate(SIZE).asByteBuffer(), ByteBuffer.allocate(8)
    };
    int total = SIZE + 16;
    Background<Long> read = Background.start(virtual, () -> reader.read(bufs)).awaitBlocked();
    boolean closed = tryClose(arena);
    byte[] data = TestSupport.pattern(total, 3);
    writer.write(ByteBuffer.wrap(data));
    String outcome;
    if (closed) {
      assertThat(read.failure()).isInstanceOf(IllegalStateException.class);
      assertThat(bufs[0].position()).as("heap buffer's position").isZero();
      assertThat(TestSupport.readFully(reader, total))
          .as("the bytes, read with another buffer")
          .isEqualTo(data);
      outcome = "close succeeded; the read threw IllegalStateException; data kept";
    } else {
      long n = read.get();
      assertThat(n).isBetween(1L, (long) total);
      ByteBuffer got = ByteBuffer.allocate(total);
      for (ByteBuffer b : bufs) {
        got.put(b.flip());
      }
      assertThat(got.position()).isEqualTo((int) n);
      TestSupport.readInto(reader, got);
      assertThat(got.array()).isEqualTo(data);
      arena.close();
      outcome = "close failed while the read waited; the read returned the data";
    }
    assertUsable(writer, reader);
    return outcome;
  }

  /** Closes the arena; false if it is in use (IllegalStateException). */
  private static boolean tryClose(Arena arena) {
    try {
      arena.close();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  // -- confined arenas: used from a thread that does not own them -----------------------------

  /**
   * A read into a confined arena's buffer on another thread: WrongThreadException, no byte read.
   */
  private static String confinedRead(SocketChannel writer, SocketChannel reader, boolean virtual)
      throws Exception {
    byte[] data = TestSupport.pattern(SIZE, 4);
    writer.write(ByteBuffer.wrap(data));
    try (Arena arena = Arena.ofConfined()) {
      ByteBuffer buf = arena.allocate(SIZE).asByteBuffer();
      assertThat(Background.start(virtual, () -> reader.read(buf)).failure())
          .isInstanceOf(WrongThreadException.class);
      assertThat(buf.position()).isZero();
    }
    assertThat(TestSupport.readFully(reader, SIZE)).as("nothing consumed").isEqualTo(data);
    assertUsable(writer, reader);
    return "WrongThreadException; nothing consumed";
  }

  /**
   * A write from a confined arena's buffer on another thread: WrongThreadException, no byte sent.
   */
  private static String confinedWrite(SocketChannel writer, SocketChannel reader, boolean virtual)
      throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ByteBuffer buf = arena.allocate(SIZE).asByteBuffer().put(TestSupport.pattern(SIZE, 5)).flip();
      assertThat(Background.start(virtual, () -> writer.write(buf)).failure())
          .isInstanceOf(WrongThreadException.class);
      assertThat(buf.position()).isZero();
    }
    assertUsable(writer, reader); // nothing of the confined buffer arrives before this
    return "WrongThreadException; nothing sent";
  }

  // -- automatic and global arenas: nothing is freed while in use -----------------------------

  /** A blocking read into the arena's buffer waits, then data comes: it is read correctly. */
  private static String workingRead(
      Arena arena, SocketChannel writer, SocketChannel reader, boolean virtual) throws Exception {
    ByteBuffer buf = arena.allocate(SIZE).asByteBuffer();
    Background<Integer> read =
        Background.start(
                virtual,
                () -> {
                  TestSupport.readInto(reader, buf);
                  return buf.position();
                })
            .awaitBlocked();
    byte[] data = TestSupport.pattern(SIZE, 6);
    writer.write(ByteBuffer.wrap(data));
    assertThat(read.get()).isEqualTo(SIZE);
    byte[] got = new byte[SIZE];
    buf.flip().get(got);
    assertThat(got).isEqualTo(data);
    assertUsable(writer, reader);
    return "data correct";
  }

  /** A blocking write from the arena's buffer waits for space, then sends the data correctly. */
  private static String workingWrite(
      Arena arena, SocketChannel writer, SocketChannel reader, boolean virtual) throws Exception {
    long queued = fillSendBuffer(writer);
    byte[] data = TestSupport.pattern(SIZE, 7);
    ByteBuffer buf = arena.allocate(SIZE).asByteBuffer().put(data).flip();
    Background<Integer> write = Background.start(virtual, () -> writer.write(buf)).awaitBlocked();
    TestSupport.readFully(reader, Math.toIntExact(queued));
    assertThat(write.get()).isEqualTo(SIZE);
    assertThat(TestSupport.readFully(reader, SIZE)).isEqualTo(data);
    assertUsable(writer, reader);
    return "data correct";
  }

  // -- helpers --------------------------------------------------------------------------------

  /** Fills the writer's send buffer, leaving it in blocking mode; returns the bytes queued. */
  private static long fillSendBuffer(SocketChannel writer) throws IOException {
    writer.configureBlocking(false);
    long queued = TestSupport.fill(writer);
    writer.configureBlocking(true);
    return queued;
  }

  /**
   * Both ends are open and carry bytes both ways, and the next bytes the reader gets are the ones
   * written here (nothing else was queued before them).
   */
  private static void assertUsable(SocketChannel writer, SocketChannel reader) throws IOException {
    assertThat(writer.isOpen()).isTrue();
    assertThat(reader.isOpen()).isTrue();
    byte[] there = TestSupport.pattern(32, 8);
    writer.write(ByteBuffer.wrap(there));
    assertThat(TestSupport.readFully(reader, 32)).as("the next bytes read").isEqualTo(there);
    byte[] back = TestSupport.pattern(32, 9);
    reader.write(ByteBuffer.wrap(back));
    assertThat(TestSupport.readFully(writer, 32)).as("bytes written back").isEqualTo(back);
  }
}
