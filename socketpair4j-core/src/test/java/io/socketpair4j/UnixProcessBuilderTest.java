package io.socketpair4j;

import static io.socketpair4j.Spawned.descriptorsOfChild;
import static io.socketpair4j.Spawned.output;
import static io.socketpair4j.Spawned.outputOf;
import static io.socketpair4j.Spawned.shell;
import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting children with {@link UnixProcessBuilder}: descriptors, exits, streams, errors. */
class UnixProcessBuilderTest {

  @BeforeAll
  static void warmUp() throws Exception {
    // the exit watcher's epoll instance and thread exist from the first start on
    output(shell("true"));
  }

  @Test
  void childSeesExactlyTheMappedDescriptorsAndTheStandardStreams() throws Exception {
    UnixSocketPair stream = UnixSocketPair.open();
    UnixDatagramPair packets = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET);
    try (stream;
        packets) {
      Set<Integer> fds =
          descriptorsOfChild(
              new UnixProcessBuilder()
                  .mapDescriptor(3, stream.second())
                  .mapDescriptor(9, packets.second())
                  .mapDescriptor(5, stream.second())); // one source at two numbers
      assertThat(fds).containsExactly(0, 1, 2, 3, 5, 9);
    }
  }

  @Test
  void s8_nothingElseReachesTheChild_notEvenDescriptorsWithoutCloseOnExecNorPairsOpenedMeanwhile()
      throws Exception {
    UnixSocketPair pair = UnixSocketPair.open();
    int inheritable = Spawned.dup(pair.first().fd()); // no close-on-exec: only closefrom stops it
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> openers = new ArrayList<>();
    try (pair) {
      for (int t = 0; t < 2; t++) {
        openers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (!stop.get()) {
                        try (UnixSocketPair p = UnixSocketPair.open()) {
                          Spawned.close(Spawned.dup(p.first().fd()));
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      }
                    }));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(descriptorsOfChild(new UnixProcessBuilder().mapDescriptor(3, pair.second())))
            .as("spawn %d", i)
            .containsExactly(0, 1, 2, 3);
      }
    } finally {
      stop.set(true);
      for (Thread t : openers) {
        t.join();
      }
      Spawned.close(inheritable);
    }
  }

  @Test
  void swappedAndChainedNumbersReachTheRightSockets() throws Exception {
    UnixSocketPair a = UnixSocketPair.open();
    UnixSocketPair b = UnixSocketPair.open();
    try (a;
        b) {
      int fa = a.second().fd();
      int fb = b.second().fd();
      // a's end goes to b's number and b's end to a's number: sources and targets collide
      // bash, because dash redirects descriptors 0 to 9 only
      Process p =
          new UnixProcessBuilder("bash", "-c", "printf A >&" + fb + "; printf B >&" + fa)
              .mapDescriptor(fb, a.second())
              .mapDescriptor(fa, b.second())
              .start();
      outputOf(p);
      a.second().close();
      b.second().close();
      assertThat(new String(Channels.newInputStream(a.first()).readAllBytes())).isEqualTo("A");
      assertThat(new String(Channels.newInputStream(b.first()).readAllBytes())).isEqualTo("B");
    }
  }

  @Test
  void aHandedEndIsInBlockingModeAndTheParentsCopyKeepsWorking() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open();
        Selector selector = UnixSelectorProvider.provider().openSelector()) {
      int fd = pair.second().fd();
      Spawned.fcntl(
          fd, Spawned.F_SETFL, Spawned.fcntl(fd, Spawned.F_GETFL, 0) | Spawned.O_NONBLOCK);
      String info = output(shell("cat /proc/$$/fdinfo/3").mapDescriptor(3, pair.second()));
      int flags =
          Integer.parseInt(
              info.lines()
                  .filter(l -> l.startsWith("flags:"))
                  .findFirst()
                  .orElseThrow()
                  .substring(6)
                  .trim(),
              8);
      assertThat(flags & Spawned.O_NONBLOCK).as("O_NONBLOCK in the child").isZero();
      // our channels never relied on the flag: non-blocking use goes on as before
      pair.second().configureBlocking(false);
      ByteBuffer buf = ByteBuffer.allocate(8);
      assertThat(pair.second().read(buf)).isZero();
      pair.second().register(selector, SelectionKey.OP_READ);
      pair.first().write(ascii("ping"));
      assertThat(selector.select(20_000)).isEqualTo(1);
      assertThat(pair.second().read(buf)).isEqualTo(4);
    }
  }

  @Test
  void mappingZeroReplacesStandardInput() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      Process p = new UnixProcessBuilder("cat").mapDescriptor(0, pair.second()).start();
      pair.second().close();
      pair.first().write(ascii("through fd 0"));
      pair.first().shutdownOutput();
      assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("through fd 0");
      assertThat(p.waitFor()).isZero();
      assertThatThrownBy(() -> p.getOutputStream().write(1)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void exitValuesAsTheJdkReportsThem() throws Exception {
    Process ok = shell("exit 0").start();
    Process code = shell("exit 42").start();
    Process killed = shell("kill -KILL $$").start();
    assertThat(ok.waitFor()).isZero();
    assertThat(code.waitFor()).isEqualTo(42);
    assertThat(code.exitValue()).isEqualTo(42);
    assertThat(killed.waitFor()).isEqualTo(128 + 9);
    assertThat(code.isAlive()).isFalse();
    assertThat(code.onExit().get(20, TimeUnit.SECONDS)).isSameAs(code);
    assertThat(code.toHandle().onExit().get(20, TimeUnit.SECONDS)).isEqualTo(code.toHandle());
    assertThat(code.toHandle().isAlive()).isFalse();
    assertThat(code.toHandle().pid()).isEqualTo(code.pid());
  }

  @Test
  void destroySendsSigtermAndDestroyForciblySigkill() throws Exception {
    Process term = new UnixProcessBuilder("sleep", "600").start();
    Process kill = new UnixProcessBuilder("sleep", "600").start();
    assertThat(term.isAlive()).isTrue();
    assertThatThrownBy(term::exitValue)
        .isInstanceOf(IllegalThreadStateException.class)
        .hasMessage("process hasn't exited");
    assertThat(term.waitFor(0, TimeUnit.SECONDS)).isFalse();
    assertThat(term.supportsNormalTermination()).isTrue();
    assertThat(term.toHandle().info().command()).isPresent();
    term.destroy();
    assertThat(kill.destroyForcibly()).isSameAs(kill);
    assertThat(term.waitFor()).isEqualTo(128 + 15);
    assertThat(kill.waitFor()).isEqualTo(128 + 9);
    // after the exit the pid may be anyone's: no more signals, and nothing known about it
    assertThat(term.toHandle().destroy()).isFalse();
    assertThat(term.toHandle().destroyForcibly()).isFalse();
    term.destroy();
    assertThat(term.toHandle().info().command()).isEmpty();
    assertThat(term.toHandle().children()).isEmpty();
  }

  @Test
  void s45_aChildThatDiesMidConversation_readGetsEndOfStream_writeGetsEpipe_neverSigpipe()
      throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      Process p = shell("read line <&3; exit 7").mapDescriptor(3, pair.second()).start();
      pair.second().close();
      pair.first().write(ascii("one line\n"));
      assertThat(p.waitFor()).isEqualTo(7);
      assertThat(pair.first().read(ByteBuffer.allocate(8))).isEqualTo(-1);
      assertThatThrownBy(() -> pair.first().write(ascii("anyone?")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EPIPE");
    }
  }

  @Test
  void aProgramThatCannotBeRunIsAnIoExceptionAsProcessBuildersAndLeaksNothing(@TempDir Path dir)
      throws Exception {
    Path notExecutable = Files.writeString(dir.resolve("script"), "#!/bin/sh\n");
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      Map<Integer, String> before = FdTable.snapshot();
      assertThatThrownBy(
              () ->
                  new UnixProcessBuilder("no-such-program-11")
                      .mapDescriptor(3, pair.second())
                      .start())
          .isInstanceOf(IOException.class)
          .hasMessage(
              "Cannot run program \"no-such-program-11\": error=2, No such file or directory"
                  + " (ENOENT)");
      assertThatThrownBy(
              () ->
                  new UnixProcessBuilder("true").directory(dir.resolve("missing").toFile()).start())
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(
              "Cannot run program \"true\" (in directory \"" + dir.resolve("missing") + "\")")
          .hasMessageContaining("ENOENT");
      assertThatThrownBy(() -> new UnixProcessBuilder(notExecutable.toString()).start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("error=13")
          .hasMessageContaining("EACCES");
      FdTable.assertNothingOpenedSince(before);
    }
  }

  @Test
  void aClosedChannelOrAnUnopenedNumberIsRefusedAndNothingLeaks() throws Exception {
    UnixSocketPair pair = UnixSocketPair.open();
    UnixProcessBuilder builder = new UnixProcessBuilder("true").mapDescriptor(3, pair.second());
    pair.close();
    Map<Integer, String> before = FdTable.snapshot();
    assertThatThrownBy(builder::start)
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot run program \"true\": the channel for descriptor 3 is closed");
    int unused = FdTable.unusedNumber();
    assertThatThrownBy(() -> new UnixProcessBuilder("true").mapDescriptor(4, unused).start())
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Cannot run program \"true\": descriptor "
                + unused
                + " (for 4): Bad file descriptor (EBADF)");
    FdTable.assertNothingOpenedSince(before);
  }

  @Test
  void argumentErrorsAreTheJdksExceptionsWithMessages() throws Exception {
    UnixProcessBuilder b = new UnixProcessBuilder("true");
    assertThatThrownBy(() -> b.mapDescriptor(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target descriptor number is negative: -1");
    assertThatThrownBy(() -> b.mapDescriptor(3, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("descriptor number is negative: -2");
    try (SocketPair portable = SocketPair.open()) {
      assertThatThrownBy(() -> b.mapDescriptor(3, (UnixChannel) null))
          .isInstanceOf(NullPointerException.class);
      assertThat(portable.first()).isNotInstanceOf(UnixChannel.class);
    }
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      b.passDescriptor("first", pair.first());
      assertThatThrownBy(() -> b.mapDescriptor(3, pair.second()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("descriptor 3 in the child is already passed as 'first' by passDescriptor");
      b.mapDescriptor(4, pair.second());
      assertThatThrownBy(() -> b.passDescriptor("second", pair.second()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("descriptor 4 in the child is already mapped by mapDescriptor");
      assertThatThrownBy(() -> b.passDescriptor("a:b", pair.second()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("other than ':'");
      assertThatThrownBy(() -> b.passDescriptor("", pair.second()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1 to 255 characters");
      assertThat(b.mappedDescriptors()).containsExactly(3, 4);
    }
    assertThatThrownBy(() -> new UnixProcessBuilder().start())
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new UnixProcessBuilder("true", null).start())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new UnixProcessBuilder("tr\u0000ue").start())
        .isInstanceOf(IOException.class)
        .hasMessage("invalid null character in command");
    assertThatThrownBy(() -> b.redirectInput(Redirect.to(new File("x"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.redirectOutput(Redirect.from(new File("x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void standardStreamsAsProcessBuilderHasThem(@TempDir Path dir) throws Exception {
    Process cat = new UnixProcessBuilder("cat").start();
    cat.getOutputStream().write("piped".getBytes());
    cat.getOutputStream().close();
    assertThat(outputOf(cat)).isEqualTo("piped");

    Process both = shell("echo out; echo err >&2").start();
    assertThat(new String(both.getErrorStream().readAllBytes())).isEqualTo("err\n");
    assertThat(outputOf(both)).isEqualTo("out\n");

    assertThat(output(shell("echo out; echo err >&2").redirectErrorStream(true)))
        .isEqualTo("out\nerr\n");

    File in = Files.writeString(dir.resolve("in"), "from a file").toFile();
    File out = dir.resolve("out").toFile();
    outputOf(new UnixProcessBuilder("cat").redirectInput(in).redirectOutput(out).start());
    outputOf(
        new UnixProcessBuilder("cat")
            .redirectInput(in)
            .redirectOutput(Redirect.appendTo(out))
            .start());
    assertThat(Files.readString(out.toPath())).isEqualTo("from a filefrom a file");

    Process discarded =
        shell("echo gone; echo gone >&2")
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.DISCARD)
            .start();
    assertThat(discarded.getInputStream().read()).isEqualTo(-1);
    assertThat(discarded.waitFor()).isZero();

    assertThatThrownBy(
            () -> new UnixProcessBuilder("cat").redirectInput(dir.resolve("none").toFile()).start())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("No such file or directory (ENOENT)");
  }

  @Test
  void environmentAndDirectory(@TempDir Path dir) throws Exception {
    UnixProcessBuilder b = shell("echo \"$GREETING\"; pwd").directory(dir.toFile());
    b.environment().put("GREETING", "hello child");
    b.environment().remove("HOME");
    assertThat(output(b)).isEqualTo("hello child\n" + dir.toRealPath() + "\n");
    assertThat(output(shell("echo \"${HOME-unset}\"").directory(dir.toFile())))
        .isEqualTo(System.getenv().getOrDefault("HOME", "unset") + "\n");
  }

  @Test
  void passDescriptorFollowsTheListenFdsConvention() throws Exception {
    try (UnixSocketPair a = UnixSocketPair.open();
        UnixDatagramPair b = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET)) {
      UnixProcessBuilder builder =
          shell("echo \"$LISTEN_FDS $LISTEN_FDNAMES ${LISTEN_PID-none}\"; " + Spawned.LIST_FDS)
              .passDescriptor("control", a.second())
              .passDescriptor("events", b.second());
      builder.environment().put("LISTEN_PID", "1");
      String out = output(builder);
      assertThat(out.lines().findFirst()).hasValue("2 control:events none");
      assertThat(Spawned.numbers(out.substring(out.indexOf('\n')))).containsExactly(0, 1, 2, 3, 4);
    }
  }

  @Test
  void theChildStartsWithNoSignalBlockedAndNoneIgnored() throws Exception {
    // exec: a shell waiting for a command blocks every signal while it waits
    String status = output(shell("exec grep -E '^Sig(Blk|Ign)' /proc/self/status"));
    assertThat(status).contains("SigBlk:\t0000000000000000").contains("SigIgn:\t0000000000000000");
  }

  @Test
  void processBuilderAndUnixProcessBuilderSideBySide() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<int[]>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int code = i % 50;
        boolean ours = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  Process p =
                      ours
                          ? shell("exit " + code).start()
                          : new ProcessBuilder("/bin/sh", "-c", "exit " + code).start();
                  return new int[] {code, p.waitFor()};
                }));
      }
      for (Future<int[]> f : results) {
        int[] r = f.get(60, TimeUnit.SECONDS);
        assertThat(r[1]).isEqualTo(r[0]);
      }
    }
  }

  @Test
  void aHundredChildrenAtOnceOnVirtualThreads() throws Exception {
    List<String> echoed = new CopyOnWriteArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String name = "child-" + i;
        done.add(
            threads.submit(
                () -> {
                  try (UnixSocketPair pair = UnixSocketPair.open()) {
                    Process p =
                        shell("read x <&3; printf '%s' \"$x\" >&3")
                            .mapDescriptor(3, pair.second())
                            .redirectOutput(Redirect.DISCARD)
                            .redirectError(Redirect.INHERIT)
                            .start();
                    pair.second().close();
                    pair.first().write(ascii(name + "\n"));
                    String back =
                        new String(
                            Channels.newInputStream(pair.first()).readAllBytes(),
                            StandardCharsets.US_ASCII);
                    assertThat(p.waitFor()).isZero();
                    p.getOutputStream().close();
                    echoed.add(back);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    }
    assertThat(echoed).hasSize(100).allMatch(s -> s.startsWith("child-"));
  }

  @Test
  void aThousandSpawnsLeakNothing() throws Exception {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      Map<Integer, String> before = FdTable.snapshot();
      long threadsBefore = Thread.getAllStackTraces().size();
      for (int i = 0; i < 1000; i++) {
        Process p =
            new UnixProcessBuilder("true")
                .mapDescriptor(3, pair.second())
                .redirectInput(Redirect.INHERIT)
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.INHERIT)
                .start();
        assertThat(p.waitFor()).isZero();
      }
      // (compared by what was opened: pipes of earlier tests' children may close meanwhile)
      FdTable.assertNothingOpenedSince(before);
      // one thread watches every child's exit: none was started per child
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().startsWith("socketpair4j-wait-"));
      assertThat(Thread.getAllStackTraces().size()).isLessThanOrEqualTo((int) threadsBefore + 2);
    }
  }

  @Test
  void afterTheChildExitsItsPipesLetGoOfTheirDescriptorsAndKeepWhatWasLeft() throws Exception {
    Map<Integer, String> before = FdTable.snapshot();
    Process p = shell("echo left behind; echo and this >&2").start();
    assertThat(p.waitFor()).isZero();
    TestSupport.await("the pipes closed", () -> FdTable.opened(before, snapshot()).isEmpty());
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("left behind\n");
    assertThat(new String(p.getErrorStream().readAllBytes())).isEqualTo("and this\n");
    p.getOutputStream().write(1); // buffered, as with the JDK's process streams
    assertThatThrownBy(() -> p.getOutputStream().flush())
        .isInstanceOf(IOException.class)
        .hasMessage("Stream closed");
  }

  private static Map<Integer, String> snapshot() {
    try {
      return FdTable.snapshot();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
