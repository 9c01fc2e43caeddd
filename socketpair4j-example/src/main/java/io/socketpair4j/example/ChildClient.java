package io.socketpair4j.example;

import io.socketpair4j.InheritedDescriptors;
import io.socketpair4j.UnixDatagramChannel;
import io.socketpair4j.UnixSocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channel;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hidden client mode of the sample ({@code --client NAME}): what the Java {@link Peer} runs in
 * each child process under {@code --processes}. It adopts the end its parent handed it, named
 * {@value Peer#INHERITED_NAME} by the {@code LISTEN_FDS} convention ({@link InheritedDescriptors}),
 * runs the same {@link Client} as a client thread does, on its main thread, and returns the exit
 * status: 0 when every round trip succeeded, 1 after printing why on {@code err}. It prints nothing
 * else.
 */
final class ChildClient {
  private ChildClient() {}

  static int run(String name, int repetitions, SocketType type, boolean passFd, PrintStream err) {
    watchParent(err);
    Channel channel;
    End end;
    try {
      InheritedDescriptors inherited = InheritedDescriptors.fromEnvironment();
      if (type == SocketType.STREAM) {
        UnixSocketChannel stream = inherited.socketChannel(Peer.INHERITED_NAME);
        channel = stream;
        end = new StreamEnd(stream);
      } else {
        UnixDatagramChannel messages = inherited.datagramChannel(Peer.INHERITED_NAME);
        channel = messages;
        end = new MessageEnd(messages);
        if (messages.type() != type.messageType()) {
          messages.close();
          throw new IOException(
              "the inherited end is a " + messages.type() + " socket, not " + type.messageType());
        }
      }
    } catch (IOException | NoSuchElementException | IllegalStateException e) {
      err.println(name + ": cannot take the inherited end: " + e);
      err.flush();
      return 1;
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (channel) {
      // Says why before the end closes, so the parent has it by the time it sees the end close.
      new Client(
              name,
              end,
              repetitions,
              passFd,
              t -> {
                failure.set(t);
                err.println(t);
                err.flush();
              })
          .run();
    } catch (IOException e) {
      if (failure.get() == null) {
        failure.set(e);
        err.println(name + ": closing the end: " + e);
      }
    }
    err.flush();
    return failure.get() == null ? 0 : 1;
  }

  /**
   * Ends this process if the parent goes away: a datagram end does not see its peer close, so a
   * client whose parent died would otherwise wait for its echo for ever.
   */
  private static void watchParent(PrintStream err) {
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          err.println("the main process went away");
                          err.flush();
                          Runtime.getRuntime().halt(1);
                        }));
  }
}
