package io.socketpair4j;

import io.socketpair4j.internal.nio.EPollSelector;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The selector provider of {@link UnixSocketChannel}s: its {@link #openSelector()} opens an
 * epoll-based {@link java.nio.channels.Selector} that multiplexes native socket-pair channels.
 *
 * <p>A selector accepts only channels of its own provider, so channels of this provider cannot be
 * registered with a selector of the JDK's default provider, nor JDK channels with this provider's
 * selector (that throws {@link java.nio.channels.IllegalSelectorException}).
 *
 * <p>This provider makes selectors only. Socket channels come in pairs from {@link
 * UnixSocketPair#open()}; datagram channels, server-socket channels and pipes are not offered, and
 * the methods that would open them throw {@link UnsupportedOperationException}.
 *
 * <p>The selector's {@code select} operations on a virtual thread park it rather than holding its
 * carrier thread in the kernel.
 */
public final class UnixSelectorProvider extends SelectorProvider {
  private static final UnixSelectorProvider INSTANCE = new UnixSelectorProvider();

  private UnixSelectorProvider() {}

  /**
   * Returns the provider of native socket-pair channels. Every {@link UnixSocketChannel}'s {@link
   * UnixSocketChannel#provider() provider()} is this one.
   *
   * @return the provider, the same instance on every call
   */
  public static UnixSelectorProvider provider() {
    return INSTANCE;
  }

  /**
   * Opens an epoll-based selector for {@link UnixSocketChannel}s.
   *
   * @return a new selector
   * @throws IOException if the kernel refuses an epoll or eventfd descriptor; the message names the
   *     errno
   * @throws UnsupportedOperationException if native socket pairs are not supported in this JVM
   */
  @Override
  public AbstractSelector openSelector() throws IOException {
    return new EPollSelector(this);
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public DatagramChannel openDatagramChannel() {
    throw unsupported("datagram channels");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public DatagramChannel openDatagramChannel(ProtocolFamily family) {
    throw unsupported("datagram channels");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public Pipe openPipe() {
    throw unsupported("pipes");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public ServerSocketChannel openServerSocketChannel() {
    throw unsupported("server-socket channels");
  }

  /**
   * Not supported: socket channels of this provider are made in connected pairs by {@link
   * UnixSocketPair#open()}.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public SocketChannel openSocketChannel() {
    throw new UnsupportedOperationException(
        "UnixSelectorProvider does not open single socket channels; use UnixSocketPair.open()");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        "UnixSelectorProvider does not offer " + what + "; it opens selectors for UnixSocketPair");
  }

  @Override
  public String toString() {
    return "UnixSelectorProvider";
  }
}
