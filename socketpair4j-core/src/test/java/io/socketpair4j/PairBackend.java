package io.socketpair4j;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A way to make connected stream socket pairs, so that one suite can hold every backend to the same
 * behaviour.
 */
interface PairBackend {
  /** Two connected ends; closing it closes both. */
  record Ends(SocketChannel first, SocketChannel second) implements Closeable {
    @Override
    public void close() throws IOException {
      try (first) {
        second.close();
      }
    }
  }

  /** Every backend, for parameterized suites. */
  static java.util.stream.Stream<PairBackend> all() {
    return java.util.stream.Stream.of(NATIVE, JDK);
  }

  Ends open() throws IOException;

  /** A selector that the ends can be registered with. */
  Selector openSelector() throws IOException;

  /** The native backend: {@link UnixSocketPair} and its epoll selector. */
  PairBackend NATIVE =
      new PairBackend() {
        @Override
        public Ends open() throws IOException {
          UnixSocketPair pair = UnixSocketPair.open();
          return new Ends(pair.first(), pair.second());
        }

        @Override
        public Selector openSelector() throws IOException {
          return UnixSelectorProvider.provider().openSelector();
        }

        @Override
        public String toString() {
          return "native";
        }
      };

  /** The portable backend: {@link SocketPair}, the JDK's own channels and selector. */
  PairBackend JDK =
      new PairBackend() {
        @Override
        public Ends open() throws IOException {
          SocketPair pair = SocketPair.open();
          return new Ends(pair.first(), pair.second());
        }

        @Override
        public Selector openSelector() throws IOException {
          return Selector.open();
        }

        @Override
        public String toString() {
          return "jdk";
        }
      };
}
