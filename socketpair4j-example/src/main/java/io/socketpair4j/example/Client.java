package io.socketpair4j.example;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * What each client thread does: on the {@code second()} end of its own pair, in blocking mode, it
 * sends its name (with a socket carrying the name, under {@code --pass-fd}) and waits for the echo,
 * {@code repetitions} times. A failure goes to {@code onFailure}, and the client ends.
 */
final class Client implements Runnable {
  private final String name;
  private final End end;
  private final int repetitions;
  private final boolean passFd;
  private final Consumer<Throwable> onFailure;

  Client(String name, End end, int repetitions, boolean passFd, Consumer<Throwable> onFailure) {
    this.name = name;
    this.end = end;
    this.repetitions = repetitions;
    this.passFd = passFd;
    this.onFailure = onFailure;
  }

  @Override
  public void run() {
    byte[] message = name.getBytes(StandardCharsets.US_ASCII);
    try (Incoming echo =
        new Incoming(end, message.length, name + ": end of stream before the echo")) {
      for (int i = 0; i < repetitions; i++) {
        if (passFd) {
          PassedSocket.send(end, message);
        } else {
          end.send(ByteBuffer.wrap(message));
        }
        echo.clear();
        while (!echo.receive(false)) {
          // a stream may bring the echo in parts
        }
        if (!echo.is(message)) {
          throw new IllegalStateException(name + ": echo was '" + echo.text() + "'");
        }
      }
    } catch (Throwable t) {
      onFailure.accept(t);
    }
  }
}
