package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.spi.SelectorProvider;

/** Makes native socket pairs. */
public final class NativeSockets {
  private NativeSockets() {}

  /**
   * {@code socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)}, each end wrapped in a channel.
   *
   * @throws UnsupportedOperationException when native pairs are not supported here
   * @throws IOException naming the errno when the kernel refuses (EMFILE, ENFILE, ...)
   */
  public static NativeSocketChannel[] openStreamPair(SelectorProvider provider) throws IOException {
    Platform.ensureSupported();
    int[] sv = new int[2];
    int r =
        LibC.socketpair(
            CallState.heap(),
            LinuxConstants.AF_UNIX,
            LinuxConstants.SOCK_STREAM | LinuxConstants.SOCK_CLOEXEC,
            0,
            MemorySegment.ofArray(sv));
    if (r < 0) {
      throw Errno.exception(-r, "socketpair");
    }
    NativeSocketChannel first = null;
    try {
      first = new NativeSocketChannel(provider, sv[0]);
      return new NativeSocketChannel[] {first, new NativeSocketChannel(provider, sv[1])};
    } catch (Throwable t) {
      // Nothing may leak: close what was made, and the descriptors not yet owned by a channel.
      if (first != null) {
        first.handle().close();
      } else {
        LibC.close(CallState.heap(), sv[0]);
      }
      LibC.close(CallState.heap(), sv[1]);
      throw t;
    }
  }
}
