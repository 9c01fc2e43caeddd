package io.socketpair4j.bench;

/**
 * An implementation as the report names it: a row of a measurement ({@link Impl} for stream pairs,
 * {@link MessageImpl} for message pairs).
 */
interface Subject {
  /** How the report names it. */
  String title();

  /** Whether it is one of socketpair4j's own (the rows that are compared with the others). */
  boolean ours();

  /** The chart series its bars are drawn in (the same library draws in the same colour). */
  Impl series();
}
