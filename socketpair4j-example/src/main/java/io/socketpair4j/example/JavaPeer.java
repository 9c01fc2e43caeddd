package io.socketpair4j.example;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java client of {@code --processes}: this sample, started again in a new JVM in its hidden
 * client mode ({@code --client NAME}, see {@link ChildClient}). The JVM is the one running now
 * ({@link ProcessHandle.Info#command()}); the code is the same executable jar ({@code -jar}) when
 * the sample runs from one, and otherwise the same class path. Native access is enabled for it, and
 * it is tuned to start quickly, since a run may start many: C1 only, the serial collector, no
 * performance-data file.
 */
final class JavaPeer implements Peer {

  /** What the child JVM gets before the program: native access, and a quick start. */
  static final List<String> JVM_OPTIONS =
      List.of(
          "--enable-native-access=ALL-UNNAMED",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:-UsePerfData");

  @Override
  public List<String> command(String name, EchoSample.Settings settings) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(JVM_OPTIONS);
    command.addAll(program());
    command.addAll(Peer.clientArguments(name, settings));
    return command;
  }

  /** The java executable of this JVM. */
  static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * {@code -jar the.jar} when this class was loaded from a jar that is the whole class path (the
   * executable jar, which holds everything); otherwise {@code -cp <this class path> <main class>}.
   */
  static List<String> program() {
    String classPath = System.getProperty("java.class.path", "");
    Path jar = executableJar(classPath);
    if (jar != null) {
      return List.of("-jar", jar.toString());
    }
    return List.of("-cp", classPath, SocketpairExample.class.getName());
  }

  private static Path executableJar(String classPath) {
    CodeSource source = SocketpairExample.class.getProtectionDomain().getCodeSource();
    if (source == null || classPath.isEmpty() || classPath.contains(File.pathSeparator)) {
      return null;
    }
    try {
      Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
      Path onClassPath = Path.of(classPath).toAbsolutePath();
      return Files.isRegularFile(location) && location.equals(onClassPath) ? location : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
