package io.socketpair4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/** A write of a native channel that took longer than the threshold; as {@code jdk.SocketWrite}. */
@Name("io.socketpair4j.SocketWrite")
@Label("Socket Write (socketpair4j)")
@Description("A write of a socketpair4j native channel")
@Category({"socketpair4j"})
@Enabled(false)
@Threshold("20 ms")
@StackTrace(true)
final class SocketWriteEvent extends jdk.jfr.Event {
  @Label("Descriptor")
  int fd;

  @Label("Socket Type")
  @Description("STREAM, SEQPACKET or DATAGRAM")
  String socketType;

  @Label("Bytes Written")
  @DataAmount
  long bytesWritten;

  @Label("Blocking")
  boolean blocking;

  @Label("Timeout")
  @Description("The timeout of a timed write; 0 for none")
  @Timespan(Timespan.NANOSECONDS)
  long timeout;

  @Label("Timed Out")
  boolean timedOut;

  @Label("Virtual Thread")
  boolean virtualThread;
}
