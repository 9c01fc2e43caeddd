package io.socketpair4j.bench;

/**
 * One row of the report: the median of one measurement of one implementation ({@code impl} null for
 * the C reference), or why there is none.
 *
 * @param group what was measured, e.g. "create + close"
 * @param impl the implementation, or null for C
 * @param value the median, or NaN when it could not be measured
 * @param note why there is no value, or what else was seen (a leak), or empty
 */
record Measurement(Group group, Impl impl, double value, String note) {

  /** What is measured, its unit, and whether more is better. */
  record Group(String name, String shortName, String unit, boolean higherIsBetter) {}

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
