package io.socketpair4j.internal.nio;

import static io.socketpair4j.internal.linux.LinuxAbi.CMSG_ALIGNMENT;
import static io.socketpair4j.internal.linux.LinuxAbi.CMSG_DATA;
import static io.socketpair4j.internal.linux.LinuxAbi.CMSG_LEN_OFFSET;
import static io.socketpair4j.internal.linux.LinuxAbi.CMSG_LEVEL;
import static io.socketpair4j.internal.linux.LinuxAbi.CMSG_TYPE;
import static io.socketpair4j.internal.linux.LinuxAbi.TIMEVAL_SIZE;
import static io.socketpair4j.internal.linux.LinuxAbi.cmsgAlign;
import static io.socketpair4j.internal.linux.LinuxAbi.cmsgLen;
import static io.socketpair4j.internal.linux.LinuxAbi.cmsgSpace;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The control data ({@code msg_control}) of one {@code sendmsg} or {@code recvmsg}: an {@code
 * SCM_RIGHTS} message to send, or room for the {@code SCM_RIGHTS} and {@code SCM_TIMESTAMP}
 * messages a receive may bring, and what a receive brought.
 *
 * <p>Every descriptor a receive installs is recorded here at once ({@link #received}), so that the
 * caller can own it or close it: none is ever dropped. The memory is native, from an automatic
 * arena, and grows to what calls need; the caller keeps this object reachable during the call. Not
 * thread-safe: one per {@link Transfer}.
 */
final class ControlMessages {
  private static final long TIMESTAMP_SPACE = cmsgSpace(TIMEVAL_SIZE);

  private MemorySegment memory = MemorySegment.NULL;

  // what the last receive brought
  private int[] fds = new int[0];
  private int fdCount;
  private boolean timestamp;

  /** The control memory (valid for the length the last {@code prepare} call returned). */
  MemorySegment memory() {
    return memory;
  }

  /** Writes one {@code SCM_RIGHTS} message carrying {@code fds[0..count)}; returns its length. */
  long rights(int[] sending, int count) {
    long data = (long) count * Integer.BYTES;
    MemorySegment m = room(cmsgSpace(data));
    m.fill((byte) 0);
    m.set(JAVA_LONG, CMSG_LEN_OFFSET, cmsgLen(data));
    m.set(JAVA_INT, CMSG_LEVEL, LinuxConstants.SOL_SOCKET);
    m.set(JAVA_INT, CMSG_TYPE, LinuxConstants.SCM_RIGHTS);
    for (int i = 0; i < count; i++) {
      m.set(JAVA_INT, CMSG_DATA + (long) i * Integer.BYTES, sending[i]);
    }
    return cmsgSpace(data);
  }

  /**
   * Makes room for what a receive may bring: {@code maxFds} descriptors and, when {@code
   * timestamp}, a timestamp. Returns the length to give as {@code msg_controllen}.
   */
  long receiving(int maxFds, boolean timestamp) {
    long space =
        (timestamp ? TIMESTAMP_SPACE : 0)
            + (maxFds > 0 ? cmsgSpace((long) maxFds * Integer.BYTES) : 0);
    room(space);
    return space;
  }

  /**
   * Reads the control messages a receive wrote ({@code length} bytes, the {@code msg_controllen} it
   * returned): records every descriptor it installed and whether a timestamp came.
   */
  void parse(long length) {
    fdCount = 0;
    timestamp = false;
    long at = 0;
    while (at + CMSG_DATA <= length) {
      long len = memory.get(JAVA_LONG, at + CMSG_LEN_OFFSET);
      if (len < CMSG_DATA || at + len > length) {
        break; // cannot happen with a well-behaved kernel
      }
      int level = memory.get(JAVA_INT, at + CMSG_LEVEL);
      int type = memory.get(JAVA_INT, at + CMSG_TYPE);
      if (level == LinuxConstants.SOL_SOCKET && type == LinuxConstants.SCM_RIGHTS) {
        int n = (int) ((len - CMSG_DATA) / Integer.BYTES);
        if (fds.length < fdCount + n) {
          fds = Arrays.copyOf(fds, fdCount + n);
        }
        for (int i = 0; i < n; i++) {
          fds[fdCount++] = memory.get(JAVA_INT, at + CMSG_DATA + (long) i * Integer.BYTES);
        }
      } else if (level == LinuxConstants.SOL_SOCKET && type == LinuxConstants.SO_TIMESTAMP) {
        timestamp = true;
      }
      at += cmsgAlign(len);
    }
  }

  /** Forgets what the last receive brought (after its descriptors were taken or closed). */
  void forget() {
    fdCount = 0;
    timestamp = false;
  }

  /** How many descriptors the last receive installed. */
  int receivedCount() {
    return fdCount;
  }

  /** Descriptor {@code i} of those the last receive installed. */
  int received(int i) {
    return fds[i];
  }

  /**
   * Whether the last receive brought a timestamp: then it received a message, not end of stream.
   */
  boolean timestamp() {
    return timestamp;
  }

  /** Closes every descriptor the last receive installed; returns how many. */
  int closeReceived() {
    int n = fdCount;
    CallState cs = CallState.heap();
    for (int i = 0; i < n; i++) {
      LibC.close(cs, fds[i]);
    }
    fdCount = 0;
    return n;
  }

  private MemorySegment room(long size) {
    if (memory.byteSize() < size) {
      memory = Arena.ofAuto().allocate(Math.max(size, 64), CMSG_ALIGNMENT);
    }
    return memory;
  }
}
