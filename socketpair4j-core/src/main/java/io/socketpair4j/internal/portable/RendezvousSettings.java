package io.socketpair4j.internal.portable;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How portable pairs are made, from system properties read at each rendezvous (so that they can be
 * changed while running).
 *
 * @param baseDirectory where the private rendezvous directories are made: {@value #DIRECTORY}, by
 *     default {@code java.io.tmpdir}
 * @param timeout how long one rendezvous may take: {@value #TIMEOUT} in milliseconds, by default 10
 *     seconds
 * @param maxBatch the most pairs made by one rendezvous: {@value #BATCH}, by default 32
 */
public record RendezvousSettings(Path baseDirectory, Duration timeout, int maxBatch) {
  /** The system property naming the base directory. */
  public static final String DIRECTORY = "socketpair4j.rendezvous.dir";

  /** The system property giving the timeout in milliseconds. */
  public static final String TIMEOUT = "socketpair4j.rendezvous.timeout";

  /** The system property giving the largest batch. */
  public static final String BATCH = "socketpair4j.rendezvous.batch";

  static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  static final int DEFAULT_BATCH = 32;

  /** The settings the system properties give now; a malformed value is an error. */
  public static RendezvousSettings current() {
    String dir = System.getProperty(DIRECTORY);
    Path base = Path.of(dir != null ? dir : System.getProperty("java.io.tmpdir"));
    long millis = positive(TIMEOUT, DEFAULT_TIMEOUT_MILLIS);
    int batch = (int) Math.min(positive(BATCH, DEFAULT_BATCH), 1024);
    return new RendezvousSettings(base, Duration.ofMillis(millis), batch);
  }

  private static long positive(String property, long defaultValue) {
    String value = System.getProperty(property);
    if (value == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "System property " + property + " must be a positive integer, not '" + value + "'");
  }
}
