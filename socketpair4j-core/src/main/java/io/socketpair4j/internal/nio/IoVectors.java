package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_BASE;
import static io.socketpair4j.internal.linux.LinuxAbi.IOVEC_LEN;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_CONTROL;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_CONTROLLEN;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_FLAGS;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOV;
import static io.socketpair4j.internal.linux.LinuxAbi.MSGHDR_IOVLEN;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_DONTWAIT;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
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
  private ByteBuffer[] buffers = new ByteBuffer[MAX_ENTRIES];
  private int[] positions = new int[MAX_ENTRIES];
  private int[] lengths = new int[MAX_ENTRIES];
  private long[] stagedAt = new long[MAX_ENTRIES];
  private final MemorySegment[] held = new MemorySegment[LibC.HELD_SEGMENTS];
  private int count;
  private long described; // bytes the current call's iovecs describe
  private long stored; // bytes the last call moved

  IoVectors() {
    msghdr.set(ADDRESS, MSGHDR_IOV, iovecs);
    Arrays.fill(held, MemorySegment.NULL);
  }

  /**
   * Takes the position and limit of each buffer of the run that has bytes remaining, up to {@link
   * #MAX_ENTRIES} of them (all of them when {@code whole}, for a message that must not be split),
   * and returns how many there are.
   */
  int collect(ByteBuffer[] run, int offset, int length, boolean whole) {
    int n = 0;
    for (int i = offset; i < offset + length && (whole || n < MAX_ENTRIES); i++) {
      n = add(n, run[i]);
    }
    count = n;
    return n;
  }

  /** Takes the position and limit of one buffer; returns 1, or 0 when it has nothing remaining. */
  int collect(ByteBuffer b) {
    count = add(0, b);
    return count;
  }

  private int add(int n, ByteBuffer b) {
    int position = b.position();
    int limit = b.limit();
    if (position < limit) {
      if (n == buffers.length) {
        int grown = 2 * n;
        buffers = Arrays.copyOf(buffers, grown);
        positions = Arrays.copyOf(positions, grown);
        lengths = Arrays.copyOf(lengths, grown);
        stagedAt = Arrays.copyOf(stagedAt, grown);
      }
      buffers[n] = b;
      positions[n] = position;
      lengths[n] = limit - position;
      n++;
    }
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
    return transfer(cs, fd, flags, sending, false, MemorySegment.NULL, 0);
  }

  /**
   * One {@code sendmsg} or {@code recvmsg} with control data ({@code control}, {@code
   * controlLength} bytes; none when 0). When {@code whole}, the collected run is one message: it is
   * described entirely in one call, staged as one piece when it is too many buffers to describe in
   * place. A receive with {@code MSG_TRUNC} in {@code flags} returns the message's real length,
   * which may be more than the buffers hold; positions advance by what was stored ({@link
   * #stored()}). After the call, {@link #flags()} and {@link #controlLength()} tell what the kernel
   * reported. A receive without {@code MSG_DONTWAIT} in {@code flags} may wait in the kernel: it is
   * made as a call that is not critical, and {@code cs} must be native.
   */
  long transfer(
      CallState cs,
      int fd,
      int flags,
      boolean sending,
      boolean whole,
      MemorySegment control,
      long controlLength) {
    int entries = describe(sending, whole);
    msghdr.set(ADDRESS, MSGHDR_CONTROL, controlLength > 0 ? control : MemorySegment.NULL);
    msghdr.set(JAVA_LONG, MSGHDR_CONTROLLEN, controlLength);
    msghdr.set(JAVA_INT, MSGHDR_FLAGS, 0);
    long n =
        sending
            ? LibC.sendmsg(cs, fd, msghdr, flags, held)
            : (flags & MSG_DONTWAIT) == 0
                ? LibC.recvmsgWaiting(cs, fd, msghdr, flags, held)
                : LibC.recvmsg(cs, fd, msghdr, flags, held);
    Reference.reachabilityFence(control);
    stored = n > 0 ? Math.min(n, described) : 0;
    if (stored > 0) {
      complete(entries, stored, sending);
    }
    return n;
  }

  /** The bytes the last call moved between the buffers and the kernel. */
  long stored() {
    return stored;
  }

  /** The {@code msg_flags} the last receive reported. */
  int flags() {
    return msghdr.get(JAVA_INT, MSGHDR_FLAGS);
  }

  /** The {@code msg_controllen} the last receive reported: the control data it wrote. */
  long controlLength() {
    return msghdr.get(JAVA_LONG, MSGHDR_CONTROLLEN);
  }

  /**
   * Writes the iovecs (and stages heap bytes to send); returns how many entries they describe.
   * First decides how far this call goes and how much staging that needs, and only then takes the
   * staging memory, so that every iovec points into the one staging segment that stays referenced
   * for the call.
   */
  private int describe(boolean sending, boolean message) {
    if (message && !fitsInPlace()) {
      return flatten(sending);
    }
    int direct = 0;
    long staged = 0;
    int entries = 0;
    long limit = message ? Long.MAX_VALUE : MAX_STAGED;
    for (; entries < count; entries++) {
      if (buffers[entries].isDirect()) {
        if (direct == held.length) {
          break;
        }
        direct++;
        stagedAt[entries] = -1;
      } else {
        int room = (int) Math.min(limit - staged, lengths[entries]);
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
    described = 0;
    for (int e = 0; e < entries; e++) {
      described += lengths[e];
    }
    return entries;
  }

  /**
   * Whether a receive of the collected run as one message may wait in the kernel: only when the
   * call holds the scope of every direct buffer it stores into, so that none can be freed while it
   * waits (a run too long to describe in place is received into staging and copied out after the
   * call, when a shared arena's buffer may have been closed meanwhile, and the message would be
   * lost).
   */
  boolean mayWaitForMessage() {
    if (fitsInPlace()) {
      return true;
    }
    for (int e = 0; e < count; e++) {
      if (buffers[e].isDirect()) {
        return false;
      }
    }
    return true;
  }

  /** Whether every collected buffer can be described in place or staged in one call. */
  private boolean fitsInPlace() {
    if (count > MAX_ENTRIES) {
      return false;
    }
    int direct = 0;
    for (int e = 0; e < count; e++) {
      if (buffers[e].isDirect()) {
        direct++;
      }
    }
    return direct <= held.length;
  }

  /**
   * Describes the whole collected run as one staged piece, direct buffers included (copied with
   * {@link MemorySegment#copy}, which checks their scope): for a message of more buffers than one
   * call describes in place. Returns how many buffers it covers.
   */
  private int flatten(boolean sending) {
    long total = 0;
    for (int e = 0; e < count; e++) {
      stagedAt[e] = total;
      total += lengths[e];
    }
    MemorySegment stage = total > 0 ? staging(total) : MemorySegment.NULL;
    if (sending) {
      for (int e = 0; e < count; e++) {
        ByteBuffer b = buffers[e];
        if (b.isDirect()) {
          MemorySegment.copy(BufferMemory.whole(b), positions[e], stage, stagedAt[e], lengths[e]);
        } else {
          stageOut(b, positions[e], stage, stagedAt[e], lengths[e]);
        }
      }
    } else {
      // The direct buffers are copied into only after the receive has taken the message, and the
      // call holds none of their scopes; so check now that each can be accessed (a closed arena's
      // throws IllegalStateException, a confined one's on another thread WrongThreadException)
      // and fail before the message is taken, as a read described in place does. An arena closed
      // after this check still cannot be written: the copy-out throws, and the message is lost.
      for (int e = 0; e < count; e++) {
        if (buffers[e].isDirect()) {
          BufferMemory.whole(buffers[e]).get(JAVA_BYTE, positions[e]);
        }
      }
    }
    iovecs.set(JAVA_LONG, IOVEC_BASE, stage.address());
    iovecs.set(JAVA_LONG, IOVEC_LEN, total);
    msghdr.set(JAVA_LONG, MSGHDR_IOVLEN, 1);
    described = total;
    return count;
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
        if (b.isDirect()) { // staged only when a message was flattened
          MemorySegment.copy(staging, stagedAt[e], BufferMemory.whole(b), positions[e], step);
        } else {
          MemorySegment.copy(
              staging, JAVA_BYTE, stagedAt[e], b.array(), b.arrayOffset() + positions[e], step);
        }
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
    Arrays.fill(buffers, 0, Math.min(count, buffers.length), null);
    Arrays.fill(held, MemorySegment.NULL);
    count = 0;
  }
}
