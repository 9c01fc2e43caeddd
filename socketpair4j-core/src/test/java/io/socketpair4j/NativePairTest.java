package io.socketpair4j;

import static java.nio.channels.SelectionKey.OP_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only native pairs have: descriptor numbers, unnamed addresses, their own selector. */
@Timeout(60)
class NativePairTest {
  private UnixSocketPair pair;
  private UnixSocketChannel a;
  private UnixSocketChannel b;
  private Selector selector;

  @BeforeEach
  void open() throws IOException {
    pair = UnixSocketPair.open();
    a = pair.first();
    b = pair.second();
    selector = a.provider().openSelector();
  }

  @AfterEach
  void close() throws IOException {
    selector.close();
    pair.close();
  }

  @Test
  @DisplayName("S10: both ends are unnamed")
  void s10_unnamedAddresses() throws IOException {
    assertThat(a.getLocalAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
    assertThat(a.getRemoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
    assertThat(b.getLocalAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
  }

  @Test
  void fdIsAnOpenSocketUntilClosed() throws IOException {
    int fdA = a.fd();
    int fdB = b.fd();
    assertThat(fdA).isNotEqualTo(fdB).isNotNegative();
    TestSupport.assertIsOpenSocket(fdA);
    TestSupport.assertIsOpenSocket(fdB);
    String socketA = TestSupport.fdTarget(fdA);
    pair.close();
    // the numbers may already belong to something else opened meanwhile, but not to our sockets
    assertThat(TestSupport.fdTarget(fdA)).isNotEqualTo(socketA);
    assertThatCode(pair::close).as("closing the pair again").doesNotThrowAnyException();
  }

  @Test
  void toStringNamesTheDescriptor() throws IOException {
    assertThat(a.toString()).contains("fd=" + a.fd());
    a.close();
    assertThat(a.toString()).contains("closed");
  }

  @Test
  void providerOpensSelectorsOfItsOwn() {
    assertThat(selector.provider()).isSameAs(UnixSelectorProvider.provider());
    assertThat(selector.isOpen()).isTrue();
    assertThat(selector.keys()).isEmpty();
  }

  @Test
  void closingARegisteredChannelCancelsItsKeyAndTheDescriptorIsClosedAtDeregistration()
      throws IOException {
    b.configureBlocking(false);
    SelectionKey key = b.register(selector, OP_READ);
    int fd = b.fd();
    String socket = TestSupport.fdTarget(fd);
    b.close();
    assertThat(key.isValid()).isFalse();
    selector.selectNow();
    assertThat(selector.keys()).isEmpty();
    assertThat(TestSupport.fdTarget(fd)).isNotEqualTo(socket);
  }

  @Test
  void channelsOfOtherProvidersAreRejected() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source();
        Pipe.SinkChannel sink = pipe.sink();
        Selector jdkSelector = Selector.open()) {
      source.configureBlocking(false);
      assertThatThrownBy(() -> source.register(selector, OP_READ))
          .isInstanceOf(IllegalSelectorException.class);
      b.configureBlocking(false);
      assertThatThrownBy(() -> b.register(jdkSelector, OP_READ))
          .isInstanceOf(IllegalSelectorException.class);
      assertThat(sink.isOpen()).isTrue();
    }
  }
}
