/**
 * The stream views of {@link io.socketpair4j.SocketStreams}: an {@link java.io.InputStream} and an
 * {@link java.io.OutputStream} over a {@link StreamIo}, which reads and writes one channel with
 * timeouts — through a native channel's own timed calls ({@link NativeStreamIo}), or through a JDK
 * channel in non-blocking mode and a selector per direction ({@link SelectingStreamIo}). Not
 * exported.
 */
package io.socketpair4j.internal.streams;
