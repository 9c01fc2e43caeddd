package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxConstants.MSG_DONTWAIT;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_NOSIGNAL;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The transfer layer: one direction (sending or receiving) of one socket, turning the caller's
 * buffers into kernel memory for one non-blocking system call at a time. Every form of read and
 * write goes through it, and {@link NativeSocket#transfer} runs the one loop around it.
 *
 * <p>The rules it keeps, whatever the caller does with its buffers meanwhile:
 *
 * <ul>
 *   <li>Each call takes each buffer's position and limit once, and computes both the memory and the
 *       length it gives the kernel from those values, so the kernel can never be told to go past a
 *       buffer's end (another thread moving the position gives wrong data at worst).
 *   <li>The kernel is only given memory whose scope the call holds: segments of the buffers
 *       themselves ({@link BufferMemory}, {@link IoVectors}), never a raw address of memory that
 *       could be freed during the call. A closed arena's buffer makes the call throw {@link
 *       IllegalStateException}; a confined arena's buffer used from another thread, {@link
 *       WrongThreadException}.
 *   <li>Positions advance by exactly what the kernel transferred.
 * </ul>
 *
 * <p>A request is loaded ({@link #of(ByteBuffer)}, {@link #of(ByteBuffer[], int, int)}), attempted
 * as often as the loop needs, then {@link #clear() cleared}. Not thread-safe: used under its
 * channel's read or write lock.
 */
final class Transfer {
  /**
   * What {@link #attempt} returns when the buffers had no bytes remaining when it looked (only a
   * buffer changed by another thread since the channel's own check can do that): no system call was
   * made. Unlike a receive's 0, this is not end of stream.
   */
  static final long NOTHING_REQUESTED = Long.MIN_VALUE;

  private final boolean sending;
  private final int flags;
  private final CallState callState = CallState.heap();
  private final BufferMemory memory = new BufferMemory();
  private IoVectors vectors; // made on the first scattering or gathering call

  // the request being carried out: one buffer, or a run of an array
  private ByteBuffer buffer;
  private ByteBuffer[] buffers;
  private int offset;
  private int length;

  Transfer(boolean sending) {
    this.sending = sending;
    this.flags = sending ? MSG_DONTWAIT | MSG_NOSIGNAL : MSG_DONTWAIT;
  }

  /** Whether this sends (writes) rather than receives (reads). */
  boolean sending() {
    return sending;
  }

  /** Loads a request for one buffer. */
  Transfer of(ByteBuffer b) {
    buffer = b;
    return this;
  }

  /** Loads a request for the buffers {@code bs[off]} to {@code bs[off + len - 1]}. */
  Transfer of(ByteBuffer[] bs, int off, int len) {
    buffers = bs;
    offset = off;
    length = len;
    return this;
  }

  /** Forgets the request, so that its buffers can be freed. */
  void clear() {
    buffer = null;
    buffers = null;
  }

  /**
   * Checks the request's buffers: none null ({@link NullPointerException}), and for a receive none
   * read-only ({@link IllegalArgumentException} "Read-only buffer"), as the JDK's channels do.
   */
  void checkBuffers() {
    if (buffer != null) {
      check(buffer);
      return;
    }
    for (int i = offset; i < offset + length; i++) {
      check(buffers[i]);
    }
  }

  private void check(ByteBuffer b) {
    if (Objects.requireNonNull(b, sending ? "src" : "dst").isReadOnly() && !sending) {
      throw new IllegalArgumentException("Read-only buffer");
    }
  }

  /** Whether the request still has bytes to transfer (a snapshot of the positions). */
  boolean hasRemaining() {
    if (buffer != null) {
      return buffer.hasRemaining();
    }
    for (int i = offset; i < offset + length; i++) {
      if (buffers[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /**
   * One non-blocking system call for the request. Returns the bytes transferred (0 from a receive
   * means end of stream), {@code -errno}, or {@link #NOTHING_REQUESTED}.
   */
  long attempt(int fd) {
    if (buffer != null) {
      int position = buffer.position();
      int limit = buffer.limit();
      return single(fd, buffer, position, position <= limit ? limit - position : 0);
    }
    IoVectors v = vectors == null ? (vectors = new IoVectors()) : vectors;
    try {
      int count = v.collect(buffers, offset, length);
      if (count == 0) {
        return NOTHING_REQUESTED;
      }
      if (count == 1) {
        return single(fd, v.buffer(0), v.position(0), v.length(0));
      }
      return v.transfer(callState, fd, flags, sending);
    } finally {
      v.forget();
    }
  }

  private long single(int fd, ByteBuffer b, int position, int len) {
    if (len == 0) {
      return NOTHING_REQUESTED;
    }
    MemorySegment m = memory.from(b, position);
    if (len > m.byteSize()) {
      throw new IllegalStateException("buffer changed during the call"); // cannot happen: lim<=cap
    }
    long n =
        sending ? LibC.send(callState, fd, m, len, flags) : LibC.recv(callState, fd, m, len, flags);
    if (n > 0) {
      b.position(position + (int) n);
    }
    return n;
  }
}
