package io.socketpair4j.internal.nio;

import io.socketpair4j.UnixDatagramPair;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.Errno;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxConstants;
import io.socketpair4j.internal.linux.Platform;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

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
    int[] sv = socketpair(SocketKind.STREAM);
    NativeSocketChannel[] ends = new NativeSocketChannel[2];
    try {
      ends[0] = new NativeSocketChannel(provider, sv[0]);
      ends[1] = new NativeSocketChannel(provider, sv[1]);
      return ends;
    } catch (Throwable t) {
      closeUnowned(sv, ends[0] == null ? null : ends[0].handle());
      throw t;
    }
  }

  /**
   * {@code socketpair(AF_UNIX, SOCK_SEQPACKET or SOCK_DGRAM | SOCK_CLOEXEC, 0)}, each end wrapped
   * in a channel.
   *
   * @throws UnsupportedOperationException when native pairs are not supported here
   * @throws IOException naming the errno when the kernel refuses (EMFILE, ENFILE, ...)
   */
  public static NativeDatagramChannel[] openMessagePair(
      SelectorProvider provider, UnixDatagramPair.Type type) throws IOException {
    SocketKind kind =
        switch (Objects.requireNonNull(type, "type")) {
          case SEQPACKET -> SocketKind.SEQPACKET;
          case DATAGRAM -> SocketKind.DATAGRAM;
        };
    int[] sv = socketpair(kind);
    NativeDatagramChannel[] ends = new NativeDatagramChannel[2];
    try {
      ends[0] = new NativeDatagramChannel(provider, sv[0], kind);
      ends[1] = new NativeDatagramChannel(provider, sv[1], kind);
      return ends;
    } catch (Throwable t) {
      closeUnowned(sv, ends[0] == null ? null : ends[0].core().handle());
      throw t;
    }
  }

  private static int[] socketpair(SocketKind kind) throws IOException {
    Platform.ensureSupported();
    int[] sv = new int[2];
    int r =
        LibC.socketpair(
            CallState.heap(),
            LinuxConstants.AF_UNIX,
            kind.type | LinuxConstants.SOCK_CLOEXEC,
            0,
            MemorySegment.ofArray(sv));
    if (r < 0) {
      throw Errno.exception(-r, "socketpair");
    }
    return sv;
  }

  /**
   * After a failure halfway through making a pair, nothing may leak: closes the first end's handle
   * when a channel owns it, and every descriptor no channel owns yet.
   */
  private static void closeUnowned(int[] sv, FdHandle first) {
    if (first != null) {
      first.close();
    } else {
      LibC.close(CallState.heap(), sv[0]);
    }
    LibC.close(CallState.heap(), sv[1]);
  }
}
