package io.socketpair4j;

/** Run in a child JVM by {@link NativeSupportTest}: reports what a user without access sees. */
public final class NativeAccessProbe {
  private NativeAccessProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("supported=" + UnixSocketPair.isSupported());
    try {
      UnixSocketPair.open().close();
      System.out.println("opened");
    } catch (UnsupportedOperationException e) {
      System.out.println("unsupported: " + e.getMessage());
    }
  }
}
