package io.socketpair4j.internal.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The parent's ends of a child's standard pipes, which let go of their descriptors once the child
 * has exited, as the JDK's {@code Process} streams do: a program that never closes the streams of
 * its finished children does not run out of descriptors.
 *
 * <p>When the child exits, an output stream (the child's stdout or stderr) keeps what can still be
 * read without blocking, in memory, and closes its pipe; an input stream (the child's stdin) closes
 * its pipe, dropping anything not yet flushed, which no one could read. This runs on a virtual
 * thread after the exit, never in the thread that watches exits: it waits for any read or write in
 * progress on the stream to finish.
 */
final class ChildPipeStreams {
  private ChildPipeStreams() {}

  /** The child's stdout or stderr. */
  static final class FromChild extends BufferedInputStream {
    FromChild(InputStream pipe) {
      super(pipe);
    }

    /** Swaps the pipe for what it still holds; does nothing if the stream was closed. */
    synchronized void processExited() {
      InputStream pipe = in;
      if (pipe == null) {
        return;
      }
      try {
        int available = pipe.available();
        byte[] rest = available > 0 ? pipe.readNBytes(available) : new byte[0];
        pipe.close();
        in = new ByteArrayInputStream(rest);
      } catch (IOException e) {
        // the stream keeps its pipe; reading it reports whatever is wrong
      }
    }
  }

  /** The child's stdin. */
  static final class ToChild extends BufferedOutputStream {
    ToChild(OutputStream pipe) {
      super(pipe);
    }

    /** Closes the pipe; later writes fail with "Stream closed". */
    synchronized void processExited() {
      OutputStream pipe = out;
      if (pipe == StandardStreams.NullOutputStream.INSTANCE) {
        return;
      }
      out = StandardStreams.NullOutputStream.INSTANCE;
      count = 0;
      StandardStreams.closeQuietly(pipe);
    }
  }
}
