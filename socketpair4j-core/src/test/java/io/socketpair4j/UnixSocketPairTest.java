package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UnixSocketPairTest {

  @Test
  void nativePairsAreSupportedOnThisLinuxMachine() {
    assertThat(UnixSocketPair.isSupported()).isTrue();
  }

  @Test
  @DisplayName("S1: open makes two distinct connected channels in blocking mode")
  void s1_openMakesAConnectedPair() throws IOException {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      assertThat(pair.first()).isNotSameAs(pair.second());
      assertThat(pair.first().fd()).isNotEqualTo(pair.second().fd());
      assertThat(pair.first().isConnected()).isTrue();
      assertThat(pair.second().isConnected()).isTrue();
      assertThat(pair.first().isBlocking()).isTrue();
      assertThat(pair.toString()).contains("fd=" + pair.first().fd());
    }
  }

  @Test
  @DisplayName("S1/S8: descriptors are close-on-exec, and their O_NONBLOCK flag stays clear")
  void s8_descriptorFlags() throws IOException {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      for (UnixSocketChannel end : new UnixSocketChannel[] {pair.first(), pair.second()}) {
        int fdFlags = LibC.fcntl(CallState.heap(), end.fd(), LinuxConstants.F_GETFD, 0);
        assertThat(fdFlags & LinuxConstants.FD_CLOEXEC).isEqualTo(LinuxConstants.FD_CLOEXEC);
        end.configureBlocking(false);
        int statusFlags = LibC.fcntl(CallState.heap(), end.fd(), LinuxConstants.F_GETFL, 0);
        assertThat(statusFlags & LinuxConstants.O_NONBLOCK).isZero();
      }
    }
  }

  @Test
  void closeClosesBothEndsAndMayBeRepeated() throws IOException {
    UnixSocketPair pair = UnixSocketPair.open();
    int first = pair.first().fd();
    int second = pair.second().fd();
    String firstSocket = TestSupport.fdTarget(first);
    String secondSocket = TestSupport.fdTarget(second);
    pair.close();
    assertThat(pair.first().isOpen()).isFalse();
    assertThat(pair.second().isOpen()).isFalse();
    assertThat(TestSupport.fdTarget(first)).isNotEqualTo(firstSocket);
    assertThat(TestSupport.fdTarget(second)).isNotEqualTo(secondSocket);
    pair.close();
  }

  @Test
  void unreachableEndsAreClosedByTheCleaner() throws IOException {
    int[] fds = openAndDrop();
    String first = TestSupport.fdTarget(fds[0]);
    String second = TestSupport.fdTarget(fds[1]);
    TestSupport.await(
        "the dropped pair's descriptors are closed",
        () -> {
          System.gc();
          try {
            return !first.equals(TestSupport.fdTarget(fds[0]))
                && !second.equals(TestSupport.fdTarget(fds[1]));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static int[] openAndDrop() throws IOException {
    UnixSocketPair pair = UnixSocketPair.open();
    TestSupport.assertIsOpenSocket(pair.first().fd());
    return new int[] {pair.first().fd(), pair.second().fd()};
  }

  @Test
  void channelsBelongToTheUnixSelectorProvider() throws IOException {
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      assertThat(pair.first().provider()).isSameAs(UnixSelectorProvider.provider());
      assertThat(pair.second().provider()).isSameAs(UnixSelectorProvider.provider());
    }
  }

  @Test
  void providerOffersSelectorsOnly() {
    SelectorProvider provider = UnixSelectorProvider.provider();
    assertThatThrownBy(provider::openSocketChannel)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("UnixSocketPair.open()");
    assertThatThrownBy(provider::openServerSocketChannel)
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(provider::openDatagramChannel)
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> provider.openDatagramChannel(java.net.StandardProtocolFamily.UNIX))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(provider::openPipe).isInstanceOf(UnsupportedOperationException.class);
  }
}
