package io.socketpair4j.example;

import io.socketpair4j.SocketPair;
import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketPair;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Selector;

/** Where the sample's pairs come from, and how their ends are named in its output. */
enum Backend {
  /**
   * {@link UnixSocketPair} for stream pairs, {@link UnixDatagramPair} for SEQPACKET and DATAGRAM
   * pairs: kernel socket pairs, which can pass descriptors and be handed to child processes; ends
   * are named by their descriptor numbers.
   */
  NATIVE {
    @Override
    Pair open(int index, SocketType type) throws IOException {
      if (type == SocketType.STREAM) {
        UnixSocketPair pair = UnixSocketPair.open();
        return new Pair(
            new StreamEnd(pair.first()),
            new StreamEnd(pair.second()),
            Integer.toString(pair.first().fd()),
            Integer.toString(pair.second().fd()),
            pair);
      }
      UnixDatagramPair pair = UnixDatagramPair.open(type.messageType());
      return new Pair(
          new MessageEnd(pair.first()),
          new MessageEnd(pair.second()),
          Integer.toString(pair.first().fd()),
          Integer.toString(pair.second().fd()),
          pair);
    }

    @Override
    boolean offers(SocketType type) {
      return true;
    }

    @Override
    boolean passesDescriptors() {
      return true;
    }

    @Override
    boolean handsEndsToProcesses() {
      return true;
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
   * {@link SocketPair}: the JDK's own channels, stream pairs only, which have no public descriptor
   * number, cannot pass descriptors and cannot be handed to a child process; ends are named {@code
   * #1}, {@code #2}, ... in the order they were made in this run.
   */
  JDK {
    @Override
    Pair open(int index, SocketType type) throws IOException {
      if (!offers(type)) {
        throw new IllegalArgumentException("the JDK's channels have stream pairs only");
      }
      SocketPair pair = SocketPair.open();
      return new Pair(
          new StreamEnd(pair.first()),
          new StreamEnd(pair.second()),
          "#" + (2 * index + 1),
          "#" + (2 * index + 2),
          pair);
    }

    @Override
    boolean offers(SocketType type) {
      return type == SocketType.STREAM;
    }

    @Override
    boolean passesDescriptors() {
      return false;
    }

    @Override
    boolean handsEndsToProcesses() {
      return false;
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
  record Pair(End first, End second, String firstLabel, String secondLabel, Closeable closer)
      implements Closeable {
    @Override
    public void close() throws IOException {
      closer.close();
    }
  }

  /**
   * Opens the {@code index}-th pair of the run (counting from 0), of the given type.
   *
   * @throws IllegalArgumentException if this backend does not {@linkplain #offers offer} the type
   */
  abstract Pair open(int index, SocketType type) throws IOException;

  /** Whether this backend has pairs of the given type. */
  abstract boolean offers(SocketType type);

  /** Whether its ends can pass descriptors ({@code --pass-fd}). */
  abstract boolean passesDescriptors();

  /** Whether its ends can be handed to a child process ({@code --processes}). */
  abstract boolean handsEndsToProcesses();

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
