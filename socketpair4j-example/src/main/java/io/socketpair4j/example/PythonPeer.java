package io.socketpair4j.example;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Python client of {@code --processes}: {@code peer.py} (in the sources at {@code
 * socketpair4j-example/src/main/python/peer.py}, in the jar as a resource next to this class), run
 * by the {@code python3} found on the {@code PATH}. The script's text is given with {@code python3
 * -c}, so it runs the same from the jar and from a class directory, with no file to extract.
 */
final class PythonPeer implements Peer {

  /** The interpreter, looked up on the PATH. */
  static final String PYTHON = "python3";

  /** The script's resource name, relative to this class. */
  static final String SCRIPT = "peer.py";

  private String script; // read once per peer

  @Override
  public List<String> command(String name, EchoSample.Settings settings) throws IOException {
    if (script == null) {
      script = script();
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
    command.addAll(Peer.clientArguments(name, settings));
    return command;
  }

  /** The text of {@code peer.py}. */
  static String script() throws IOException {
    try (InputStream in = PythonPeer.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IOException(SCRIPT + " is not on the class path next to " + PythonPeer.class);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Where {@code python3} is on this process's PATH, if it is there. */
  static Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, PYTHON);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
