/**
 * The native channels and their selector, in four layers; each calls only the layers below it, and
 * only the last one calls the C library ({@code io.socketpair4j.internal.linux.LibC}).
 *
 * <ol>
 *   <li><b>Channels</b> keep the {@code java.nio} contracts: {@link
 *       io.socketpair4j.internal.nio.NativeSocketChannel} ({@code SocketChannel}, stream pairs) and
 *       {@link io.socketpair4j.internal.nio.NativeDatagramChannel} ({@code DatagramChannel},
 *       SEQPACKET and DGRAM pairs), both over one {@link io.socketpair4j.internal.nio.ChannelCore}
 *       (locks, blocking mode, {@code begin}/{@code end} for interrupt and asynchronous close,
 *       descriptor passing, shutdown, options, addresses, credentials); {@link
 *       io.socketpair4j.internal.nio.NativeSockets} makes pairs of them, and {@link
 *       io.socketpair4j.internal.nio.NativeDescriptor} owns a received descriptor.
 *   <li><b>The socket</b>, {@link io.socketpair4j.internal.nio.NativeSocket}: the descriptor and
 *       its state, the threads waiting in each direction, and the one loop every read and write of
 *       every channel type runs (attempt; on {@code EAGAIN} wait for readiness; attempt again; a
 *       platform thread's blocking stream call waits inside the system call instead, {@link
 *       io.socketpair4j.internal.nio.KernelWait}), and close, which shuts the connection down when
 *       the descriptor cannot be released at once.
 *   <li><b>Transfer</b>: {@link io.socketpair4j.internal.nio.Transfer} turns buffers into kernel
 *       memory for one call (position and limit taken once, memory passed as segments that hold the
 *       buffer's scope, positions advanced by what the kernel did), with {@link
 *       io.socketpair4j.internal.nio.BufferMemory} for single buffers, {@link
 *       io.socketpair4j.internal.nio.IoVectors} for scattering, gathering and whole messages, and
 *       {@link io.socketpair4j.internal.nio.ControlMessages} for descriptors passed ({@code
 *       SCM_RIGHTS}) and the timestamps that tell a SEQPACKET message from its end of stream; what
 *       differs between socket types is in {@link io.socketpair4j.internal.nio.SocketKind}.
 *   <li><b>Waiting</b>: {@link io.socketpair4j.internal.nio.Waiter} — a platform thread polls in
 *       the kernel ({@link io.socketpair4j.internal.nio.PlatformWaiter}, woken through an eventfd
 *       lent by {@link io.socketpair4j.internal.nio.WakeupFds}); a virtual thread parks ({@link
 *       io.socketpair4j.internal.nio.VirtualWaiter}) and a {@link
 *       io.socketpair4j.internal.nio.Poller} unparks it (by default a virtual sub-poller that polls
 *       without waiting and yields, under one platform master poller).
 * </ol>
 *
 * <p>Beside them: the <b>selector</b>, {@link io.socketpair4j.internal.nio.EPollSelector} with its
 * keys ({@link io.socketpair4j.internal.nio.EPollSelectionKey}), over the same waiting layer for
 * virtual threads; and <b>lifetimes</b>: every descriptor the library owns — sockets, eventfds,
 * epoll instances — is an {@link io.socketpair4j.internal.nio.FdHandle}, and its number is used
 * (written to, waited on, registered, closed) only while a use of it is held, so it can never reach
 * a file that reused the number. {@link io.socketpair4j.internal.nio.Resources} holds the cleaner
 * that closes what was dropped unclosed; {@link io.socketpair4j.internal.nio.RaceHooks} lets tests
 * stop a thread at a racy point.
 */
package io.socketpair4j.internal.nio;
