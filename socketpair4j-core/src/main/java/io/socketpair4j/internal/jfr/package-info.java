/**
 * The JDK Flight Recorder events of socketpair4j ({@code io.socketpair4j.*}), off unless a
 * recording enables them, and {@link JfrEvents}, through which the rest of the library emits them
 * at no cost while no recording runs. Not exported.
 */
package io.socketpair4j.internal.jfr;
