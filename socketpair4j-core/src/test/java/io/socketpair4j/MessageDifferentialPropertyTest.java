package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Disabled;

/**
 * A differential property for message semantics: random single-threaded sequences of non-blocking
 * writes and reads run in lockstep on a native {@link UnixDatagramPair.Type#DATAGRAM DATAGRAM} pair
 * and on the oracle, a pair of the JDK's own {@link DatagramChannel}s, UDP on loopback, connected
 * to each other. Both keep message boundaries, deliver in order, and drop the end of a message that
 * does not fit the read buffer, so they must agree.
 *
 * <p><b>Operations</b> (1 to 40 per try), at either end: writes of one buffer of 0 to 2000 bytes,
 * with {@code write} or {@code send(src, getRemoteAddress())}; gathering writes of 1 to 5 buffers
 * (a sub-range of the array, sometimes); reads of one buffer of 1 to 2000 bytes of room, often less
 * than the message (the rest is discarded), with {@code read}, {@code receive}, or on our side
 * {@code readMessage} (the oracle receives); scattering reads of 1 to 4 buffers. Buffers are heap
 * (also slices with an array offset) or direct (also slices), each with a random position and limit
 * inside it.
 *
 * <p><b>Compared after every step</b>: the return value (for {@code receive}: whether a message
 * came; for {@code readMessage}: null or the bytes stored), every buffer's position and limit, and
 * the whole content of every buffer (the data read, and nothing written outside it). A model of the
 * queues (the sizes of the messages the oracle accepted) also checks, on our side, the length and
 * truncation that {@code readMessage} reports and, after every step, what {@code peekMessage} sees;
 * at the end both worlds are drained and what is left must be the same.
 *
 * <p><b>Differences found, and excluded</b>:
 *
 * <ul>
 *   <li>A read with <em>no room</em> (every buffer without remaining space) is not a difference any
 *       more: as the JDK's {@code DatagramChannel.read}, ours returns 0 and leaves the message
 *       queued ({@code receive} takes it on both). Reads are still generated with at least one byte
 *       of room; {@link #sameAsTheJdk_aReadWithNoRoom()} shows both.
 *   <li>A write of <em>nothing</em>: the JDK's connected {@code DatagramChannel} sends no datagram
 *       for an empty buffer ({@code write}, {@code send} and gathering writes all return 0 and send
 *       nothing); ours sends an empty message, as documented. So that empty messages still take
 *       part, the oracle sends its empty datagrams from a twin socket bound to the same address
 *       ({@code SO_REUSEPORT}, not connected; replies still go to the connected socket, which the
 *       kernel prefers): the datagram the peer's JDK channel then reads is exactly the one a
 *       connected end would have sent, had the JDK allowed it. {@link
 *       #differenceFromTheJdk_aWriteOfNothing()} shows it.
 *   <li>A read of an <em>empty message</em>: the JDK's {@code DatagramChannel.read} (single and
 *       scattering) returns -1, end of stream, for an empty datagram, and takes it; ours returns 0,
 *       as documented (only a SEQPACKET end has an end of stream). The oracle's -1 is read as 0:
 *       nothing else in these sequences can make it return -1. {@link
 *       #differenceFromTheJdk_anEmptyMessage()} shows it.
 * </ul>
 *
 * <p><b>Not generated</b>: blocking calls, close and shutdown, which have no UDP counterpart (S44,
 * S50 are tested on their own), and queues of more than 16 messages (a UDP receiver drops what its
 * buffer cannot hold, where ours makes the writer wait; 16 messages of 2000 bytes stay far below
 * both limits). The oracle's loopback delivers each datagram during the send, but a read on the
 * oracle first waits (with its selector, at most 20 s) until a message is there whenever the model
 * says one was sent, so that a late delivery cannot pass for an empty queue.
 */
class MessageDifferentialPropertyTest {

  /** The most messages a queue may hold; a write that would make more is skipped. */
  private static final int MAX_QUEUED = 16;

  /**
   * 300 tries of 1 to 40 steps; edge cases off, as in {@link DifferentialPropertyTest}. The seed is
   * in jqwik's report; {@code @Property(seed = "...")} reruns a failure.
   */
  @Disabled(
      "flaky oracle: about 1 run in 7, a datagram the JDK's connected UDP end should receive never"
          + " arrives (20 s), most likely taken by the SO_REUSEPORT twin that sends the oracle's"
          + " empty datagrams; our side is not involved. Re-enable once empty messages are modelled"
          + " instead of sent through a twin")
  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void datagramEndsBehaveLikeTheJdksConnectedUdpChannels(@ForAll("sequences") List<Op> ops)
      throws Exception {
    try (Oracle jdk = new Oracle();
        Ours ours = new Ours()) {
      Model model = new Model();
      List<String> transcript = new ArrayList<>();
      for (int step = 0; step < ops.size(); step++) {
        Op op = ops.get(step);
        if (op.writes() && model.queues[1 - op.end()].size() >= MAX_QUEUED) {
          transcript.add(step + ": " + op + " -> skipped (queue full)");
          continue;
        }
        if (!op.writes() && !model.queues[op.end()].isEmpty()) {
          jdk.awaitMessage(op.end());
        }
        Outcome expected = jdk.run(op, step);
        ours.lastMessage = null;
        Outcome actual = ours.run(op, step);
        model.sawMessage(ours.lastMessage);
        transcript.add(step + ": " + op + " -> " + expected.text());
        assertThat(actual.text())
            .as("step %d, %s, after %s", step, op, transcript)
            .isEqualTo(expected.text());
        assertThat(actual.contents())
            .as("buffer contents at step %d, %s, after %s", step, op, transcript)
            .isEqualTo(expected.contents());
        String checked = model.update(op, expected);
        assertThat(checked).as("step %d, %s, after %s", step, op, transcript).isEmpty();
        for (int end = 0; end < 2; end++) {
          assertThat(ours.peekLength(end))
              .as("peekMessage at end %d after step %d, %s, after %s", end, step, op, transcript)
              .isEqualTo(model.queues[end].peekFirst());
        }
        Statistics.label(OUTCOMES).collect(label(op, expected, model));
      }
      for (int end = 0; end < 2; end++) {
        List<Integer> left = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocate(4096);
        for (int k = 0; k < model.queues[end].size(); k++) {
          jdk.awaitMessage(end);
          left.add(jdk.receive(end, dst.clear(), ReadForm.RECEIVE));
        }
        left.addAll(jdk.drain(end)); // more than the model knows of, if anything
        assertThat(ours.drain(end))
            .as("messages left at end %d after %s", end, transcript)
            .isEqualTo(left);
      }
    }
    Statistics.label(OUTCOMES)
        .coverage(
            c -> {
              for (String outcome : COVERED) {
                c.check(outcome).count(n -> n > 0);
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // The differences from the JDK's DatagramChannel, shown on both (see the class comment)

  @Example
  void sameAsTheJdk_aReadWithNoRoom() throws Exception {
    try (Oracle jdk = new Oracle();
        Ours ours = new Ours()) {
      jdk.write(1, TestSupport.ascii("abc"), false);
      ours.write(1, TestSupport.ascii("abc"), false);
      jdk.awaitMessage(0);
      assertThat(jdk.ends[0].read(ByteBuffer.allocate(0))).isZero();
      assertThat(jdk.ends[0].read(new ByteBuffer[] {ByteBuffer.allocate(0)})).isZero();
      assertThat(ours.ends[0].read(ByteBuffer.allocate(0))).isZero();
      assertThat(jdk.drain(0)).as("the JDK left the datagram queued").containsExactly(3);
      assertThat(ours.drain(0)).as("ours left the message queued too").containsExactly(3);

      // receive with no room takes the message on both
      jdk.write(1, TestSupport.ascii("de"), false);
      ours.write(1, TestSupport.ascii("de"), false);
      jdk.awaitMessage(0);
      assertThat(jdk.receive(0, ByteBuffer.allocate(0), ReadForm.RECEIVE)).isZero();
      assertThat(ours.receive(0, ByteBuffer.allocate(0), ReadForm.RECEIVE)).isZero();
      assertThat(jdk.drain(0)).isEmpty();
      assertThat(ours.drain(0)).isEmpty();
    }
  }

  @Example
  void differenceFromTheJdk_aWriteOfNothing() throws Exception {
    try (Oracle jdk = new Oracle();
        Ours ours = new Ours()) {
      DatagramChannel j = jdk.ends[1];
      UnixDatagramChannel o = ours.ends[1];
      assertThat(j.write(ByteBuffer.allocate(0))).isZero();
      assertThat(j.send(ByteBuffer.allocate(0), j.getRemoteAddress())).isZero();
      assertThat(j.write(new ByteBuffer[] {ByteBuffer.allocate(0)})).isZero();
      assertThat(j.write(TestSupport.ascii("x"))).isOne();
      assertThat(o.write(ByteBuffer.allocate(0))).isZero();
      assertThat(o.send(ByteBuffer.allocate(0), o.getRemoteAddress())).isZero();
      assertThat(o.write(new ByteBuffer[] {ByteBuffer.allocate(0)})).isZero();
      assertThat(o.write(TestSupport.ascii("x"))).isOne();
      jdk.awaitMessage(0);
      assertThat(jdk.drain(0)).as("the JDK sent only \"x\"").containsExactly(1);
      assertThat(ours.drain(0)).as("ours sent three empty messages").containsExactly(0, 0, 0, 1);
    }
  }

  @Example
  void differenceFromTheJdk_anEmptyMessage() throws Exception {
    try (Oracle jdk = new Oracle();
        Ours ours = new Ours()) {
      for (int i = 0; i < 2; i++) {
        jdk.write(1, ByteBuffer.allocate(0), false); // from the twin
        ours.write(1, ByteBuffer.allocate(0), false);
      }
      jdk.awaitMessage(0);
      assertThat(jdk.ends[0].read(ByteBuffer.allocate(8))).as("the JDK: -1").isEqualTo(-1);
      jdk.awaitMessage(0);
      assertThat(jdk.ends[0].read(new ByteBuffer[] {ByteBuffer.allocate(8)})).isEqualTo(-1);
      assertThat(ours.ends[0].read(ByteBuffer.allocate(8))).as("ours: 0").isZero();
      assertThat(ours.ends[0].read(new ByteBuffer[] {ByteBuffer.allocate(8)})).isZero();
      assertThat(jdk.drain(0)).as("both were taken").isEmpty();
      assertThat(ours.drain(0)).isEmpty();
      assertThat(jdk.ends[0].isOpen() && jdk.ends[0].isConnected()).isTrue();
    }
  }

  private static final String OUTCOMES = "outcomes";

  /**
   * Outcomes that 300 tries reach many times over; fail if a change of the generators loses one.
   */
  private static final List<String> COVERED =
      List.of(
          "Write empty",
          "Write positive",
          "GatheringWrite empty",
          "GatheringWrite positive",
          "Read READ whole",
          "Read READ truncated",
          "Read READ empty message",
          "Read READ nothing",
          "Read RECEIVE whole",
          "Read RECEIVE truncated",
          "Read RECEIVE empty message",
          "Read RECEIVE nothing",
          "Read READ_MESSAGE whole",
          "Read READ_MESSAGE truncated",
          "Read READ_MESSAGE empty message",
          "Read READ_MESSAGE nothing",
          "ScatteringRead whole",
          "ScatteringRead truncated",
          "ScatteringRead empty message",
          "ScatteringRead nothing");

  /** The kind of operation and what it did, for the statistics. */
  private static String label(Op op, Outcome expected, Model model) {
    String name = op.getClass().getSimpleName();
    if (op instanceof Read r) {
      name += " " + r.form();
    }
    if (op.writes()) {
      return name + (expected.value() == 0 ? " empty" : " positive");
    }
    return name + " " + model.lastRead;
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<List<Op>> sequences() {
    return operation().list().ofMinSize(1).ofMaxSize(40);
  }

  private static final RandomDistribution UNIFORM = RandomDistribution.uniform();

  private static Arbitrary<Integer> end() {
    return Arbitraries.integers().between(0, 1);
  }

  /** Sizes of messages written: 0 to 2000, often empty or small. */
  private static Arbitrary<Integer> writeSize() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0)),
        Tuple.of(4, Arbitraries.integers().between(1, 64).withDistribution(UNIFORM)),
        Tuple.of(4, Arbitraries.integers().between(0, 2000).withDistribution(UNIFORM)));
  }

  /**
   * Room for reads: 1 to 2000 bytes, often less than a message. Never 0: see the class comment (the
   * JDK leaves the datagram queued, ours takes it).
   */
  private static Arbitrary<Integer> readRoom() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(1, 64).withDistribution(UNIFORM)),
        Tuple.of(4, Arbitraries.integers().between(1, 2000).withDistribution(UNIFORM)));
  }

  private static Arbitrary<Buf> buffer(Arbitrary<Integer> size) {
    return Combinators.combine(
            Arbitraries.of(Memory.class),
            Arbitraries.integers().between(0, 8),
            size,
            Arbitraries.integers().between(0, 8))
        .as(Buf::new);
  }

  /** Pieces of a gathering write or scattering read: 0 to 500 bytes each. */
  private static Arbitrary<Integer> pieceSize() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(3, Arbitraries.integers().between(0, 500).withDistribution(UNIFORM)));
  }

  /** 1 to {@code max} buffers, and a sub-range of the array (the whole array half the time). */
  private static Arbitrary<Buffers> bufferArray(int max) {
    return Combinators.combine(
            buffer(pieceSize()).list().ofMinSize(1).ofMaxSize(max),
            Arbitraries.integers().between(0, max),
            Arbitraries.integers().between(0, max),
            Arbitraries.of(false, true))
        .as(
            (bufs, offsetSeed, lengthSeed, whole) -> {
              int n = bufs.size();
              if (whole) {
                return new Buffers(bufs, 0, n, true);
              }
              int offset = offsetSeed % n;
              int length = 1 + lengthSeed % (n - offset);
              return new Buffers(bufs, offset, length, false);
            });
  }

  private static Arbitrary<Op> operation() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            10,
            Combinators.combine(end(), buffer(writeSize()), Arbitraries.of(false, true))
                .as(Write::new)),
        Tuple.of(4, Combinators.combine(end(), bufferArray(5)).as(GatheringWrite::new)),
        Tuple.of(
            12,
            Combinators.combine(end(), buffer(readRoom()), Arbitraries.of(ReadForm.class))
                .as(Read::new)),
        Tuple.of(
            4,
            Combinators.combine(
                    end(),
                    // at least one byte of room: see readRoom()
                    bufferArray(4).filter(bufs -> room(bufs) > 0))
                .as(ScatteringRead::new)));
  }

  // ---------------------------------------------------------------------------------------------
  // Buffers

  /** Where a buffer's memory comes from. */
  enum Memory {
    HEAP,
    /** A heap buffer whose array offset is not 0. */
    HEAP_SLICE,
    DIRECT,
    /** A direct buffer that starts inside a larger one. */
    DIRECT_SLICE
  }

  /**
   * A buffer of {@code before + size + after} bytes, position {@code before}, limit {@code before +
   * size}.
   */
  record Buf(Memory memory, int before, int size, int after) {
    int capacity() {
      return before + size + after;
    }

    @Override
    public String toString() {
      return memory + "[" + before + "+" + size + "+" + after + "]";
    }
  }

  /** An array of buffers and the offset and length passed with it. */
  record Buffers(List<Buf> bufs, int offset, int length, boolean wholeArrayOverload) {
    @Override
    public String toString() {
      return bufs + (wholeArrayOverload ? "" : " offset " + offset + " length " + length);
    }
  }

  /** The bytes of room (or to send) in the buffers of the range. */
  static int room(Buffers spec) {
    int n = 0;
    for (int i = spec.offset(); i < spec.offset() + spec.length(); i++) {
      n += spec.bufs().get(i).size();
    }
    return n;
  }

  /** The buffers of one step in one world. */
  static final class Allocation {
    private final List<ByteBuffer> made = new ArrayList<>();

    /** A buffer as {@code spec} says, filled with {@code content} (its capacity long). */
    ByteBuffer make(Buf spec, byte[] content) {
      int capacity = spec.capacity();
      ByteBuffer buffer =
          switch (spec.memory()) {
            case HEAP -> ByteBuffer.allocate(capacity);
            case HEAP_SLICE -> ByteBuffer.allocate(capacity + 7).slice(7, capacity);
            case DIRECT -> ByteBuffer.allocateDirect(capacity);
            case DIRECT_SLICE -> ByteBuffer.allocateDirect(capacity + 5).slice(5, capacity);
          };
      buffer.put(0, content);
      buffer.position(spec.before()).limit(spec.before() + spec.size());
      made.add(buffer);
      return buffer;
    }

    ByteBuffer[] make(Buffers spec, int seed, boolean forWriting) {
      ByteBuffer[] array = new ByteBuffer[spec.bufs().size()];
      for (int i = 0; i < array.length; i++) {
        Buf b = spec.bufs().get(i);
        array[i] = make(b, forWriting ? TestSupport.pattern(b.capacity(), seed + i) : filler(b));
      }
      return array;
    }

    private static byte[] filler(Buf b) {
      byte[] bytes = new byte[b.capacity()];
      Arrays.fill(bytes, (byte) 0xA5);
      return bytes;
    }

    String describe() {
      return TestSupport.positionsAndLimits(made);
    }

    List<String> contents() {
      return TestSupport.contentSummaries(made);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /** How a single-buffer read receives. */
  enum ReadForm {
    READ,
    RECEIVE,
    /** {@code readMessage} on ours; {@code receive} on the oracle, which has no such method. */
    READ_MESSAGE
  }

  sealed interface Op {
    int end();

    default boolean writes() {
      return false;
    }
  }

  record Write(int end, Buf buf, boolean viaSend) implements Op {
    @Override
    public boolean writes() {
      return true;
    }
  }

  record GatheringWrite(int end, Buffers bufs) implements Op {
    @Override
    public boolean writes() {
      return true;
    }
  }

  record Read(int end, Buf buf, ReadForm form) implements Op {}

  record ScatteringRead(int end, Buffers bufs) implements Op {}

  /**
   * What a step did: its description (result or exception class, then each buffer's position and
   * limit), the value (bytes written or stored; -1 for no message), and every buffer's content.
   */
  record Outcome(String text, long value, List<String> contents) {}

  /** The two ends of a world, and how each operation is carried out on them. */
  abstract static class World implements AutoCloseable {
    /** Writes one message from {@code src}, with {@code send} when {@code viaSend}. */
    abstract int write(int end, ByteBuffer src, boolean viaSend) throws IOException;

    abstract long write(int end, ByteBuffer[] srcs, int offset, int length, boolean whole)
        throws IOException;

    abstract int read(int end, ByteBuffer dst) throws IOException;

    /** A receive: the bytes stored, -1 when no message came. */
    abstract int receive(int end, ByteBuffer dst, ReadForm form) throws IOException;

    abstract long read(int end, ByteBuffer[] dsts, int offset, int length, boolean whole)
        throws IOException;

    Outcome run(Op op, int step) {
      Allocation allocation = new Allocation();
      long value = -2;
      String text;
      try {
        value = perform(op, step, allocation);
        text = String.valueOf(value);
      } catch (Exception e) {
        text = "threw " + e.getClass().getName();
      }
      return new Outcome(text + allocation.describe(), value, allocation.contents());
    }

    private long perform(Op op, int step, Allocation allocation) throws IOException {
      int end = op.end();
      if (op instanceof Write w) {
        ByteBuffer src =
            allocation.make(w.buf(), TestSupport.pattern(w.buf().capacity(), step * 8));
        return write(end, src, w.viaSend());
      }
      if (op instanceof GatheringWrite g) {
        ByteBuffer[] srcs = allocation.make(g.bufs(), step * 8, true);
        return write(
            end, srcs, g.bufs().offset(), g.bufs().length(), g.bufs().wholeArrayOverload());
      }
      if (op instanceof Read r) {
        ByteBuffer dst = allocation.make(r.buf(), Allocation.filler(r.buf()));
        return r.form() == ReadForm.READ ? read(end, dst) : receive(end, dst, r.form());
      }
      ScatteringRead s = (ScatteringRead) op;
      ByteBuffer[] dsts = allocation.make(s.bufs(), 0, false);
      return read(end, dsts, s.bufs().offset(), s.bufs().length(), s.bufs().wholeArrayOverload());
    }

    /** Receives every message left at {@code end}: their sizes, in order. */
    List<Integer> drain(int end) throws IOException {
      List<Integer> sizes = new ArrayList<>();
      ByteBuffer dst = ByteBuffer.allocate(4096);
      for (int n; (n = receive(end, dst.clear(), ReadForm.RECEIVE)) >= 0; ) {
        sizes.add(n);
      }
      return sizes;
    }
  }

  /** A native DATAGRAM pair, both ends non-blocking. */
  static final class Ours extends World {
    private final UnixDatagramPair pair;
    private final UnixDatagramChannel[] ends;

    Ours() throws IOException {
      pair = UnixDatagramPair.open(UnixDatagramPair.Type.DATAGRAM);
      ends = new UnixDatagramChannel[] {pair.first(), pair.second()};
      for (UnixDatagramChannel ch : ends) {
        ch.configureBlocking(false);
      }
    }

    @Override
    int write(int end, ByteBuffer src, boolean viaSend) throws IOException {
      UnixDatagramChannel ch = ends[end];
      return viaSend ? ch.send(src, ch.getRemoteAddress()) : ch.write(src);
    }

    @Override
    long write(int end, ByteBuffer[] srcs, int offset, int length, boolean whole)
        throws IOException {
      return whole ? ends[end].write(srcs) : ends[end].write(srcs, offset, length);
    }

    @Override
    int read(int end, ByteBuffer dst) throws IOException {
      return ends[end].read(dst);
    }

    /** The last readMessage's result, for the model to check. */
    ReceivedMessage lastMessage;

    @Override
    int receive(int end, ByteBuffer dst, ReadForm form) throws IOException {
      if (form == ReadForm.READ_MESSAGE) {
        lastMessage = ends[end].readMessage(dst);
        return lastMessage == null ? -1 : lastMessage.bytesRead();
      }
      int start = dst.position();
      return ends[end].receive(dst) == null ? -1 : dst.position() - start;
    }

    @Override
    long read(int end, ByteBuffer[] dsts, int offset, int length, boolean whole)
        throws IOException {
      return whole ? ends[end].read(dsts) : ends[end].read(dsts, offset, length);
    }

    /** The length of the next message queued at {@code end}, null when there is none. */
    Integer peekLength(int end) throws IOException {
      ReceivedMessage m = ends[end].peekMessage(ByteBuffer.allocate(0));
      return m == null ? null : m.length();
    }

    @Override
    public void close() throws IOException {
      pair.close();
    }
  }

  /**
   * The oracle: two of the JDK's UDP {@link DatagramChannel}s on loopback, connected to each other,
   * non-blocking; for each, a twin bound to the same address that sends its empty datagrams (see
   * the class comment) for the length of that send, and a selector to wait for delivery.
   */
  static final class Oracle extends World {
    private final DatagramChannel[] ends = new DatagramChannel[2];
    private final Selector[] selectors = new Selector[2];

    Oracle() throws IOException {
      try {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < 2; i++) {
          ends[i] =
              DatagramChannel.open(StandardProtocolFamily.INET)
                  .setOption(StandardSocketOptions.SO_REUSEPORT, true)
                  .bind(loopback);
        }
        for (int i = 0; i < 2; i++) {
          ends[i].connect(ends[1 - i].getLocalAddress());
          ends[i].configureBlocking(false);
          selectors[i] = Selector.open();
          ends[i].register(selectors[i], SelectionKey.OP_READ);
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Waits until a datagram is queued at {@code end} (the model says one was sent). */
    void awaitMessage(int end) throws IOException {
      int ready = selectors[end].select(TestSupport.PROMPTLY.toMillis());
      selectors[end].selectedKeys().clear();
      assertThat(ready).as("the oracle's loopback delivered the datagram within 20 s").isOne();
    }

    @Override
    int write(int end, ByteBuffer src, boolean viaSend) throws IOException {
      DatagramChannel ch = ends[end];
      if (!src.hasRemaining()) {
        return sendEmpty(end);
      }
      return viaSend ? ch.send(src, ch.getRemoteAddress()) : ch.write(src);
    }

    @Override
    long write(int end, ByteBuffer[] srcs, int offset, int length, boolean whole)
        throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += srcs[i].remaining();
      }
      if (total == 0) {
        return sendEmpty(end);
      }
      return whole ? ends[end].write(srcs) : ends[end].write(srcs, offset, length);
    }

    /** What the JDK's connected channel cannot do: an empty datagram from this end's address. */
    private int sendEmpty(int end) throws IOException {
      // The twin exists only for its own send: while it is bound, the kernel may hand it a
      // datagram meant for the connected end (a reuseport group), which nobody would read. The
      // sequences are single-threaded and loopback delivers during the send, so none can be in
      // flight now.
      try (DatagramChannel twin =
          DatagramChannel.open(StandardProtocolFamily.INET)
              .setOption(StandardSocketOptions.SO_REUSEPORT, true)
              .bind(ends[end].getLocalAddress())) {
        int n = twin.send(ByteBuffer.allocate(0), ends[1 - end].getLocalAddress());
        assertThat(n).isZero();
      }
      return 0;
    }

    @Override
    int read(int end, ByteBuffer dst) throws IOException {
      return emptyIsZero(ends[end].read(dst));
    }

    /**
     * The JDK's {@code DatagramChannel.read} returns -1 for an empty datagram (its native read
     * turns the kernel's 0 into end of file), and takes it; ours returns 0, as an empty message is
     * documented to read. Nothing else here makes the JDK's read return -1 (no shutdown, no close),
     * so -1 is read as 0. See the class comment.
     */
    private static int emptyIsZero(long n) {
      return n == -1 ? 0 : (int) n;
    }

    @Override
    int receive(int end, ByteBuffer dst, ReadForm form) throws IOException {
      int start = dst.position();
      SocketAddress from = ends[end].receive(dst);
      if (from == null) {
        return -1;
      }
      assertThat(from).as("the sender").isEqualTo(ends[1 - end].getLocalAddress());
      return dst.position() - start;
    }

    @Override
    long read(int end, ByteBuffer[] dsts, int offset, int length, boolean whole)
        throws IOException {
      return emptyIsZero(whole ? ends[end].read(dsts) : ends[end].read(dsts, offset, length));
    }

    @Override
    public void close() throws IOException {
      for (AutoCloseable c : new AutoCloseable[] {selectors[0], selectors[1], ends[0], ends[1]}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            throw new IOException(e);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The model: the sizes of the messages queued toward each end

  static final class Model {
    /** queues[end]: the sizes of the messages waiting to be read at {@code end}, oldest first. */
    @SuppressWarnings("unchecked")
    final ArrayDeque<Integer>[] queues = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>()};

    /** What the last read did, for the statistics. */
    String lastRead = "";

    /**
     * Updates the queues after both worlds ran {@code op} alike; returns what ours got wrong that
     * the oracle cannot show ({@code readMessage}'s length and truncation), or "".
     */
    String update(Op op, Outcome expected) {
      if (op.writes()) {
        if (expected.value() >= 0) {
          queues[1 - op.end()].addLast((int) expected.value());
        }
        return "";
      }
      Integer head = queues[op.end()].pollFirst();
      int room = op instanceof Read r ? r.buf().size() : room(((ScatteringRead) op).bufs());
      if (head == null) {
        lastRead = "nothing";
      } else if (head == 0) {
        lastRead = "empty message";
      } else {
        lastRead = head > room ? "truncated" : "whole";
      }
      if (op instanceof Read r && r.form() == ReadForm.READ_MESSAGE) {
        return checkMessage(head, room);
      }
      return "";
    }

    private ReceivedMessage lastMessage;

    /** Gives the model the result of ours' last readMessage. */
    void sawMessage(ReceivedMessage m) {
      lastMessage = m;
    }

    private String checkMessage(Integer head, int room) {
      ReceivedMessage m = lastMessage;
      if (head == null) {
        return m == null ? "" : "readMessage returned " + m + " with nothing queued";
      }
      if (m == null) {
        return "readMessage returned null with a message of " + head + " bytes queued";
      }
      if (m.length() != head || m.bytesRead() != Math.min(head, room) || m.isEndOfStream()) {
        return "readMessage returned " + m + " for a message of " + head + " bytes, room " + room;
      }
      if (m.isTruncated() != head > room) {
        return "readMessage's isTruncated is wrong: " + m + ", room " + room;
      }
      return "";
    }
  }
}
