package io.socketpair4j.internal.linux;

/**
 * Whether native socket pairs can be used in this JVM, and if not, why. Checked once: the operating
 * system and architecture must be Linux on x86_64 or aarch64, and the C library must be reachable
 * through {@code java.lang.foreign} (which needs native access to be enabled, or at least not
 * denied).
 */
public final class Platform {
  private Platform() {}

  private static final String UNSUPPORTED_REASON = probe();

  private static String probe() {
    String reason =
        platformReason(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    if (reason != null) {
      return reason;
    }
    try {
      LibC.load();
      return null;
    } catch (IllegalCallerException e) {
      return nativeAccessDenied(e);
    } catch (LinkageError | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IllegalCallerException denied) {
        return nativeAccessDenied(denied);
      }
      return "the C library could not be bound through java.lang.foreign: " + cause;
    }
  }

  /** Why native pairs cannot work on this operating system and architecture, or null. */
  static String platformReason(String os, String arch) {
    if (!os.equals("Linux")) {
      return "native socket pairs need Linux; this is " + os;
    }
    if (!LinuxAbi.isX86_64(arch) && !LinuxAbi.isAarch64(arch)) {
      return "native socket pairs support Linux on x86_64 and aarch64; this is " + arch;
    }
    return null;
  }

  private static String nativeAccessDenied(IllegalCallerException e) {
    Module module = Platform.class.getModule();
    return "native access is not enabled: run with --enable-native-access="
        + (module.isNamed() ? module.getName() : "ALL-UNNAMED")
        + " ("
        + e.getMessage()
        + ")";
  }

  /** Null when native socket pairs work here; otherwise why they do not. */
  public static String unsupportedReason() {
    return UNSUPPORTED_REASON;
  }

  /** Throws {@link UnsupportedOperationException} with the reason when not supported. */
  public static void ensureSupported() {
    if (UNSUPPORTED_REASON != null) {
      throw new UnsupportedOperationException(UNSUPPORTED_REASON);
    }
  }
}
