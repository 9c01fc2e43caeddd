/**
 * socketpair4j: connected pairs of UNIX-domain sockets as {@link java.nio.channels.SocketChannel}s.
 *
 * <p>{@link io.socketpair4j.UnixSocketPair} makes real kernel socket pairs through {@code
 * java.lang.foreign} (no JNI, no native library shipped); its channels work with the epoll-based
 * selector of {@link io.socketpair4j.UnixSelectorProvider}. They need native access: run with
 * {@code --enable-native-access=io.socketpair4j} (or {@code ALL-UNNAMED} on the class path). {@link
 * io.socketpair4j.SocketPair} makes pairs of the JDK's own channels instead, with public JDK API
 * only and no native access.
 */
module io.socketpair4j {
  requires transitive jdk.net;
  requires jdk.jfr;

  exports io.socketpair4j;
}
