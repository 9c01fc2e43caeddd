package io.socketpair4j;

import static io.socketpair4j.TestSupport.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Java child ({@link ChildPeer}) that adopts the ends it was handed: messages both ways,
 * descriptors passed into the running child, and the peer credentials each side sees.
 */
class ChildProcessPeerTest {

  @Test
  void s10_aJavaChildAdoptsItsEnds_receivesPassedDescriptors_andBothSidesSeeTheCreator()
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    long parentPid = ProcessHandle.current().pid();
    try (UnixSocketPair control = UnixSocketPair.open();
        UnixDatagramPair events = UnixDatagramPair.open(UnixDatagramPair.Type.SEQPACKET)) {
      Process child =
          new UnixProcessBuilder(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ChildPeer.class.getName())
              .passDescriptor("control", control.second())
              .passDescriptor("events", events.second())
              .redirectOutput(Redirect.INHERIT)
              .redirectError(Redirect.INHERIT)
              .start();
      control.second().close();
      events.second().close();

      ByteBuffer message = ByteBuffer.allocate(64);
      events.first().read(message);
      assertThat(TestSupport.ascii(message.flip())).isEqualTo("ready " + child.pid());

      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(
                  Channels.newInputStream(control.first()), StandardCharsets.US_ASCII));
      String[] creds = lines.readLine().split(" ");
      // SO_PEERCRED of a socket pair names the process that called socketpair(), from either end,
      // even after the other end moved into another process
      assertThat(Long.parseLong(creds[1])).isEqualTo(parentPid);
      assertThat(control.first().peerCredentials().pid()).isEqualTo(parentPid);
      assertThat(Long.parseLong(creds[2])).isEqualTo(control.first().peerCredentials().uid());

      for (int i = 0; i < 3; i++) {
        try (UnixSocketPair fresh = UnixSocketPair.open()) {
          control.first().writeWithDescriptors(ascii("x"), fresh.second());
          fresh.second().close();
          assertThat(new String(Channels.newInputStream(fresh.first()).readAllBytes()))
              .isEqualTo("hello from " + child.pid());
        }
      }
      control.first().shutdownOutput();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isZero();
      child.getOutputStream().close();
    }
  }
}
