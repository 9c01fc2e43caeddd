package io.socketpair4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A socket pair made; its duration is the time the making took. */
@Name("io.socketpair4j.PairOpened")
@Label("Pair Opened (socketpair4j)")
@Description("A socket pair made by UnixSocketPair, UnixDatagramPair or SocketPair")
@Category({"socketpair4j"})
@Enabled(false)
@StackTrace(true)
final class PairOpenedEvent extends jdk.jfr.Event {
  @Label("Backend")
  @Description("native (socketpair(2)) or portable (the JDK's channels)")
  String backend;

  @Label("Socket Type")
  String socketType;

  @Label("First Descriptor")
  @Description("-1 when the backend does not expose descriptors")
  int firstFd;

  @Label("Second Descriptor")
  @Description("-1 when the backend does not expose descriptors")
  int secondFd;
}
