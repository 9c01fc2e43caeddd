package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class NativeSupportTest {

  private static String runProbe(String... jvmOptions) throws Exception {
    return ChildJvm.run(NativeAccessProbe.class, 0, jvmOptions);
  }

  @Test
  void withNativeAccessDeniedOpenSaysWhyAndIsSupportedIsFalse() throws Exception {
    String output = runProbe("--illegal-native-access=deny");
    assertThat(output).contains("supported=false");
    assertThat(output)
        .contains("unsupported: native access is not enabled")
        .contains("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void withNativeAccessEnabledPairsOpen() throws Exception {
    String output = runProbe("--enable-native-access=ALL-UNNAMED");
    assertThat(output).contains("supported=true").contains("opened");
  }

  @Test
  void errnoNamesAndMessages() throws IOException {
    assertThat(io.socketpair4j.internal.linux.Errno.message(32)).isEqualTo("Broken pipe (EPIPE)");
    assertThat(io.socketpair4j.internal.linux.Errno.message(104))
        .isEqualTo("Connection reset by peer (ECONNRESET)");
    assertThat(io.socketpair4j.internal.linux.Errno.message(24))
        .isEqualTo("Too many open files (EMFILE)");
    assertThat(io.socketpair4j.internal.linux.Errno.name(23)).isEqualTo("ENFILE");
    assertThat(io.socketpair4j.internal.linux.Errno.name(11)).isEqualTo("EAGAIN");
    assertThat(io.socketpair4j.internal.linux.Errno.name(111)).isEqualTo("ECONNREFUSED");
    assertThat(io.socketpair4j.internal.linux.Errno.name(4000)).isEqualTo("errno 4000");
    assertThat(io.socketpair4j.internal.linux.Errno.exception(32, "write"))
        .isExactlyInstanceOf(java.io.IOException.class)
        .hasMessage("write: Broken pipe (EPIPE)");
    assertThat(io.socketpair4j.internal.linux.Errno.exception(104, "read"))
        .isInstanceOf(java.net.SocketException.class)
        .hasMessage("read: Connection reset by peer (ECONNRESET)");
    assertThat(io.socketpair4j.internal.linux.Errno.exception(24, "socketpair"))
        .hasMessage("socketpair: Too many open files (EMFILE)");
  }
}
