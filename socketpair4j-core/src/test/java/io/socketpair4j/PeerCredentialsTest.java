package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Peer credentials ({@code SO_PEERCRED}, S54) on every native end: {@link
 * UnixChannel#peerCredentials()}, and {@code getOption}/{@code setOption} of {@link
 * ExtendedSocketOptions#SO_PEERCRED} held to what the JDK's own UNIX-domain channels do; and the
 * kernel's rule that a pair's ends report the process that made the pair, wherever they go.
 */
@Timeout(60)
class PeerCredentialsTest {
  @TempDir Path dir;

  /** This process's pid, and its effective uid and gid from /proc/self/status. */
  static PeerCredentials self() throws IOException {
    long uid = -1;
    long gid = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      // "Uid:\treal\teffective\tsaved\tfilesystem"; SO_PEERCRED reports the effective ids
      if (line.startsWith("Uid:")) {
        uid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
      } else if (line.startsWith("Gid:")) {
        gid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
      }
    }
    return new PeerCredentials(ProcessHandle.current().pid(), uid, gid);
  }

  /** A connected pair of the JDK's own UNIX-domain stream channels, for comparison. */
  private static final class JdkPair implements AutoCloseable {
    final ServerSocketChannel server;
    final SocketChannel client;
    final SocketChannel accepted;

    JdkPair(Path dir) throws IOException {
      UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("jdk.sock"));
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
      client = SocketChannel.open(address);
      accepted = server.accept();
    }

    @Override
    public void close() throws IOException {
      try (ServerSocketChannel s = server;
          SocketChannel c = client) {
        accepted.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName("S54: peerCredentials() on either end is this process: its pid, uid and gid")
  void s54_peerCredentialsAreThisProcess(AnyPair.Type type) throws IOException {
    PeerCredentials self = self();
    assertThat(self.uid()).isNotNegative();
    try (AnyPair pair = type.open()) {
      assertThat(pair.first.peerCredentials()).isEqualTo(self);
      assertThat(pair.second.peerCredentials()).isEqualTo(self);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: getOption(SO_PEERCRED) is a UnixDomainPrincipal equal to the one the JDK's own"
          + " UNIX-domain channel reports")
  void s54_soPeercredIsTheJdksPrincipal(AnyPair.Type type) throws IOException {
    try (AnyPair pair = type.open();
        JdkPair jdk = new JdkPair(dir)) {
      UnixDomainPrincipal expected = jdk.client.getOption(ExtendedSocketOptions.SO_PEERCRED);
      for (UnixChannel end : new UnixChannel[] {pair.first, pair.second}) {
        NetworkChannel channel = (NetworkChannel) end;
        assertThat(channel.supportedOptions()).contains(ExtendedSocketOptions.SO_PEERCRED);
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        assertThat(principal).isEqualTo(expected);
        assertThat(principal.hashCode()).isEqualTo(expected.hashCode());
        assertThat(principal.user().getName()).isEqualTo(expected.user().getName());
        assertThat(principal.group().getName()).isEqualTo(expected.group().getName());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(AnyPair.Type.class)
  @DisplayName(
      "S54: setOption(SO_PEERCRED, ...) fails as on the JDK's own UNIX-domain channel, open or"
          + " closed, whatever the value")
  void s54_setOptionSoPeercredAsTheJdk(AnyPair.Type type) throws IOException {
    try (AnyPair pair = type.open();
        JdkPair jdk = new JdkPair(dir)) {
      UnixDomainPrincipal principal = jdk.client.getOption(ExtendedSocketOptions.SO_PEERCRED);
      NetworkChannel ours = (NetworkChannel) pair.first;
      Object[] values = {principal, null, "not a principal"};
      List<String> jdkOutcomes = new ArrayList<>();
      List<String> ourOutcomes = new ArrayList<>();
      for (boolean closed : new boolean[] {false, true}) {
        if (closed) {
          jdk.client.close();
          ((java.nio.channels.Channel) ours).close();
        }
        for (Object value : values) {
          jdkOutcomes.add(setPeercred(jdk.client, value));
          ourOutcomes.add(setPeercred(ours, value));
        }
      }
      assertThat(ourOutcomes).isEqualTo(jdkOutcomes);
      // What the JDK does, for the record
      assertThat(jdkOutcomes.get(0))
          .isEqualTo("java.net.SocketException: SO_PEERCRED cannot be set");
      assertThat(jdkOutcomes.get(3)).isEqualTo("java.nio.channels.ClosedChannelException: null");
    }
  }

  /** What {@code setOption(SO_PEERCRED, value)} does: its exception's class and message. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String setPeercred(NetworkChannel channel, Object value) {
    Throwable t =
        catchThrowable(
            () -> channel.setOption((SocketOption) ExtendedSocketOptions.SO_PEERCRED, value));
    if (t == null) {
      return "no exception";
    }
    // (The JDK's SocketException message ends with a space.)
    return t.getClass().getName() + ": " + (t.getMessage() == null ? null : t.getMessage().strip());
  }

  @Test
  @DisplayName("S54: on a closed end, peerCredentials() and SO_PEERCRED are ClosedChannelException")
  void s54_closedEnd() throws IOException {
    for (AnyPair.Type type : AnyPair.Type.values()) {
      AnyPair pair = type.open();
      pair.close();
      assertThatThrownBy(pair.first::peerCredentials).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(
              () -> ((NetworkChannel) pair.first).getOption(ExtendedSocketOptions.SO_PEERCRED))
          .isInstanceOf(ClosedChannelException.class);
    }
  }

  @Test
  @DisplayName(
      "S54: an end passed within this process still reports the process that made the pair")
  void s54_anEndPassedWithinTheProcess() throws IOException {
    try (AnyPair carrier = AnyPair.Type.STREAM.open();
        AnyPair made = AnyPair.Type.SEQPACKET.open()) {
      carrier.first.writeWithDescriptors(ByteBuffer.allocate(1), made.first);
      Descriptor d =
          carrier.second.readWithDescriptors(ByteBuffer.allocate(1)).descriptors().get(0);
      try (UnixDatagramChannel received = d.toDatagramChannel()) {
        assertThat(received.peerCredentials()).isEqualTo(self());
        assertThat(received.getOption(ExtendedSocketOptions.SO_PEERCRED))
            .isEqualTo(((NetworkChannel) made.first).getOption(ExtendedSocketOptions.SO_PEERCRED));
      }
    }
  }

  @Test
  @DisplayName(
      "S54: the ends of a pair report the process that made it, also once passed to another"
          + " process (child JVM)")
  void s54_endsPassedBetweenProcessesReportTheirMaker() throws Exception {
    Path path = dir.resolve("probe.sock");
    try (ServerSocketChannel server =
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            .bind(UnixDomainSocketAddress.of(path))) {
      Background<String> child =
          Background.start(
              () ->
                  ChildJvm.run(
                      PeerCredentialsProbe.class,
                      0,
                      "--enable-native-access=ALL-UNNAMED",
                      "-Dprobe.path=" + path));
      server.configureBlocking(false);
      SocketChannel[] accepted = new SocketChannel[1];
      int fd =
          PeerCredentialsProbe.openedSocket(
              () -> {
                TestSupport.await(
                    "the child connects",
                    () -> {
                      try {
                        accepted[0] = server.accept();
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                      return accepted[0] != null || child.isDone();
                    });
                return null;
              });
      if (accepted[0] == null) {
        child.get(); // the child's failure, with its output
      }
      assertThat(accepted[0]).as("the child connected").isNotNull();
      long childPid;
      long childsEndsPeer;
      long childsOtherEndsPeer;
      long linkPeer;
      try (SocketChannel jdkEnd = accepted[0];
          UnixSocketChannel link = PeerCredentialsProbe.adopt(fd)) {
        jdkEnd.close();
        linkPeer = link.peerCredentials().pid();
        ByteBuffer in = ByteBuffer.allocate(8);
        ReceivedMessage m = link.readWithDescriptors(in);
        if (m.isEndOfStream()) {
          child.get(); // the child's failure, with its output
        }
        childPid = in.getLong(0);
        assertThat(m.descriptors()).hasSize(2);
        try (UnixSocketChannel first = m.descriptors().get(0).toSocketChannel();
            UnixSocketChannel second = m.descriptors().get(1).toSocketChannel()) {
          // Both ends are in this process now, and the child closed its own: still the child's
          childsEndsPeer = first.peerCredentials().pid();
          childsOtherEndsPeer = second.peerCredentials().pid();
          first.write(TestSupport.ascii("both here"));
          assertThat(TestSupport.readFully(second, 9))
              .isEqualTo(TestSupport.ascii("both here").array());
        }
        try (UnixSocketPair mine = UnixSocketPair.open()) {
          link.writeWithDescriptors(TestSupport.ascii("mine"), mine.first());
        }
      }
      String output = child.get();
      long self = ProcessHandle.current().pid();
      assertThat(childPid).isNotEqualTo(self);
      assertThat(output).contains("child pid=" + childPid);
      // A connection made by connect()/accept() reports the process at the other end ...
      assertThat(linkPeer).isEqualTo(childPid);
      assertThat(output).contains("link's peer pid=" + self);
      // ... a socket pair, the process that made it, wherever its ends went
      assertThat(childsEndsPeer).isEqualTo(childPid);
      assertThat(childsOtherEndsPeer).isEqualTo(childPid);
      assertThat(output).contains("parent's end (mine) reports peer pid=" + self);
      assertThat(output).contains("parent closed the connection: -1");
    }
  }
}
