package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.UnixDatagramPair.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link MessageArenaBufferTest}: reads and writes of message ends ({@link
 * UnixDatagramPair}, both types) on buffers of shared arenas that are closed, before the call or
 * while a blocking call waits, on platform and on virtual threads; single buffers, scattering and
 * gathering runs described in place, and runs of more than 8 direct or more than 64 buffers, which
 * the transfer layer flattens into staging memory; and buffers of a confined arena used from
 * another thread. A call that touched freed memory could make the JVM abort; here that ends only
 * this child.
 *
 * <p>Prints one line per scenario, {@code <type> <threads> <scenario>: OK <what happened>} or
 * {@code ...: FAIL <why>}, then {@code done}. A watchdog ends the child with status 3 if it has not
 * finished well within {@link ChildJvm}'s bound.
 */
public final class MessageArenaBufferProbe {
  private MessageArenaBufferProbe() {}

  /** The scenarios, in the order they run (for each type, on platform, then virtual threads). */
  static final String[] SCENARIOS = {
    "closed read",
    "closed readMessage",
    "closed peekMessage",
    "closed receive",
    "closed scattering read",
    "closed scattering read of 9 direct",
    "closed scattering read of 70 buffers",
    "closed write",
    "closed send",
    "closed gathering write",
    "closed gathering write of 9 direct",
    "closed gathering write of 70 buffers",
    "shared read closed while blocked",
    "shared scattering read of 9 direct closed while blocked",
    "shared write closed while blocked",
    "shared gathering write of 9 direct closed while blocked",
    "confined read",
    "confined scattering read of 9 direct",
    "confined gathering write of 9 direct",
  };

  static final String[] THREADS = {"platform", "virtual"};

  private static final int SIZE = 64;

  /** One scenario on a fresh pair: returns what happened, throws when that is not acceptable. */
  private interface Scenario {
    String run(UnixDatagramChannel writer, UnixDatagramChannel reader, boolean virtual)
        throws Exception;
  }

  /** A read form given the buffers to read into (one, or a run). */
  private interface ReadCall {
    long read(UnixDatagramChannel reader, ByteBuffer[] dsts) throws IOException;
  }

  /** A write form given the buffers to write from. */
  private interface WriteCall {
    long write(UnixDatagramChannel writer, ByteBuffer[] srcs) throws IOException;
  }

  public static void main(String[] args) throws Throwable {
    ChildJvm.forbidCoreDumps();
    ChildJvm.startWatchdog(Duration.ofSeconds(100));
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("closed read", closedRead(1, 0, (r, d) -> r.read(d[0])));
    scenarios.put(
        "closed readMessage", closedRead(1, 0, (r, d) -> r.readMessage(d[0]).bytesRead()));
    scenarios.put(
        "closed peekMessage", closedRead(1, 0, (r, d) -> r.peekMessage(d[0]).bytesRead()));
    scenarios.put("closed receive", closedRead(1, 0, (r, d) -> r.receive(d[0]) == null ? -1 : 0));
    scenarios.put("closed scattering read", closedRead(3, 2, (r, d) -> r.read(d)));
    scenarios.put("closed scattering read of 9 direct", closedRead(9, 9, (r, d) -> r.read(d)));
    scenarios.put("closed scattering read of 70 buffers", closedRead(70, 3, (r, d) -> r.read(d)));
    scenarios.put("closed write", closedWrite(1, 0, (w, s) -> w.write(s[0])));
    scenarios.put("closed send", closedWrite(1, 0, (w, s) -> w.send(s[0], w.getRemoteAddress())));
    scenarios.put("closed gathering write", closedWrite(3, 2, (w, s) -> w.write(s)));
    scenarios.put("closed gathering write of 9 direct", closedWrite(9, 9, (w, s) -> w.write(s)));
    scenarios.put("closed gathering write of 70 buffers", closedWrite(70, 3, (w, s) -> w.write(s)));
    scenarios.put("shared read closed while blocked", sharedRead(1));
    scenarios.put("shared scattering read of 9 direct closed while blocked", sharedRead(9));
    scenarios.put("shared write closed while blocked", sharedWrite(1));
    scenarios.put("shared gathering write of 9 direct closed while blocked", sharedWrite(9));
    scenarios.put("confined read", confinedRead(1));
    scenarios.put("confined scattering read of 9 direct", confinedRead(9));
    scenarios.put("confined gathering write of 9 direct", confinedWrite(9));
    if (!Arrays.equals(scenarios.keySet().toArray(), SCENARIOS)) {
      throw new AssertionError("SCENARIOS does not list the scenarios run");
    }
    for (Type type : Type.values()) {
      for (String threads : THREADS) {
        boolean virtual = threads.equals("virtual");
        for (Map.Entry<String, Scenario> s : scenarios.entrySet()) {
          String line = type + " " + threads + " " + s.getKey() + ": ";
          try (UnixDatagramPair pair = UnixDatagramPair.open(type)) {
            line += "OK " + s.getValue().run(pair.first(), pair.second(), virtual);
          } catch (Throwable t) {
            line += "FAIL " + t.toString().replace('\n', ' ');
          }
          System.out.println(line);
          System.out.flush();
        }
      }
    }
    System.out.println("done");
  }

  /**
   * A run of {@code count} buffers of {@code SIZE} bytes, {@code direct} of them direct: the first
   * direct one from {@code arena}, the other direct ones allocated directly, the rest heap buffers.
   */
  private static ByteBuffer[] run(Arena arena, int count, int direct) {
    ByteBuffer[] run = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      if (i == 0) {
        run[i] = arena.allocate(SIZE).asByteBuffer();
      } else if (i < direct) {
        run[i] = ByteBuffer.allocateDirect(SIZE);
      } else {
        run[i] = ByteBuffer.allocate(SIZE);
      }
    }
    return run;
  }

  // -- a shared arena closed before the call --------------------------------------------------

  /**
   * A message is queued; a read into a run whose direct buffer is of a closed shared arena throws
   * IllegalStateException, stores nothing, and leaves the message queued.
   */
  private static Scenario closedRead(int count, int direct, ReadCall call) {
    return (writer, reader, virtual) -> {
      Arena arena = Arena.ofShared();
      ByteBuffer[] dsts = run(arena, count, direct);
      arena.close();
      byte[] data = TestSupport.pattern(SIZE, count);
      writer.write(ByteBuffer.wrap(data));
      Throwable failure = Background.start(virtual, () -> call.read(reader, dsts)).failure();
      assertThat(failure).isInstanceOf(IllegalStateException.class);
      for (int i = 1; i < count; i++) {
        assertThat(dsts[i].position()).as("buffer %d's position", i).isZero();
      }
      ByteBuffer again = ByteBuffer.allocate(SIZE + 1);
      reader.configureBlocking(false);
      assertThat(reader.read(again)).as("the message, still queued").isEqualTo(SIZE);
      assertThat(Arrays.copyOf(again.array(), SIZE)).isEqualTo(data);
      reader.configureBlocking(true);
      assertUsable(writer, reader);
      return "IllegalStateException; the message still queued";
    };
  }

  /**
   * A write from a run whose direct buffer is of a closed shared arena throws IllegalStateException
   * and sends nothing.
   */
  private static Scenario closedWrite(int count, int direct, WriteCall call) {
    return (writer, reader, virtual) -> {
      Arena arena = Arena.ofShared();
      ByteBuffer[] srcs = run(arena, count, direct);
      arena.close();
      Throwable failure = Background.start(virtual, () -> call.write(writer, srcs)).failure();
      assertThat(failure).isInstanceOf(IllegalStateException.class);
      for (int i = 1; i < count; i++) {
        assertThat(srcs[i].position()).as("buffer %d's position", i).isZero();
      }
      reader.configureBlocking(false);
      assertThat(reader.receive(ByteBuffer.allocate(8))).as("nothing was sent").isNull();
      reader.configureBlocking(true);
      assertUsable(writer, reader);
      return "IllegalStateException; nothing sent";
    };
  }

  // -- a shared arena closed while a blocking call waits ---------------------------------------

  /**
   * A blocking read into a run of {@code count} direct buffers, the first of a shared arena, waits;
   * the arena is closed; a message comes. Either the close fails while the read waits (the read
   * then returns the message), or the close succeeds and the read throws IllegalStateException,
   * leaving the message queued. Never may the read store into the freed memory.
   */
  private static Scenario sharedRead(int count) {
    return (writer, reader, virtual) -> {
      Arena arena = Arena.ofShared();
      ByteBuffer[] dsts = run(arena, count, count);
      int room = SIZE * count;
      Background<Long> read = Background.start(virtual, () -> reader.read(dsts)).awaitBlocked();
      boolean closed = tryClose(arena);
      byte[] data = TestSupport.pattern(room, 21);
      writer.write(ByteBuffer.wrap(data));
      String outcome;
      if (closed) {
        assertThat(read.failure()).isInstanceOf(IllegalStateException.class);
        ByteBuffer again = ByteBuffer.allocate(room + 1);
        reader.configureBlocking(false);
        assertThat(reader.read(again)).as("the message, still queued").isEqualTo(room);
        assertThat(Arrays.copyOf(again.array(), room)).isEqualTo(data);
        reader.configureBlocking(true);
        outcome = "close succeeded; the read threw IllegalStateException; message kept";
      } else {
        assertThat(read.get()).isEqualTo(room);
        ByteBuffer got = ByteBuffer.allocate(room);
        for (ByteBuffer d : dsts) {
          got.put(d.flip());
        }
        assertThat(got.array()).isEqualTo(data);
        arena.close();
        outcome = "close failed while the read waited; the read returned the message";
      }
      assertUsable(writer, reader);
      return outcome;
    };
  }

  /**
   * A blocking write from a run of {@code count} direct buffers, the first of a shared arena, waits
   * for room; the arena is closed; room comes. Either the close fails while the write waits (the
   * write then sends the message), or the close succeeds and the write throws
   * IllegalStateException, having sent nothing.
   */
  private static Scenario sharedWrite(int count) {
    return (writer, reader, virtual) -> {
      writer.configureBlocking(false);
      int queued = MessageSupport.fillWithMessages(writer, 1000);
      writer.configureBlocking(true);
      Arena arena = Arena.ofShared();
      ByteBuffer[] srcs = run(arena, count, count);
      byte[] data = TestSupport.pattern(SIZE * count, 22);
      for (int i = 0; i < count; i++) {
        srcs[i].put(data, i * SIZE, SIZE).flip();
      }
      Background<Long> write = Background.start(virtual, () -> writer.write(srcs)).awaitBlocked();
      boolean closed = tryClose(arena);
      for (int tag = 0; tag < queued; tag++) {
        MessageSupport.expectTagged(reader, tag, 1000);
      }
      String outcome;
      if (closed) {
        assertThat(write.failure()).isInstanceOf(IllegalStateException.class);
        reader.configureBlocking(false);
        assertThat(reader.receive(ByteBuffer.allocate(8))).as("nothing was sent").isNull();
        reader.configureBlocking(true);
        outcome = "close succeeded; the write threw IllegalStateException; nothing sent";
      } else {
        assertThat(write.get()).isEqualTo((long) data.length);
        ByteBuffer got = ByteBuffer.allocate(data.length + 1);
        assertThat(reader.read(got)).isEqualTo(data.length);
        assertThat(Arrays.copyOf(got.array(), data.length)).isEqualTo(data);
        arena.close();
        outcome = "close failed while the write waited; the write then sent the message";
      }
      assertUsable(writer, reader);
      return outcome;
    };
  }

  // -- a confined arena's buffer used from another thread --------------------------------------

  /**
   * A read on another thread into a run of {@code count} direct buffers, the first of a confined
   * arena: WrongThreadException, nothing stored, the message still queued.
   */
  private static Scenario confinedRead(int count) {
    return (writer, reader, virtual) -> {
      byte[] data = TestSupport.pattern(SIZE, 23);
      writer.write(ByteBuffer.wrap(data));
      try (Arena arena = Arena.ofConfined()) {
        ByteBuffer[] dsts = run(arena, count, count);
        assertThat(Background.start(virtual, () -> reader.read(dsts)).failure())
            .isInstanceOf(WrongThreadException.class);
        for (ByteBuffer d : dsts) {
          assertThat(d.position()).isZero();
        }
      }
      ByteBuffer again = ByteBuffer.allocate(SIZE + 1);
      reader.configureBlocking(false);
      assertThat(reader.read(again)).as("the message, still queued").isEqualTo(SIZE);
      assertThat(Arrays.copyOf(again.array(), SIZE)).isEqualTo(data);
      reader.configureBlocking(true);
      assertUsable(writer, reader);
      return "WrongThreadException; the message still queued";
    };
  }

  /**
   * A write on another thread from a run of {@code count} direct buffers, the first of a confined
   * arena: WrongThreadException, nothing sent.
   */
  private static Scenario confinedWrite(int count) {
    return (writer, reader, virtual) -> {
      try (Arena arena = Arena.ofConfined()) {
        ByteBuffer[] srcs = run(arena, count, count);
        assertThat(Background.start(virtual, () -> writer.write(srcs)).failure())
            .isInstanceOf(WrongThreadException.class);
        for (ByteBuffer s : srcs) {
          assertThat(s.position()).isZero();
        }
      }
      reader.configureBlocking(false);
      assertThat(reader.receive(ByteBuffer.allocate(8))).as("nothing was sent").isNull();
      reader.configureBlocking(true);
      assertUsable(writer, reader);
      return "WrongThreadException; nothing sent";
    };
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

  /**
   * Both ends are open and carry messages both ways, and the next message the reader gets is the
   * one written here (nothing else was queued before it).
   */
  private static void assertUsable(UnixDatagramChannel writer, UnixDatagramChannel reader)
      throws IOException {
    assertThat(writer.isOpen()).isTrue();
    assertThat(reader.isOpen()).isTrue();
    byte[] there = TestSupport.pattern(32, 8);
    writer.write(ByteBuffer.wrap(there));
    ByteBuffer in = ByteBuffer.allocate(64);
    assertThat(reader.read(in)).as("the next message read").isEqualTo(32);
    assertThat(Arrays.copyOf(in.array(), 32)).isEqualTo(there);
    byte[] back = TestSupport.pattern(32, 9);
    reader.write(ByteBuffer.wrap(back));
    assertThat(writer.read(in.clear())).as("a message written back").isEqualTo(32);
    assertThat(Arrays.copyOf(in.array(), 32)).isEqualTo(back);
  }
}
