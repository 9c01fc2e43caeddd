package io.socketpair4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A child process started by {@code UnixProcessBuilder}; its duration is the time the start took.
 */
@Name("io.socketpair4j.ChildSpawned")
@Label("Child Spawned (socketpair4j)")
@Description("A child process started by UnixProcessBuilder, with the descriptors handed to it")
@Category({"socketpair4j"})
@Enabled(false)
@StackTrace(true)
final class ChildSpawnedEvent extends jdk.jfr.Event {
  @Label("Process Id")
  long pid;

  @Label("Command")
  String command;

  @Label("Descriptors Handed")
  @Description("Each descriptor number in the child, with what it was in this process")
  String descriptors;
}
