#!/usr/bin/env python3
"""The socketpair sample's client, in Python: the peer of `socketpair-example --processes --peer python`.

It speaks the protocol of the sample's Java client (io.socketpair4j.example.Client) over an
inherited end of a UNIX-domain socket pair: it sends its name and waits for the main process to
echo it, --repetitions times. With --pass-fd every name also carries a descriptor (SCM_RIGHTS): one
end of a fresh stream pair, into whose other end the name was written first.

The end is found by the LISTEN_FDS convention, as socketpair4j's UnixProcessBuilder.passDescriptor
hands it: LISTEN_FDS=n says descriptors 3 .. 3+n-1 are inherited, LISTEN_FDNAMES names them (colon
separated), and the one named 'client' is used; without LISTEN_FDS, descriptor 3. --fd N names the
descriptor directly. The socket's type (stream, seqpacket, datagram) is read from the descriptor
and must be the one --type says.

Exit status: 0 when every round trip succeeded; 1 on any failure, with the reason on stderr;
2 for bad arguments. It runs without the sample too, given any end by number, for example:

    a, b = socket.socketpair()
    subprocess.Popen([sys.executable, "peer.py", "--client", "Alpha", "--fd", str(b.fileno())],
                     pass_fds=[b.fileno()])
    # then, three times: read b"Alpha" from a and write it back

The sample runs it with `python3 -c <this file's text> --client NAME ...`, so that it works the
same from the jar and from the source tree. Needs Python 3.7, and 3.9 for --pass-fd.
"""

import argparse
import os
import select
import socket
import sys

LISTEN_FDS_START = 3
INHERITED_NAME = "client"
TYPES = {
    "stream": socket.SOCK_STREAM,
    "seqpacket": socket.SOCK_SEQPACKET,
    "datagram": socket.SOCK_DGRAM,
}
# How often to look whether the parent is still there while waiting for an echo: a datagram socket
# does not see its peer close, so a child whose parent died would otherwise wait for ever.
PARENT_CHECK_MS = 1000


class Failure(Exception):
    """A failure of the protocol; its text is what the client says on stderr."""


def inherited_fd(name):
    """The descriptor named `name` by LISTEN_FDS / LISTEN_FDNAMES, or 3 without LISTEN_FDS."""
    count = os.environ.get("LISTEN_FDS")
    if count is None:
        return LISTEN_FDS_START
    pid = os.environ.get("LISTEN_PID")
    if pid is not None and int(pid) != os.getpid():
        raise Failure("LISTEN_PID is %s, not this process (%d)" % (pid, os.getpid()))
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    for i in range(int(count)):
        if i < len(names) and names[i] == name:
            return LISTEN_FDS_START + i
    raise Failure("no inherited descriptor is named '%s'; LISTEN_FDNAMES is '%s'"
                  % (name, os.environ.get("LISTEN_FDNAMES", "")))


def adopt(fd, type_name):
    """The socket at `fd`, checked to be a UNIX-domain socket of the given type."""
    try:
        sock = socket.socket(fileno=fd)  # family and type are read from the descriptor
    except OSError as e:
        raise Failure("descriptor %d is not a socket: %s" % (fd, e))
    if sock.family != socket.AF_UNIX or sock.type != TYPES[type_name]:
        kind = {v: k for k, v in TYPES.items()}.get(sock.type, str(sock.type))
        sock.detach()  # leave the descriptor as it was
        raise Failure("descriptor %d is a %s socket (%s), not a UNIX-domain %s socket"
                      % (fd, kind, sock.family.name, type_name))
    sock.setblocking(True)
    return sock


class Client:
    def __init__(self, name, sock, pass_fd):
        self.name = name
        self.message = name.encode("ascii")
        self.sock = sock
        self.stream = sock.type == socket.SOCK_STREAM
        self.pass_fd = pass_fd
        self.parent = os.getppid()

    def send_name(self):
        if self.pass_fd:
            carrier, other = socket.socketpair()  # AF_UNIX, SOCK_STREAM
            try:
                other.sendall(self.message)
                sent = socket.send_fds(self.sock, [self.message], [carrier.fileno()])
            finally:
                # sending copied the descriptor: ours are ours to close
                carrier.close()
                other.close()
        else:
            sent = self.sock.send(self.message)
        if self.stream:
            self.sock.sendall(self.message[sent:])
        elif sent != len(self.message):
            raise Failure("sent %d bytes of %d" % (sent, len(self.message)))

    def wait_readable(self):
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        while not poller.poll(PARENT_CHECK_MS):
            if os.getppid() != self.parent:
                raise Failure("the main process went away")

    def receive_echo(self):
        length = len(self.message)
        if not self.stream:
            self.wait_readable()
            # one whole message; one longer than the name shows as longer, not cut to fit
            echo = self.sock.recv(length + 1)
            if not echo and self.sock.type == socket.SOCK_SEQPACKET:
                raise Failure("end of stream before the echo")
            return echo
        echo = b""
        while len(echo) < length:
            self.wait_readable()
            part = self.sock.recv(length - len(echo))
            if not part:
                raise Failure("end of stream before the echo")
            echo += part
        return echo

    def run(self, repetitions):
        for _ in range(repetitions):
            self.send_name()
            echo = self.receive_echo()
            if echo != self.message:
                raise Failure("echo was '%s'" % echo.decode("ascii", "replace"))


def main(argv):
    parser = argparse.ArgumentParser(
        prog="peer.py", description="The socketpair sample's client, in Python.")
    parser.add_argument("--client", required=True, metavar="NAME", help="the client's name")
    parser.add_argument("--repetitions", type=int, default=3, metavar="N",
                        help="round trips (default: 3)")
    parser.add_argument("--type", choices=sorted(TYPES), default="stream",
                        help="the socket type of the inherited end (default: stream)")
    parser.add_argument("--pass-fd", action="store_true",
                        help="pass a socket carrying the name with every name")
    parser.add_argument("--fd", type=int, metavar="N",
                        help="the end's descriptor (default: the inherited one named 'client')")
    args = parser.parse_args(argv)
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")
    if not args.client.isascii() or not args.client.isprintable():
        parser.error("--client must be printable ASCII")
    if args.pass_fd and not hasattr(socket, "send_fds"):
        print("%s: --pass-fd needs Python 3.9 or newer (socket.send_fds); this is %s"
              % (args.client, sys.version.split()[0]), file=sys.stderr)
        return 1
    try:
        fd = args.fd if args.fd is not None else inherited_fd(INHERITED_NAME)
        with adopt(fd, args.type) as sock:
            Client(args.client, sock, args.pass_fd).run(args.repetitions)
    except (Failure, OSError) as e:
        print("%s: %s" % (args.client, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
