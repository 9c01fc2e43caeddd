package io.socketpair4j;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test class whose tests each get a fresh connected pair, {@link #a} and {@link #b}, and a
 * selector of the same backend, and which runs once for every {@link PairBackend}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.socketpair4j.PairBackend#all")
@Timeout(60)
abstract class PairFixture {
  @Parameter PairBackend backend;

  PairBackend.Ends pair;
  SocketChannel a;
  SocketChannel b;
  Selector selector;

  @BeforeEach
  void openPair() throws IOException {
    pair = backend.open();
    a = pair.first();
    b = pair.second();
    selector = backend.openSelector();
  }

  @AfterEach
  void closePair() throws IOException {
    try (PairBackend.Ends ends = pair) {
      selector.close();
    }
  }
}
