package io.socketpair4j.example;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The program a client process runs under {@code --processes}: given a client's name and the run's
 * settings, the command line that starts it. The program finds its end of the pair as the inherited
 * descriptor named {@value #INHERITED_NAME} (the {@code LISTEN_FDS} convention: descriptor 3, with
 * {@code LISTEN_FDS=1} and {@code LISTEN_FDNAMES=client} in its environment), speaks the client's
 * protocol on it (see {@link Client}), and exits with status 0 when every round trip succeeded, or
 * with another status after writing why on its standard error or output.
 */
interface Peer {

  /** The name under which the client's end is passed to the child. */
  String INHERITED_NAME = "client";

  /** The command line that runs the client {@code name}. */
  List<String> command(String name, EchoSample.Settings settings) throws IOException;

  /**
   * The peer for an option value: {@code java} (this sample in a new JVM, {@link JavaPeer}) or
   * {@code python} (a python3 script, {@link PythonPeer}).
   *
   * @throws IllegalArgumentException for any other value
   */
  static Peer of(String option) {
    return switch (option) {
      case "java" -> new JavaPeer();
      case "python" -> new PythonPeer();
      default ->
          throw new IllegalArgumentException("expected java or python but was '" + option + "'");
    };
  }

  /** The client's own arguments, which the Java and the Python clients share. */
  static List<String> clientArguments(String name, EchoSample.Settings settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--client",
                name,
                "--repetitions",
                Integer.toString(settings.repetitions()),
                "--type",
                settings.type().optionValue()));
    if (settings.passFd()) {
      args.add("--pass-fd");
    }
    return args;
  }
}
