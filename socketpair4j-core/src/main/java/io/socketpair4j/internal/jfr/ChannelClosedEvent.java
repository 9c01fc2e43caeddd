package io.socketpair4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A native channel closed (one end of a pair, or an adopted descriptor's channel). */
@Name("io.socketpair4j.ChannelClosed")
@Label("Channel Closed (socketpair4j)")
@Description("A socketpair4j native channel closed")
@Category({"socketpair4j"})
@Enabled(false)
@StackTrace(true)
final class ChannelClosedEvent extends jdk.jfr.Event {
  @Label("Descriptor")
  int fd;

  @Label("Socket Type")
  String socketType;
}
