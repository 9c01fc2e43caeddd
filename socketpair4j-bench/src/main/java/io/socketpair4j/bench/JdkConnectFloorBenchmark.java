package io.socketpair4j.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor of {@code SocketPair} creation: the fewest JDK channel operations that give two
 * connected UNIX-domain {@code SocketChannel}s, with one listener kept for the whole run (open a
 * channel connected to it, accept, close both), and none of what makes a {@code SocketPair} safe
 * (no per-pair token, no private rendezvous directory). Microseconds per pair, as {@link
 * CreateCloseBenchmark}. Not part of {@code ./socketpair-bench}: run it next to {@code
 * CreateCloseBenchmark -p impl=JDK} when the {@code SocketPair} creation row needs explaining.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdkConnectFloorBenchmark {
  private Path directory;
  private UnixDomainSocketAddress address;
  private ServerSocketChannel listener;

  @Setup(Level.Trial)
  public void listen() throws IOException {
    // a tmpfs, as SocketPair's default bases ($XDG_RUNTIME_DIR, then /dev/shm) are where they exist
    Path shm = Path.of("/dev/shm");
    directory =
        Files.isDirectory(shm)
            ? Files.createTempDirectory(shm, "floor")
            : Files.createTempDirectory("floor");
    address = UnixDomainSocketAddress.of(directory.resolve("l"));
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(address, 64);
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    listener.close();
    Files.deleteIfExists(address.getPath());
    Files.deleteIfExists(directory);
  }

  @Benchmark
  public void connectAcceptClose() throws IOException {
    try (SocketChannel a = SocketChannel.open(address);
        SocketChannel b = listener.accept()) {
      if (!a.isConnected() || !b.isConnected()) {
        throw new IllegalStateException("not connected");
      }
    }
  }
}
