package io.socketpair4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** Descriptors sent or received with data ({@code SCM_RIGHTS}). */
@Name("io.socketpair4j.DescriptorsPassed")
@Label("Descriptors Passed (socketpair4j)")
@Description("Open descriptors sent to or received from the peer (SCM_RIGHTS)")
@Category({"socketpair4j"})
@Enabled(false)
@StackTrace(true)
final class DescriptorsPassedEvent extends jdk.jfr.Event {
  @Label("Channel Descriptor")
  int fd;

  @Label("Direction")
  @Description("sent or received")
  String direction;

  @Label("Count")
  int count;

  @Label("Descriptors")
  @Description("The numbers, in this process, of the descriptors sent or received")
  String descriptors;
}
