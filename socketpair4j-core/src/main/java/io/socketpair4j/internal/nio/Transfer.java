package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxConstants.MSG_CMSG_CLOEXEC;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_CTRUNC;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_DONTWAIT;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_NOSIGNAL;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_PEEK;
import static io.socketpair4j.internal.linux.LinuxConstants.MSG_TRUNC;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
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

  /** What {@link #attempt} returns when a receive found the end of the stream. */
  static final long END_OF_STREAM = Long.MIN_VALUE + 1;

  /**
   * What {@link #attempt} returns when a DGRAM receive that waited in the kernel returned an empty
   * message: either one was sent, or the wait was ended by this end's close or {@code
   * shutdownInput} (both read as 0 on a datagram socket). The caller tells which from the socket's
   * state and, for a real one, calls {@link #completeEmpty()}.
   */
  static final long EMPTY_OR_WOKEN = Long.MIN_VALUE + 2;

  private final boolean sending;
  private final int flags;
  private final SocketKind kind;
  private final CallState callState = CallState.heap();
  private final BufferMemory memory = new BufferMemory();
  private IoVectors vectors; // made on the first call that needs a msghdr
  private ControlMessages control; // made on the first call with control data

  // the request being carried out: one buffer, or a run of an array
  private ByteBuffer buffer;
  private ByteBuffer[] buffers;
  private int offset;
  private int length;
  private int[] descriptors; // to send with the first bytes; count in descriptorCount
  private int descriptorCount;
  private int room = -1; // descriptors a receive accepts; -1: a plain receive
  private boolean peek;
  private boolean reporting; // a receive that reports the message: taken even into no space

  // the outcome: whether a system call succeeded, the message's length, what came with it
  private boolean completed;
  private long messageLength;
  private boolean controlTruncated;
  private boolean timedOut; // a timed blocking call whose time ran out

  /**
   * The fewest bytes one heap read takes that suggest a flowing bulk stream ({@link
   * #stagedReceive}).
   */
  static final int FLOWING_MIN = 8 * 1024;

  private boolean flowing; // the last blocking heap read took FLOWING_MIN bytes or more

  Transfer(boolean sending, SocketKind kind) {
    this.sending = sending;
    this.kind = kind;
    this.flags = sending ? MSG_DONTWAIT | MSG_NOSIGNAL : MSG_DONTWAIT;
  }

  /** Whether this sends (writes) rather than receives (reads). */
  boolean sending() {
    return sending;
  }

  /** Whether each call carries one whole message (SEQPACKET, DGRAM) rather than stream bytes. */
  boolean messages() {
    return kind.messages();
  }

  /** Loads a request for one buffer. */
  Transfer of(ByteBuffer b) {
    buffer = b;
    reset();
    return this;
  }

  /** Loads a request for the buffers {@code bs[off]} to {@code bs[off + len - 1]}. */
  Transfer of(ByteBuffer[] bs, int off, int len) {
    buffers = bs;
    offset = off;
    length = len;
    reset();
    return this;
  }

  private void reset() {
    descriptorCount = 0;
    room = -1;
    peek = false;
    reporting = false;
    completed = false;
    messageLength = 0;
    controlTruncated = false;
    timedOut = false;
  }

  /** Adds to a send request descriptors to pass with the first bytes (the caller holds them). */
  Transfer passing(int[] fds, int count) {
    descriptors = fds;
    descriptorCount = count;
    return this;
  }

  /**
   * Makes a receive request one that reports what it received, accepting up to {@code max}
   * descriptors (-1: none): it receives a message even into buffers with no space remaining.
   */
  Transfer accepting(int max) {
    room = max;
    reporting = true;
    return this;
  }

  /**
   * Whether a call must be made although the buffers have no bytes remaining: every message write
   * (an empty message is a message) and every receive that reports what it got. A plain read into
   * no space returns 0 and takes nothing, as the JDK's {@code DatagramChannel.read} does.
   */
  boolean transfersWhenEmpty() {
    return kind.messages() && (sending || reporting);
  }

  /** Makes a receive request leave the message queued ({@code MSG_PEEK}). */
  Transfer peeking() {
    peek = true;
    return this;
  }

  /** What the request does, for an error message: {@code "write"}, {@code "read"}, ... */
  String operation() {
    if (!sending) {
      return room >= 0 ? "recvmsg" : "read";
    }
    if (descriptorCount == 0) {
      return "write";
    }
    return "sendmsg with descriptors "
        + Arrays.toString(Arrays.copyOf(descriptors, descriptorCount));
  }

  /** Records that a timed blocking call ran out of time, having transferred what it returns. */
  void markTimedOut() {
    timedOut = true;
  }

  /** Whether a timed blocking call ran out of time. */
  boolean timedOut() {
    return timedOut;
  }

  /** Whether a system call of this request succeeded (then its outcome is valid). */
  boolean completed() {
    return completed;
  }

  /** For a completed receive, the length of the message (stream: the bytes read). */
  long messageLength() {
    return messageLength;
  }

  /**
   * For a completed receive that accepted descriptors: whether some could not be delivered ({@code
   * MSG_CTRUNC}). The caller then closes those that did arrive ({@link #received()}).
   */
  boolean controlTruncated() {
    return controlTruncated;
  }

  /**
   * The descriptors the last receive installed, which the caller must take over or close; null when
   * none could have come.
   */
  ControlMessages received() {
    return control;
  }

  /** Forgets the request, so that its buffers can be freed. */
  void clear() {
    buffer = null;
    buffers = null;
    descriptors = null;
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
   * One non-blocking system call for the request. Returns the bytes transferred (for a message:
   * stored in the buffers, possibly 0), {@link #END_OF_STREAM}, {@code -errno}, or {@link
   * #NOTHING_REQUESTED}.
   */
  long attempt(int fd) {
    return attempt(fd, false);
  }

  /**
   * As {@link #attempt(int)}; with {@code wait}, a stream request for one buffer, and any receive
   * made with {@code recvmsg} (messages, descriptors), waits in the kernel ({@link KernelWait})
   * instead of returning {@code EAGAIN}. The caller is a platform thread in blocking mode.
   */
  long attempt(int fd, boolean wait) {
    if (plainMessage(wait)) {
      return plainMessage(fd, wait && !sending);
    }
    if (kind.messages() || descriptorCount > 0 || room >= 0) {
      return message(fd, wait && !sending);
    }
    if (buffer != null) {
      int position = buffer.position();
      int limit = buffer.limit();
      return done(single(fd, buffer, position, position <= limit ? limit - position : 0, wait));
    }
    IoVectors v = vectors();
    try {
      int count = v.collect(buffers, offset, length, false);
      if (count == 0) {
        return NOTHING_REQUESTED;
      }
      if (count == 1) {
        return done(single(fd, v.buffer(0), v.position(0), v.length(0), wait));
      }
      return done(v.transfer(callState, fd, flags, sending));
    } finally {
      v.forget();
    }
  }

  /** Records the outcome of a stream call: a receive's 0 is the end of the stream. */
  private long done(long n) {
    if (n == 0 && !sending) {
      return END_OF_STREAM;
    }
    if (n >= 0) {
      completed = true;
      messageLength = n;
    }
    return n;
  }

  /**
   * One {@code sendmsg} or {@code recvmsg} for a message, or for stream bytes with control data. A
   * message is never split; a receive learns its real length ({@code MSG_TRUNC}); received
   * descriptors are close-on-exec from the start ({@code MSG_CMSG_CLOEXEC}) and recorded at once.
   * On a SEQPACKET socket every receive also asks for the timestamp that each message carries, as
   * that is the only way to tell an empty message from the end of the stream: both read as 0.
   */
  private long message(int fd, boolean wait) {
    IoVectors v = vectors();
    try {
      boolean whole = kind.messages();
      int count = buffer != null ? v.collect(buffer) : v.collect(buffers, offset, length, whole);
      if (count == 0 && !whole) {
        return NOTHING_REQUESTED; // stream bytes emptied by another thread meanwhile
      }
      wait = wait && v.mayWaitForMessage();
      ControlMessages c = control();
      long controlLength;
      int callFlags;
      if (sending) {
        controlLength = descriptorCount > 0 ? c.rights(descriptors, descriptorCount) : 0;
        callFlags = flags;
      } else {
        boolean timestamp = kind.endOfStreamByTimestamp();
        controlLength = room > 0 || timestamp ? c.receiving(Math.max(room, 0), timestamp) : 0;
        callFlags = flags | MSG_CMSG_CLOEXEC | (whole ? MSG_TRUNC : 0) | (peek ? MSG_PEEK : 0);
      }
      long n =
          wait
              ? v.transfer(
                  KernelWait.current().callState(),
                  fd,
                  callFlags & ~MSG_DONTWAIT,
                  false,
                  whole,
                  c.memory(),
                  controlLength)
              : v.transfer(callState, fd, callFlags, sending, whole, c.memory(), controlLength);
      if (n < 0) {
        return n;
      }
      messageLength = n;
      if (sending) {
        completed = true;
        descriptorCount = 0; // passed with these bytes; a blocking write's next call has none
        return n;
      }
      if (controlLength > 0) {
        c.parse(v.controlLength());
      } else {
        c.forget();
      }
      // MSG_CTRUNC on a plain receive: the kernel closed what came; nothing was installed
      // More than accepted can arrive (CMSG_SPACE rounds the room up): that is a truncation too
      controlTruncated = room >= 0 && ((v.flags() & MSG_CTRUNC) != 0 || c.receivedCount() > room);
      if (room < 0 && c.receivedCount() > 0) {
        // A plain SEQPACKET receive has room only for its timestamp; should the kernel ever fit
        // descriptors there instead, they are closed, never left without an owner
        c.closeReceived();
      }
      boolean endOfStream =
          n == 0
              && (!whole
                  || (kind.endOfStreamByTimestamp()
                      && !c.timestamp()
                      && c.receivedCount() == 0
                      && !controlTruncated));
      if (endOfStream) {
        return END_OF_STREAM;
      }
      if (wait && n == 0 && !kind.endOfStreamByTimestamp() && c.receivedCount() == 0) {
        return EMPTY_OR_WOKEN;
      }
      completed = true;
      return v.stored();
    } finally {
      v.forget();
    }
  }

  /**
   * Whether the request is a message of one buffer with no control data that {@code send(2)} or
   * {@code recv(2)} can carry: any message send without descriptors, and a DGRAM receive that
   * accepts no descriptors, unless it would wait in the kernel into a heap buffer (a waiting call
   * takes native memory only; {@link #message} stages it). A SEQPACKET receive always asks for the
   * timestamp in control data, which tells an empty message from the end of the stream.
   */
  private boolean plainMessage(boolean wait) {
    if (!kind.messages() || buffer == null || descriptorCount > 0) {
      return false;
    }
    return sending || (!kind.endOfStreamByTimestamp() && room < 0 && (!wait || buffer.isDirect()));
  }

  /**
   * One message of one buffer through {@code send(2)} or {@code recv(2)} with {@code MSG_TRUNC},
   * which returns the message's real length as {@code recvmsg} does: the kernel reads no msghdr or
   * iovec, and nothing is built for it. Returns what {@link #message} returns for the same request.
   */
  private long plainMessage(int fd, boolean wait) {
    int position = buffer.position();
    int limit = buffer.limit();
    int len = position <= limit ? limit - position : 0;
    MemorySegment m = segment(buffer, position, len);
    long n;
    if (sending) {
      n = LibC.send(callState, fd, m, len, flags);
    } else {
      int callFlags = flags | MSG_TRUNC | (peek ? MSG_PEEK : 0);
      n =
          wait
              ? LibC.recvWaiting(
                  KernelWait.current().callState(), fd, m, len, callFlags & ~MSG_DONTWAIT)
              : LibC.recv(callState, fd, m, len, callFlags);
      if (control != null) {
        control.forget(); // nothing received with this message
      }
    }
    if (n < 0) {
      return n;
    }
    long stored = Math.min(n, len);
    buffer.position(position + (int) stored);
    messageLength = n;
    if (wait && n == 0) {
      return EMPTY_OR_WOKEN;
    }
    completed = true;
    return stored;
  }

  /** After {@link #EMPTY_OR_WOKEN} that was a real message: records it; returns 0. */
  long completeEmpty() {
    completed = true;
    return 0;
  }

  private IoVectors vectors() {
    return vectors != null ? vectors : (vectors = new IoVectors());
  }

  private ControlMessages control() {
    return control != null ? control : (control = new ControlMessages());
  }

  /**
   * A platform thread's blocking read into a heap buffer. It waits in the kernel through the
   * thread's staging memory, and copies what came into the array; but while a bulk stream flows
   * (the last read took at least {@link #FLOWING_MIN} bytes) it first tries a non-blocking {@code
   * recv} into the array itself, which costs no copy when the data is there and one {@code EAGAIN}
   * when it is not. A reader of small requests or replies never reads that much at once, so it
   * never pays that extra call.
   */
  private long stagedReceive(int fd, ByteBuffer b, MemorySegment m, int position, int len) {
    long n = -Errno.EAGAIN;
    if (flowing) {
      n = LibC.recv(callState, fd, m, len, flags);
      if (n > 0) {
        b.position(position + (int) n);
      }
    }
    if (n == -Errno.EAGAIN) {
      n = KernelWait.current().transfer(fd, false, b, m, position, len, flags & ~MSG_DONTWAIT);
    }
    flowing = n >= FLOWING_MIN;
    return n;
  }

  /**
   * The memory of {@code b} from {@code position}, which must hold {@code len} bytes (always so:
   * {@code len} was computed from one reading of a limit, which never exceeds the capacity).
   */
  private MemorySegment segment(ByteBuffer b, int position, int len) {
    MemorySegment m = memory.from(b, position);
    if (len > m.byteSize()) {
      throw new IllegalStateException("buffer changed during the call"); // cannot happen: lim<=cap
    }
    return m;
  }

  private long single(int fd, ByteBuffer b, int position, int len, boolean wait) {
    if (len == 0) {
      return NOTHING_REQUESTED;
    }
    MemorySegment m = segment(b, position, len);
    // Waiting in the kernel: a direct buffer at once; a heap buffer's receive at once too (only
    // the bytes received are copied out of the staging memory), unless a bulk stream flows
    // (stagedReceive); a heap buffer's send only when a non-blocking send, which gives the kernel
    // the array itself, finds no space (a send usually finds space, and then costs no copy)
    boolean staged = wait && !b.isDirect() && len <= KernelWait.MAX_STAGED;
    if (staged && !sending) {
      return stagedReceive(fd, b, m, position, len);
    }
    if (wait && b.isDirect()) {
      return KernelWait.current().transfer(fd, sending, b, m, position, len, flags & ~MSG_DONTWAIT);
    }
    long n =
        sending ? LibC.send(callState, fd, m, len, flags) : LibC.recv(callState, fd, m, len, flags);
    if (n > 0) {
      b.position(position + (int) n);
    } else if (n == -Errno.EAGAIN && staged) {
      return KernelWait.current().transfer(fd, true, b, m, position, len, flags & ~MSG_DONTWAIT);
    }
    return n;
  }
}
