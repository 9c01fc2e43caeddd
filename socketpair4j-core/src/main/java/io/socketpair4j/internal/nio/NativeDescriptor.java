package io.socketpair4j.internal.nio;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.socketpair4j.Descriptor;
import io.socketpair4j.UnixDatagramChannel;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketChannel;
import io.socketpair4j.internal.linux.CallState;
import io.socketpair4j.internal.linux.LibC;
import io.socketpair4j.internal.linux.LinuxAbi;
import io.socketpair4j.internal.linux.LinuxConstants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * A received descriptor, owned: an {@link FdHandle} (so a number being passed on is never closed
 * under the call), what {@code fstat} and the socket options said it is when it arrived, and a
 * cleaner as the safety net.
 */
public final class NativeDescriptor extends Descriptor {
  private final FdHandle handle;
  private final Description description;
  private final Cleaner.Cleanable cleanable;

  private NativeDescriptor(int fd, Description description) {
    this.handle = new FdHandle(fd);
    this.description = description;
    FdHandle h = handle; // the cleaning action must not refer to this object
    this.cleanable = Resources.CLEANER.register(this, h);
  }

  /**
   * Takes ownership of {@code fd}, a descriptor this process was just given, and learns what it is.
   * Never fails for a valid descriptor: what cannot be learned is reported as {@link Kind#OTHER}.
   */
  static NativeDescriptor own(int fd) {
    return new NativeDescriptor(fd, describe(fd));
  }

  /**
   * What a descriptor is: its file type, and for a socket its family ({@code SO_DOMAIN}) and type
   * ({@code SO_TYPE}), -1 where not a socket or not learned.
   */
  record Description(Kind kind, int domain, int type) {
    /** The kind of our channel this descriptor can become, or null. */
    SocketKind unixKind() {
      return kind == Kind.SOCKET && domain == LinuxConstants.AF_UNIX ? SocketKind.of(type) : null;
    }

    /** For a socket: "STREAM", "SEQPACKET", "INET DGRAM"; else null. */
    String socketType() {
      if (kind != Kind.SOCKET) {
        return null;
      }
      SocketKind k = SocketKind.of(type);
      String name = k != null ? k.label : type == LinuxConstants.SOCK_RAW ? "RAW" : "type " + type;
      return domain == LinuxConstants.AF_UNIX ? name : familyName(domain) + " " + name;
    }

    /** What it is, for messages: "a STREAM socket", "a regular file, not a socket". */
    String phrase() {
      return kind == Kind.SOCKET
          ? "a " + socketType() + " socket"
          : "a " + name() + ", not a socket";
    }

    String name() {
      return kind == Kind.SOCKET
          ? socketType() + " socket"
          : kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /** Learns what {@code fd} is; never fails for a valid descriptor. */
  static Description describe(int fd) {
    Kind kind = kindOf(fd);
    int domain = -1;
    int type = -1;
    if (kind == Kind.SOCKET) {
      domain = socketOption(fd, LinuxConstants.SO_DOMAIN);
      type = socketOption(fd, LinuxConstants.SO_TYPE);
    }
    return new Description(kind, domain, type);
  }

  private static Kind kindOf(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment stat = arena.allocate(LinuxAbi.STAT_SIZE, 8);
      if (LibC.fstat(CallState.heap(), fd, stat) < 0) {
        return Kind.OTHER;
      }
      return switch (stat.get(JAVA_INT, LinuxAbi.STAT_MODE) & LinuxConstants.S_IFMT) {
        case LinuxConstants.S_IFSOCK -> Kind.SOCKET;
        case LinuxConstants.S_IFIFO -> Kind.PIPE;
        case LinuxConstants.S_IFREG -> Kind.REGULAR_FILE;
        case LinuxConstants.S_IFDIR -> Kind.DIRECTORY;
        case LinuxConstants.S_IFCHR -> Kind.CHARACTER_DEVICE;
        case LinuxConstants.S_IFBLK -> Kind.BLOCK_DEVICE;
        default -> Kind.OTHER;
      };
    }
  }

  private static int socketOption(int fd, int option) {
    try {
      return SocketOptions.getInt(fd, option);
    } catch (IOException e) {
      return -1;
    }
  }

  FdHandle handle() {
    return handle;
  }

  @Override
  public int fd() throws ClosedChannelException {
    if (handle.isClosed()) {
      throw new ClosedChannelException();
    }
    return handle.fd();
  }

  @Override
  public Kind kind() {
    return description.kind();
  }

  @Override
  public String socketType() {
    return description.socketType();
  }

  private static String familyName(int domain) {
    return switch (domain) {
      case LinuxConstants.AF_INET -> "INET";
      case LinuxConstants.AF_INET6 -> "INET6";
      case LinuxConstants.AF_NETLINK -> "NETLINK";
      case LinuxConstants.AF_PACKET -> "PACKET";
      default -> "family " + domain;
    };
  }

  private SocketKind unixKind() {
    return description.unixKind();
  }

  @Override
  public UnixSocketChannel toSocketChannel() throws IOException {
    if (unixKind() != SocketKind.STREAM) {
      throw notA("a UNIX-domain stream socket");
    }
    return new NativeSocketChannel(UnixSelectorProvider.provider(), take());
  }

  @Override
  public UnixDatagramChannel toDatagramChannel() throws IOException {
    SocketKind k = unixKind();
    if (k == null || !k.messages()) {
      throw notA("a UNIX-domain sequenced-packet or datagram socket");
    }
    int fd = take();
    try {
      return new NativeDatagramChannel(UnixSelectorProvider.provider(), fd, k);
    } catch (IOException | RuntimeException e) {
      LibC.close(CallState.heap(), fd);
      throw e;
    }
  }

  private IOException notA(String wanted) throws ClosedChannelException {
    return new IOException(
        "descriptor " + fd() + " is " + description.phrase() + ", not " + wanted);
  }

  @Override
  public int detach() throws ClosedChannelException {
    return take();
  }

  /** Gives up ownership of the number, which the caller now owns. */
  private int take() throws ClosedChannelException {
    switch (handle.detach()) {
      case FdHandle.DETACHED:
        cleanable.clean(); // the cleaner's close does nothing once detached
        return handle.fd();
      case FdHandle.ALREADY_CLOSED:
        throw new ClosedChannelException();
      default:
        throw new IllegalStateException(
            "descriptor " + handle.fd() + " is being passed on by another thread");
    }
  }

  @Override
  public boolean isOpen() {
    return !handle.isClosed();
  }

  @Override
  public void close() {
    handle.close();
    cleanable.clean();
  }

  @Override
  public String toString() {
    if (!isOpen()) {
      return "Descriptor[closed]";
    }
    return "Descriptor[fd=" + handle.fd() + " " + description.name() + "]";
  }
}
