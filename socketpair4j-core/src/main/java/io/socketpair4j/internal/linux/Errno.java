package io.socketpair4j.internal.linux;

import java.io.IOException;
import java.net.SocketException;

/**
 * Linux errno values (the same on x86_64 and aarch64) and their conversion into exceptions whose
 * message names the errno, e.g. {@code "Broken pipe (EPIPE)"}.
 */
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int ECHILD = 10;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int EPIPE = 32;
  public static final int ERANGE = 34;
  public static final int ENOSYS = 38;
  public static final int ENOPROTOOPT = 92;
  public static final int EPROTONOSUPPORT = 93;
  public static final int ESOCKTNOSUPPORT = 94;
  public static final int EOPNOTSUPP = 95;
  public static final int EAFNOSUPPORT = 97;
  public static final int ENOBUFS = 105;
  public static final int EISCONN = 106;
  public static final int ENOTCONN = 107;
  public static final int ECONNRESET = 104;
  public static final int ECONNREFUSED = 111;
  public static final int EMSGSIZE = 90;
  public static final int EPROTOTYPE = 91;
  public static final int ENOTSOCK = 88;

  private static final String[][] TABLE = {
    {"EPERM", "Operation not permitted"},
    {"ENOENT", "No such file or directory"},
    {"ESRCH", "No such process"},
    {"EINTR", "Interrupted system call"},
    {"EIO", "Input/output error"},
    {"ENXIO", "No such device or address"},
    {"E2BIG", "Argument list too long"},
    {"ENOEXEC", "Exec format error"},
    {"EBADF", "Bad file descriptor"},
    {"ECHILD", "No child processes"},
    {"EAGAIN", "Resource temporarily unavailable"},
    {"ENOMEM", "Cannot allocate memory"},
    {"EACCES", "Permission denied"},
    {"EFAULT", "Bad address"},
    {"ENOTBLK", "Block device required"},
    {"EBUSY", "Device or resource busy"},
    {"EEXIST", "File exists"},
    {"EXDEV", "Invalid cross-device link"},
    {"ENODEV", "No such device"},
    {"ENOTDIR", "Not a directory"},
    {"EISDIR", "Is a directory"},
    {"EINVAL", "Invalid argument"},
    {"ENFILE", "Too many open files in system"},
    {"EMFILE", "Too many open files"},
    {"ENOTTY", "Inappropriate ioctl for device"},
    {"ETXTBSY", "Text file busy"},
    {"EFBIG", "File too large"},
    {"ENOSPC", "No space left on device"},
    {"ESPIPE", "Illegal seek"},
    {"EROFS", "Read-only file system"},
    {"EMLINK", "Too many links"},
    {"EPIPE", "Broken pipe"},
    {"EDOM", "Numerical argument out of domain"},
    {"ERANGE", "Numerical result out of range"},
    {"EDEADLK", "Resource deadlock avoided"},
    {"ENAMETOOLONG", "File name too long"},
    {"ENOLCK", "No locks available"},
    {"ENOSYS", "Function not implemented"},
    {"ENOTEMPTY", "Directory not empty"},
    {"ELOOP", "Too many levels of symbolic links"},
  };

  private static final String[][] NET_TABLE = { // 88..111
    {"ENOTSOCK", "Socket operation on non-socket"},
    {"EDESTADDRREQ", "Destination address required"},
    {"EMSGSIZE", "Message too long"},
    {"EPROTOTYPE", "Protocol wrong type for socket"},
    {"ENOPROTOOPT", "Protocol not available"},
    {"EPROTONOSUPPORT", "Protocol not supported"},
    {"ESOCKTNOSUPPORT", "Socket type not supported"},
    {"EOPNOTSUPP", "Operation not supported"},
    {"EPFNOSUPPORT", "Protocol family not supported"},
    {"EAFNOSUPPORT", "Address family not supported by protocol"},
    {"EADDRINUSE", "Address already in use"},
    {"EADDRNOTAVAIL", "Cannot assign requested address"},
    {"ENETDOWN", "Network is down"},
    {"ENETUNREACH", "Network is unreachable"},
    {"ENETRESET", "Network dropped connection on reset"},
    {"ECONNABORTED", "Software caused connection abort"},
    {"ECONNRESET", "Connection reset by peer"},
    {"ENOBUFS", "No buffer space available"},
    {"EISCONN", "Transport endpoint is already connected"},
    {"ENOTCONN", "Transport endpoint is not connected"},
    {"ESHUTDOWN", "Cannot send after transport endpoint shutdown"},
    {"ETOOMANYREFS", "Too many references: cannot splice"},
    {"ETIMEDOUT", "Connection timed out"},
    {"ECONNREFUSED", "Connection refused"},
  };

  /** The symbolic name of an errno value, such as {@code "EPIPE"}, or {@code "errno 200"}. */
  public static String name(int errno) {
    String[] entry = entry(errno);
    return entry != null ? entry[0] : "errno " + errno;
  }

  /** The C library's description of an errno value, such as {@code "Broken pipe"}. */
  public static String description(int errno) {
    String[] entry = entry(errno);
    return entry != null ? entry[1] : "Unknown error " + errno;
  }

  /** {@code "Broken pipe (EPIPE)"}: the description followed by the name in parentheses. */
  public static String message(int errno) {
    return description(errno) + " (" + name(errno) + ")";
  }

  private static String[] entry(int errno) {
    if (errno >= 1 && errno <= TABLE.length) {
      return TABLE[errno - 1];
    }
    if (errno >= ENOTSOCK && errno < ENOTSOCK + NET_TABLE.length) {
      return NET_TABLE[errno - ENOTSOCK];
    }
    return null;
  }

  /**
   * An exception for a failed system call: a {@link SocketException} for the errors of a
   * connection, an {@link IOException} otherwise, with the classes the JDK's own channels use
   * ({@code EPIPE} is a plain {@link IOException} there, as here). The message names the errno and,
   * when given, the operation, e.g. {@code "write failed: Broken pipe (EPIPE)"}.
   */
  public static IOException exception(int errno, String operation) {
    String message = operation == null ? message(errno) : operation + ": " + message(errno);
    return switch (errno) {
      case ECONNRESET, ENOTCONN, ECONNREFUSED, EISCONN -> new SocketException(message);
      default -> new IOException(message);
    };
  }
}
