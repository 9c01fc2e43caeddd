package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_BASE;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_LEN;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOV;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOVLEN;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The scattering and gathering part of the transfer layer: a run of buffers described by a {@code
 * struct msghdr} and its {@code iovec}s for one {@code recvmsg} or {@code sendmsg}.
 *
 * <p>{@link #collect} takes each buffer's position and limit once; everything after works from
 * those values. A direct buffer is described in place, and its segment is passed to the call among
 * the held segments ({@link LibC#recvmsg(CallState, int, MemorySegment, int, MemorySegment[])}), so
 * its scope is held while the kernel uses it. A heap buffer has no address to describe: its bytes
 * go through staging memory owned by this object, copied in before a send and out after a receive
 * (with {@link MemorySegment#copy}, which checks the buffer's scope), as the JDK does with its
 * temporary direct buffers.
 *
 * <p>One call describes at most {@value #MAX_ENTRIES} buffers, at most {@value LibC#HELD_SEGMENTS}
 * of them direct, and at most {@value #MAX_STAGED} bytes of heap buffers; the rest waits for the
 * next call. A stream socket allows that: a scattering read or gathering write may transfer fewer
 * bytes than requested, and a blocking write goes on until all are written.
 *
 * <p>The native memory (msghdr, iovecs, staging) comes from an automatic arena, so it lives as long
 * as this object is reachable, which its user is during every call. Not thread-safe: each {@link
 * Transfer} keeps one, used under its channel's read or write lock.
 */
final class IoVectors {
  /** The most buffers one call describes. */
  static final int MAX_ENTRIES = 64;

  /**
   * The most bytes of heap buffers one call stages: more than a socket of the default buffer size
   * ({@code wmem_default}/{@code rmem_default}, 208 KiB; the kernel's buffer is twice that) takes
   * in one call, so that a non-blocking call moves as much as the JDK's channels would. Staging
   * memory grows to what calls need, up to this.
   */
  static final int MAX_STAGED = 512 * 1024;

  private final Arena arena = Arena.ofAuto();
  private final MemorySegment msghdr = arena.allocate(MSGHDR);
  private final MemorySegment iovecs = arena.allocate(IOVEC, MAX_ENTRIES);
  private MemorySegment staging = MemorySegment.NULL; // grown on demand

  // The run of buffers collected for the current call: buffer i of the caller's array, from its
  // position (taken once) for the given length; and, once described, where a heap buffer's bytes
  // are staged (-1 for a direct buffer).
  private final ByteBuffer[] buffers = new ByteBuffer[MAX_ENTRIES];
  private final int[] positions = new int[MAX_ENTRIES];
  private final int[] lengths = new int[MAX_ENTRIES];
  private final long[] stagedAt = new long[MAX_ENTRIES];
  private final MemorySegment[] held = new MemorySegment[LibC.HELD_SEGMENTS];
  private int count;

  IoVectors() {
    msghdr.set(ADDRESS, MSGHDR_IOV, iovecs);
    Arrays.fill(held, MemorySegment.NULL);
  }

  /**
   * Takes the position and limit of each buffer of the run that has bytes remaining, up to {@link
   * #MAX_ENTRIES} of them, and returns how many there are.
   */
  int collect(ByteBuffer[] run, int offset, int length) {
    int n = 0;
    for (int i = offset; i < offset + length && n < MAX_ENTRIES; i++) {
      ByteBuffer b = run[i];
      int position = b.position();
      int limit = b.limit();
      if (position < limit) {
        buffers[n] = b;
        positions[n] = position;
        lengths[n] = limit - position;
        n++;
      }
    }
    count = n;
    return n;
  }

  ByteBuffer buffer(int i) {
    return buffers[i];
  }

  int position(int i) {
    return positions[i];
  }

  int length(int i) {
    return lengths[i];
  }

  /**
   * One {@code sendmsg} or {@code recvmsg} over the collected run, with {@code flags}; advances the
   * positions of the buffers by what the kernel transferred and returns that, or {@code -errno}.
   */
  long transfer(CallState cs, int fd, int flags, boolean sending) {
    int entries = describe(sending);
    long n =
        sending
            ? LibC.sendmsg(cs, fd, msghdr, flags, held)
            : LibC.recvmsg(cs, fd, msghdr, flags, held);
    if (n > 0) {
      complete(entries, n, sending);
    }
    return n;
  }

  /**
   * Writes the iovecs (and stages heap bytes to send); returns how many entries they describe.
   * First decides how far this call goes and how much staging that needs, and only then takes the
   * staging memory, so that every iovec points into the one staging segment that stays referenced
   * for the call.
   */
  private int describe(boolean sending) {
    int direct = 0;
    long staged = 0;
    int entries = 0;
    for (; entries < count; entries++) {
      if (buffers[entries].isDirect()) {
        if (direct == held.length) {
          break;
        }
        direct++;
        stagedAt[entries] = -1;
      } else {
        int room = (int) Math.min(MAX_STAGED - staged, lengths[entries]);
        if (room == 0) {
          break;
        }
        stagedAt[entries] = staged;
        lengths[entries] = room;
        staged += room;
      }
    }
    MemorySegment stage = staged > 0 ? staging(staged) : MemorySegment.NULL;
    direct = 0;
    for (int e = 0; e < entries; e++) {
      ByteBuffer b = buffers[e];
      long address;
      if (stagedAt[e] < 0) {
        MemorySegment whole = BufferMemory.whole(b);
        held[direct++] = whole;
        Objects.checkFromIndexSize(positions[e], lengths[e], whole.byteSize()); // inside b
        address = whole.address() + positions[e];
      } else {
        if (sending) {
          stageOut(b, positions[e], stage, stagedAt[e], lengths[e]);
        }
        address = stage.address() + stagedAt[e];
      }
      long at = e * IOVEC.byteSize();
      iovecs.set(JAVA_LONG, at + IOVEC_BASE, address);
      iovecs.set(JAVA_LONG, at + IOVEC_LEN, lengths[e]);
    }
    msghdr.set(JAVA_LONG, MSGHDR_IOVLEN, entries);
    return entries;
  }

  /** Copies a heap buffer's bytes {@code [position, position + length)} into staging. */
  private static void stageOut(
      ByteBuffer b, int position, MemorySegment stage, long at, int length) {
    if (b.hasArray()) {
      MemorySegment.copy(b.array(), b.arrayOffset() + position, stage, JAVA_BYTE, at, length);
    } else { // a read-only heap buffer
      MemorySegment.copy(BufferMemory.whole(b), position, stage, at, length);
    }
  }

  /** After {@code n} bytes were transferred: copies staged bytes out, advances positions. */
  private void complete(int entries, long n, boolean sending) {
    for (int e = 0; e < entries && n > 0; e++) {
      int step = (int) Math.min(lengths[e], n);
      ByteBuffer b = buffers[e];
      if (!sending && stagedAt[e] >= 0) {
        // a receive never has read-only buffers: the channel checks
        MemorySegment.copy(
            staging, JAVA_BYTE, stagedAt[e], b.array(), b.arrayOffset() + positions[e], step);
      }
      b.position(positions[e] + step);
      n -= step;
    }
  }

  /** Staging memory of at least {@code size} bytes (a smaller one is freed once unreachable). */
  private MemorySegment staging(long size) {
    if (staging.byteSize() < size) {
      long grown = Math.max(size, Math.min(MAX_STAGED, 2 * staging.byteSize() + 4096));
      staging = Arena.ofAuto().allocate(grown);
    }
    return staging;
  }

  /**
   * Drops the references to the caller's buffers and segments, so they can be freed; called after
   * every call that collected.
   */
  void forget() {
    Arrays.fill(buffers, 0, count, null);
    Arrays.fill(held, MemorySegment.NULL);
    count = 0;
  }
}
