package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * {@code SOL_SOCKET} integer options (getsockopt and setsockopt), and the receive queue's length.
 */
final class SocketOptions {
  private SocketOptions() {}

  static int getInt(int fd, int option) throws IOException {
    int[] value = new int[1];
    int[] length = {Integer.BYTES};
    int r =
        LibC.getsockopt(
            CallState.heap(),
            fd,
            LinuxConstants.SOL_SOCKET,
            option,
            MemorySegment.ofArray(value),
            MemorySegment.ofArray(length));
    if (r < 0) {
      throw Errno.exception(-r, "getsockopt");
    }
    return value[0];
  }

  static void setInt(int fd, int option, int value) throws IOException {
    int r =
        LibC.setsockopt(
            CallState.heap(),
            fd,
            LinuxConstants.SOL_SOCKET,
            option,
            MemorySegment.ofArray(new int[] {value}),
            Integer.BYTES);
    if (r < 0) {
      throw Errno.exception(-r, "setsockopt");
    }
  }

  /** The bytes queued for reading ({@code ioctl(FIONREAD)}). */
  static int queuedInput(int fd) throws IOException {
    int[] value = new int[1];
    int r = LibC.ioctl(CallState.heap(), fd, LinuxConstants.FIONREAD, MemorySegment.ofArray(value));
    if (r < 0) {
      throw Errno.exception(-r, "ioctl(FIONREAD)");
    }
    return value[0];
  }
}
