package io.socketpair4j.bench;

import java.io.Closeable;
import java.io.IOException;

/** Two connected ends; closing it closes everything the pair is made of. */
record Duplex(End a, End b, Closeable closer) implements Closeable {
  @Override
  public void close() throws IOException {
    try (closer) {
      try (End first = a) {
        b.close();
      }
    }
  }
}
