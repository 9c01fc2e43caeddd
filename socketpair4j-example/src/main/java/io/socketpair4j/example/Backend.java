package io.socketpair4j.example;

import io.socketpair4j.SocketPair;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketPair;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** Where the sample's pairs come from, and how their ends are named in its output. */
enum Backend {
  /** {@link UnixSocketPair}: kernel socket pairs; ends are named by their descriptor numbers. */
  NATIVE {
    @Override
    Pair open(int index) throws IOException {
      UnixSocketPair pair = UnixSocketPair.open();
      return new Pair(
          pair.first(),
          pair.second(),
          Integer.toString(pair.first().fd()),
          Integer.toString(pair.second().fd()),
          pair);
    }

    @Override
    Selector openSelector() throws IOException {
      return UnixSelectorProvider.provider().openSelector();
    }

    @Override
    String describe(String label) {
      return "fd " + label;
    }
  },

  /**
   * {@link SocketPair}: the JDK's own channels, which have no public descriptor number; ends are
   * named {@code #1}, {@code #2}, ... in the order they were made in this run.
   */
  JDK {
    @Override
    Pair open(int index) throws IOException {
      SocketPair pair = SocketPair.open();
      return new Pair(
          pair.first(), pair.second(), "#" + (2 * index + 1), "#" + (2 * index + 2), pair);
    }

    @Override
    Selector openSelector() throws IOException {
      return Selector.open();
    }

    @Override
    String describe(String label) {
      return "end " + label;
    }
  };

  /** One pair with the names of its ends; closing it closes both. */
  record Pair(
      SocketChannel first,
      SocketChannel second,
      String firstLabel,
      String secondLabel,
      Closeable closer)
      implements Closeable {
    @Override
    public void close() throws IOException {
      closer.close();
    }
  }

  /** Opens the {@code index}-th pair of the run (counting from 0). */
  abstract Pair open(int index) throws IOException;

  /** A selector for the first ends. */
  abstract Selector openSelector() throws IOException;

  /** How the output refers to an end in a line such as "main: read 'Alpha' on fd 7". */
  abstract String describe(String label);

  /**
   * The backend for an option value: {@code native}, {@code jdk}, or {@code auto} (native where
   * {@link UnixSocketPair#isSupported()}, otherwise jdk).
   *
   * @throws IllegalArgumentException for any other value
   */
  static Backend of(String option) {
    return switch (option) {
      case "native" -> NATIVE;
      case "jdk" -> JDK;
      case "auto" -> UnixSocketPair.isSupported() ? NATIVE : JDK;
      default ->
          throw new IllegalArgumentException(
              "expected native, jdk or auto but was '" + option + "'");
    };
  }
}
