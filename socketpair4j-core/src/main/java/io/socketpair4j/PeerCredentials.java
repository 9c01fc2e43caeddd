package io.socketpair4j;

/**
 * The credentials of the process at the other end of a UNIX-domain socket, as the kernel reports
 * them ({@code SO_PEERCRED}).
 *
 * <p>For the ends of a socket pair these are the credentials of the process that called {@code
 * socketpair(2)}, taken when the pair was made: they do not change when an end is later passed to
 * another process (through {@linkplain UnixChannel#writeWithDescriptors descriptor passing} or by
 * starting a child with it), and both ends report the same. The identifiers are unsigned in the
 * kernel and are given here as non-negative {@code long}s.
 *
 * @param pid the process id
 * @param uid the user id
 * @param gid the group id
 */
public record PeerCredentials(long pid, long uid, long gid) {}
