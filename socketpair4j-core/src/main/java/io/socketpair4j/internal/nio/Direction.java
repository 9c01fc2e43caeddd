package io.socketpair4j.internal.nio;

import io.socketpair4j.internal.linux.CallState;

/**
 * What a channel needs for calls in one direction (reads, or writes): where {@code errno} is
 * captured, the memory of the buffer last used, and scatter/gather descriptions. Made on the first
 * read or write, and guarded by the channel's read or write lock.
 */
final class Direction {
  final CallState callState = CallState.heap();
  final BufferMemory memory = new BufferMemory();
  private IoVectors vectors;

  /** The iovec/msghdr description, made on the first scattering or gathering call. */
  IoVectors vectors() {
    if (vectors == null) {
      vectors = new IoVectors();
    }
    return vectors;
  }
}
