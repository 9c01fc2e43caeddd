package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static io.socketpair4j.TestSupport.pattern;
import static io.socketpair4j.TestSupport.readFully;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream behaviour of a pair's channels, the same for every backend. */
class StreamChannelTest extends PairFixture {
  private static ByteBuffer buffer(boolean direct, int capacity) {
    return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("S11: bytes go both ways, unchanged")
  void s11_bytesBothWays(boolean direct) throws IOException {
    for (SocketChannel[] ends : new SocketChannel[][] {{a, b}, {b, a}}) {
      ByteBuffer out = buffer(direct, 27);
      out.put("Hello, socketpair(2) world!".getBytes()).flip();
      assertThat(ends[0].write(out)).isEqualTo(27);
      ByteBuffer in = buffer(direct, 32);
      assertThat(ends[1].read(in)).isEqualTo(27);
      assertThat(ascii(in.flip())).isEqualTo("Hello, socketpair(2) world!");
    }
  }

  @Test
  @DisplayName("S12: a stream has no message boundaries")
  void s12_noMessageBoundaries() throws IOException {
    a.write(ascii("hello"));
    a.write(ascii("world"));
    assertThat(new String(readFully(b, 10))).isEqualTo("helloworld");
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("S57: full buffers both ways at once do not deadlock, and order is kept")
  void s57_bulkTransferBothWaysAtOnce(boolean direct) throws Exception {
    int size = 4 * 1024 * 1024; // far more than the socket buffers hold
    byte[] ab = pattern(size, 1);
    byte[] ba = pattern(size, 2);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> writeA = pool.submit(() -> writeAll(a, ab, direct));
      Future<?> writeB = pool.submit(() -> writeAll(b, ba, direct));
      Future<byte[]> readB = pool.submit(() -> readFully(b, size));
      Future<byte[]> readA = pool.submit(() -> readFully(a, size));
      writeA.get();
      writeB.get();
      assertThat(readB.get()).isEqualTo(ab);
      assertThat(readA.get()).isEqualTo(ba);
    }
  }

  private static Void writeAll(SocketChannel ch, byte[] data, boolean direct) throws IOException {
    ByteBuffer src = buffer(direct, data.length);
    src.put(data).flip();
    // (A JDK channel's blocking write on a virtual thread may return after writing part of the
    // buffer, so write until all is written, as callers must.)
    while (src.hasRemaining()) {
      ch.write(src);
    }
    return null;
  }

  @Test
  @DisplayName(
      "S17/S18: a blocking gathering write and scattering reads of 100 buffers (direct, heap and"
          + " read-only, small and large: more than one system call describes) move every byte, in"
          + " order, into the right buffers")
  void s17_vectorsLongerThanOneCallTakesMoveEveryByteInOrder() throws Exception {
    int count = 100;
    ByteBuffer[] out = new ByteBuffer[count];
    ByteBuffer[] in = new ByteBuffer[count];
    int total = 0;
    for (int i = 0; i < count; i++) {
      int size = i % 10 == 0 ? 40_000 : 1 + (i * 37) % 300;
      byte[] bytes = pattern(size, i);
      out[i] =
          switch (i % 3) {
            case 0 -> ByteBuffer.allocateDirect(size).put(bytes).flip();
            case 1 -> ByteBuffer.wrap(bytes);
            default -> ByteBuffer.wrap(bytes).asReadOnlyBuffer();
          };
      in[i] = i % 2 == 0 ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
      total += size;
    }
    int expected = total;
    // A platform thread: a JDK channel's blocking write on a virtual thread may return after one
    // partial write (docs/conformance.md, S13); on a platform thread both write everything.
    Background<Long> writer = Background.start(() -> a.write(out));
    long read = 0;
    while (read < expected) {
      long n = b.read(in);
      assertThat(n).as("bytes read after %d", read).isPositive();
      read += n;
    }
    assertThat(writer.get()).isEqualTo(expected);
    for (int i = 0; i < count; i++) {
      assertThat(out[i].hasRemaining()).as("out[%d] written", i).isFalse();
      byte[] got = new byte[in[i].flip().remaining()];
      in[i].get(got);
      assertThat(got).as("in[%d]", i).isEqualTo(pattern(got.length, i)).hasSize(out[i].limit());
    }
  }

  @Test
  @DisplayName("S17/S18: gathering writes and scattering reads with direct, heap and mixed buffers")
  void s17_scatteringAndGatheringWithDirectHeapAndMixedBuffers() throws IOException {
    for (int variant = 0; variant < 3; variant++) {
      boolean d0 = variant >= 1;
      boolean d1 = variant == 2;
      ByteBuffer[] srcs = {buffer(d0, 3), buffer(d1, 0), buffer(d1, 4), buffer(d0, 2)};
      srcs[0].put("abc".getBytes()).flip();
      srcs[2].put("defg".getBytes()).flip();
      srcs[3].put("hi".getBytes()).flip();
      assertThat(a.write(srcs, 0, 3)).as("gathering write of the first three").isEqualTo(7);
      assertThat(srcs[3].remaining()).isEqualTo(2);

      ByteBuffer[] dsts = {buffer(d1, 2), buffer(d0, 0), buffer(d0, 10)};
      long n = 0;
      while (n < 7) {
        n += b.read(dsts);
      }
      assertThat(n).isEqualTo(7);
      assertThat(ascii(dsts[0].flip()) + ascii(dsts[2].flip())).isEqualTo("abcdefg");
    }
  }

  @Test
  void writesFromReadOnlyBuffers() throws IOException {
    assertThat(a.write(ascii("ro").asReadOnlyBuffer())).isEqualTo(2);
    ByteBuffer direct = ByteBuffer.allocateDirect(2).put("RO".getBytes()).flip();
    assertThat(a.write(direct.asReadOnlyBuffer())).isEqualTo(2);
    assertThat(new String(readFully(b, 4))).isEqualTo("roRO");
  }

  @Test
  @DisplayName("S14: zero-length reads and writes return 0 and consume nothing")
  void s14_zeroLength() throws IOException {
    a.write(ascii("x"));
    assertThat(b.read(ByteBuffer.allocate(0))).isZero();
    assertThat(a.write(ByteBuffer.allocate(0))).isZero();
    assertThat(new String(readFully(b, 1))).isEqualTo("x");
  }

  @Test
  @DisplayName("S42: data queued before the peer closed is read, then end of stream")
  void s42_queuedDataSurvivesPeerClose() throws IOException {
    a.write(ascii("xx"));
    a.close();
    ByteBuffer in = ByteBuffer.allocate(16);
    assertThat(b.read(in)).isEqualTo(2);
    assertThat(b.read(in.clear())).isEqualTo(-1);
    assertThat(b.read(in.clear())).isEqualTo(-1);
  }

  @Test
  @DisplayName("S41/S45: a write after the peer closed throws IOException: Broken pipe; no SIGPIPE")
  void s41_writeAfterPeerCloseIsEpipe() throws IOException {
    b.close();
    assertThatThrownBy(() -> a.write(ascii("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Broken pipe");
    // the process is still alive (no SIGPIPE), and every later write fails the same way
    assertThatThrownBy(() -> a.write(ascii("x"))).hasMessageContaining("Broken pipe");
  }

  @Test
  @DisplayName("S22: a non-blocking read with nothing queued returns 0")
  void s22_nonBlockingReadOfEmptyQueue() throws IOException {
    b.configureBlocking(false);
    assertThat(b.isBlocking()).isFalse();
    assertThat(b.read(ByteBuffer.allocate(1))).isZero();
    assertThat(b.read(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(1)}))
        .isZero();
  }

  @Test
  @DisplayName("S23/S39: a non-blocking write into a full buffer returns 0")
  void s23_nonBlockingWriteIntoFullBuffer() throws IOException {
    a.configureBlocking(false);
    long total = TestSupport.fill(a);
    assertThat(total).as("bytes one direction held").isPositive();
    assertThat(a.write(ByteBuffer.wrap(new byte[1]))).isZero();
    // the other direction is independent
    assertThat(b.write(ascii("ok"))).isEqualTo(2);
    assertThat(new String(readFully(a, 2))).isEqualTo("ok");
  }

  @Test
  @DisplayName("S24: a blocking write into a full buffer waits until the reader frees space")
  void s24_blockingWriteWaitsForSpace() throws Exception {
    a.configureBlocking(false);
    long queued = TestSupport.fill(a);
    a.configureBlocking(true);
    long expected = queued + 100_000;
    Background<Integer> writer =
        Background.start(() -> a.write(ByteBuffer.allocate(100_000))).awaitBlocked();
    readFully(b, (int) expected);
    writer.get();
  }

  /** Writes and reads one 64 KiB heap chunk, so that the reader's last read filled its buffer. */
  private void flowOneChunk(int seed) throws IOException {
    byte[] chunk = TestSupport.pattern(64 * 1024, seed);
    a.configureBlocking(false);
    assertThat(a.write(ByteBuffer.wrap(chunk))).isEqualTo(chunk.length);
    a.configureBlocking(true);
    ByteBuffer got = ByteBuffer.allocate(chunk.length);
    while (got.hasRemaining()) {
      assertThat(b.read(got)).isPositive();
    }
    assertThat(got.array()).isEqualTo(chunk);
  }

  @Test
  @DisplayName(
      "S25: a heap reader of a bulk stream (reads that fill 64 KiB) still waits when the stream"
          + " pauses, and is released by the next bytes, which it gets")
  void s25_aBulkHeapReaderWaitsWhenTheStreamPauses() throws Exception {
    flowOneChunk(1);
    flowOneChunk(2); // read while the stream flows: on a native end, straight into the array
    Background<String> read =
        Background.start(
                false,
                () -> {
                  ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                  int n = b.read(in);
                  return new String(in.array(), 0, n, US_ASCII);
                })
            .awaitBlocked();
    a.write(ByteBuffer.wrap("more".getBytes(US_ASCII)));
    assertThat(read.get()).isEqualTo("more");
    flowOneChunk(4);
  }

  @ParameterizedTest(name = "interrupt={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName(
      "S58: a heap reader of a bulk stream that waits because the stream paused is released by"
          + " close (AsynchronousCloseException) and by interrupt (ClosedByInterruptException)")
  void s58_aWaitingBulkHeapReaderIsReleased(boolean interrupt) throws Exception {
    flowOneChunk(3);
    Background<Integer> read =
        Background.start(false, () -> b.read(ByteBuffer.allocate(64 * 1024))).awaitBlocked();
    if (interrupt) {
      read.thread().interrupt();
      assertThat(read.failure()).isExactlyInstanceOf(ClosedByInterruptException.class);
    } else {
      b.close();
      assertThat(read.failure()).isExactlyInstanceOf(AsynchronousCloseException.class);
    }
    assertThat(b.isOpen()).isFalse();
  }

  @Test
  @DisplayName("S25: a blocking read waits until data arrives")
  void s25_blockingReadWaitsForData() throws Exception {
    Background<String> read = Background.start(() -> new String(readFully(b, 1))).awaitBlocked();
    a.write(ascii("z"));
    assertThat(read.get()).isEqualTo("z");
  }

  @Test
  @DisplayName("S49: shutdownOutput gives the peer EOF while the other direction keeps working")
  void s49_shutdownOutput() throws IOException {
    a.write(ascii("abc"));
    assertThat(a.shutdownOutput()).isSameAs(a);
    assertThat(a.shutdownOutput()).as("again").isSameAs(a);
    assertThat(new String(readFully(b, 3))).isEqualTo("abc");
    assertThat(b.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    assertThatThrownBy(() -> a.write(ascii("x"))).isInstanceOf(ClosedChannelException.class);
    b.write(ascii("back"));
    assertThat(new String(readFully(a, 4))).isEqualTo("back");
  }

  @Test
  @DisplayName(
      "S49: shutdownInput: reads return end of stream at once (the java.nio contract); the peer"
          + " gets EPIPE")
  void s49_shutdownInput() throws IOException {
    b.write(ascii("abc"));
    a.shutdownInput();
    assertThat(a.read(ByteBuffer.allocate(8))).isEqualTo(-1);
    assertThatThrownBy(() -> b.write(ascii("x"))).hasMessageContaining("Broken pipe");
    a.write(ascii("still"));
    assertThat(new String(readFully(b, 5))).isEqualTo("still");
  }

  @Test
  @DisplayName(
      "S47: close is idempotent; every operation after close throws ClosedChannelException")
  void s47_operationsAfterClose() throws IOException {
    a.close();
    a.close();
    assertThat(a.isOpen()).isFalse();
    assertThat(a.isConnected()).isFalse();
    assertThatThrownBy(() -> a.read(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.write(ascii("x"))).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.read(new ByteBuffer[] {ByteBuffer.allocate(1)}))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.write(new ByteBuffer[] {ascii("x")}))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(a::shutdownInput).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(a::shutdownOutput).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(a::getLocalAddress).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(a::getRemoteAddress).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.getOption(StandardSocketOptions.SO_SNDBUF))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.setOption(StandardSocketOptions.SO_SNDBUF, 4096))
        .isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.configureBlocking(false)).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(a::finishConnect).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.bind(null)).isInstanceOf(ClosedChannelException.class);
    // the non-blocking path too
    b.configureBlocking(false);
    b.close();
    assertThatThrownBy(() -> b.read(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);
  }

  @Test
  @DisplayName(
      "S55: an end is connected from the start; bind is AlreadyBound, connect is AlreadyConnected")
  void s55_connectionStateOfAPair() throws IOException {
    assertThat(a.isOpen()).isTrue();
    assertThat(a.isConnected()).isTrue();
    assertThat(a.isConnectionPending()).isFalse();
    assertThat(a.finishConnect()).isTrue();
    assertThat(a.isBlocking()).as("S1: ends start in blocking mode").isTrue();
    assertThatThrownBy(() -> a.bind(null)).isInstanceOf(AlreadyBoundException.class);
    assertThatThrownBy(() -> a.bind(UnixDomainSocketAddress.of("/tmp/x")))
        .isInstanceOf(AlreadyBoundException.class);
    assertThatThrownBy(() -> a.connect(UnixDomainSocketAddress.of("/tmp/x")))
        .isInstanceOf(AlreadyConnectedException.class);
    assertThatThrownBy(a::socket).isInstanceOf(UnsupportedOperationException.class);
    assertThat(a.validOps())
        .isEqualTo(
            java.nio.channels.SelectionKey.OP_READ
                | java.nio.channels.SelectionKey.OP_WRITE
                | java.nio.channels.SelectionKey.OP_CONNECT);
  }

  @Test
  @DisplayName("S39/S54: SO_SNDBUF and SO_RCVBUF read back what was set")
  void s54_bufferSizes() throws IOException {
    assertThat(a.supportedOptions())
        .contains(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF);
    assertThat(a.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
    assertThat(a.setOption(StandardSocketOptions.SO_SNDBUF, 10_000)).isSameAs(a);
    assertThat(a.getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(10_000);
    a.setOption(StandardSocketOptions.SO_RCVBUF, 20_000);
    assertThat(a.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(20_000);
  }

  @Test
  void configureBlockingSwitchesModes() throws IOException {
    assertThat(a.configureBlocking(false)).isSameAs(a);
    assertThat(a.isBlocking()).isFalse();
    assertThat(a.read(ByteBuffer.allocate(1))).isZero();
    a.configureBlocking(true);
    b.write(ascii("q"));
    assertThat(new String(readFully(a, 1))).isEqualTo("q");
  }
}
