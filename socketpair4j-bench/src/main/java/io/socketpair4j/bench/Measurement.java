package io.socketpair4j.bench;

/**
 * One row of the report: the median of one measurement of one implementation ({@code impl} null for
 * the C reference), or why there is none.
 *
 * @param group what was measured, e.g. "create + close"
 * @param impl the implementation ({@link Impl} or {@link MessageImpl}), or null for C
 * @param value the median, or NaN when it could not be measured
 * @param note why there is no value, or what else was seen (a leak), or empty
 * @param switches context switches per round trip over the measured section (ping-pong and sample
 *     rows; unknown when they could not be read), or null for a row that does not count them
 */
record Measurement(
    Group group, Subject impl, double value, String note, ContextSwitches.PerTrip switches) {

  Measurement(Group group, Subject impl, double value, String note) {
    this(group, impl, value, note, null);
  }

  /**
   * What is measured, its unit, and whether more is better; {@code timeEach}: a rate whose report
   * also gives the time of one (µs per message).
   */
  record Group(
      String name, String shortName, String unit, boolean higherIsBetter, boolean timeEach) {
    Group(String name, String shortName, String unit, boolean higherIsBetter) {
      this(name, shortName, unit, higherIsBetter, false);
    }
  }

  boolean measured() {
    return !Double.isNaN(value);
  }

  /** value / C's value: the ratio the targets are stated in. */
  double ratioTo(Measurement c) {
    return value / c.value;
  }

  /** How many times as fast as C: above 1 is faster, whatever the unit. */
  double speedRelativeTo(Measurement c) {
    return group.higherIsBetter() ? value / c.value : c.value / value;
  }
}
