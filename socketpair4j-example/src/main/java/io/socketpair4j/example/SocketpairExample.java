package io.socketpair4j.example;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code socketpair-example} command. */
@Command(
    name = "socketpair-example",
    mixinStandardHelpOptions = true,
    versionProvider = SocketpairExample.Version.class,
    sortOptions = false,
    description = {
      "The socketpair sample: client threads (or, with --processes, child processes), each with"
          + " its own socket pair, send their name; the main thread waits on the other ends of all"
          + " pairs with one selector, prints each name it reads and echoes it back; then it tears"
          + " down and prints SUCCESS."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:SUCCESS", "1:FAILURE", "2:bad options"})
public final class SocketpairExample implements Callable<Integer> {

  @Option(
      names = "--pairs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of socket pairs, one client each (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(
      names = "--repetitions",
      paramLabel = "N",
      defaultValue = "3",
      description = "Round trips per client (default: ${DEFAULT-VALUE}).")
  int repetitions;

  @Option(
      names = "--threads",
      paramLabel = "KIND",
      defaultValue = "platform",
      description =
          "Client threads: platform or virtual; with --processes, the threads that wait for the"
              + " client processes (default: ${DEFAULT-VALUE}).")
  String threads;

  @Option(
      names = "--backend",
      paramLabel = "KIND",
      defaultValue = "auto",
      description =
          "Where pairs come from: native (socketpair(2), ends named by descriptor number), jdk"
              + " (the JDK's own channels, ends named #1, #2, ...) or auto: native where"
              + " supported, else jdk (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      defaultValue = "stream",
      description =
          "Socket type of every pair: stream (SOCK_STREAM), seqpacket (SOCK_SEQPACKET) or"
              + " datagram (SOCK_DGRAM); with seqpacket and datagram each name is one message."
              + " seqpacket and datagram need native pairs (default: ${DEFAULT-VALUE}).")
  String type;

  @Option(
      names = "--pass-fd",
      description =
          "Each client also passes an open descriptor with its name, every round trip: one end"
              + " of a fresh socket pair, into whose other end it wrote its name. The main thread"
              + " gets a new descriptor for it, reads the name from it, closes it and prints,"
              + " for example: main: read 'Alpha' on fd 7 with fd 12 (a socket carrying"
              + " 'Alpha'). Needs native pairs; works with every --type.")
  boolean passFd;

  @Option(
      names = "--processes",
      description =
          "Each client runs in a child process, started with its end of the pair at descriptor 3"
              + " (UnixProcessBuilder.passDescriptor, the LISTEN_FDS convention); the main thread"
              + " serves them as it serves client threads, and the output is the same. A client"
              + " process that exits with a status other than 0 is a FAILURE; what client"
              + " processes print goes to stderr. Needs native pairs; works with every --type and"
              + " with --pass-fd.")
  boolean processes;

  @Option(
      names = "--peer",
      paramLabel = "PROGRAM",
      description =
          "What each client process runs, with --processes: java (this sample's client, in a new"
              + " JVM) or python (the same client as a python3 script, which needs python3 on the"
              + " PATH) (default: java).")
  String peer;

  @Option(
      names = "--client",
      paramLabel = "NAME",
      hidden = true,
      description =
          "Runs as client NAME of a --processes run, on the inherited end named 'client', with"
              + " --repetitions, --type and --pass-fd; exit status 0 or 1.")
  String client;

  @Option(
      names = "--quiet",
      description =
          "No per-message lines; print one summary line (round trips, seconds, round trips per"
              + " second) before tearing-down.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  @Override
  public Integer call() {
    if (client != null) {
      return ChildClient.run(client, repetitions, socketType(), passFd, err);
    }
    EchoSample.Settings settings =
        new EchoSample.Settings(
            pairs,
            repetitions,
            threadKind(),
            quiet,
            backend(),
            socketType(),
            passFd,
            processes ? peer() : null);
    try {
      new EchoSample(settings, out, err).run();
      out.println("SUCCESS");
      return 0;
    } catch (Exception e) {
      out.println("FAILURE");
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println("socketpair-example: " + e);
      err.flush();
      return 1;
    }
  }

  private ThreadKind threadKind() {
    return switch (threads) {
      case "platform" -> ThreadKind.PLATFORM;
      case "virtual" -> ThreadKind.VIRTUAL;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "Invalid value for option '--threads': expected platform or virtual but was '"
                  + threads
                  + "'");
    };
  }

  private Backend backend() {
    try {
      return Backend.of(backend);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--backend': " + e.getMessage());
    }
  }

  private SocketType socketType() {
    try {
      return SocketType.of(type);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--type': " + e.getMessage());
    }
  }

  private Peer peer() {
    try {
      return Peer.of(peer == null ? "java" : peer);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--peer': " + e.getMessage());
    }
  }

  /**
   * Message types, descriptor passing and client processes need native pairs: say why they are not
   * to be had.
   */
  private void checkBackendOffers(Backend chosen, SocketType socketType) {
    String why =
        "auto".equals(backend)
            ? "native socket pairs, which this JVM does not support (see"
                + " UnixSocketPair.isSupported())"
            : "native socket pairs (--backend native or auto)";
    if (!chosen.offers(socketType)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Option '--type "
              + socketType.optionValue()
              + "' needs "
              + why
              + ": the JDK's channels have stream pairs only");
    }
    if (passFd && !chosen.passesDescriptors()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Option '--pass-fd' needs " + why + ": the JDK's channels cannot pass descriptors");
    }
    if (processes && !chosen.handsEndsToProcesses()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Option '--processes' needs "
              + why
              + ": the JDK's channels have no descriptor to hand to a child process");
    }
  }

  private void checkPeer() {
    if (peer == null) {
      return;
    }
    if (!processes) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Option '--peer' needs --processes: only a process runs a peer");
    }
    if (peer() instanceof PythonPeer && PythonPeer.find().isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Option '--peer python' needs "
              + PythonPeer.PYTHON
              + ", which is not on the PATH ("
              + System.getenv("PATH")
              + ")");
    }
  }

  private void validate() {
    if (pairs < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--pairs': must be at least 1");
    }
    if (repetitions < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--repetitions': must be at least 1");
    }
    if (client != null) {
      socketType(); // a client process needs nothing more
      return;
    }
    threadKind();
    checkBackendOffers(backend(), socketType());
    checkPeer();
  }

  /**
   * Runs the command with the given arguments, writing to {@code out} and {@code err}, and returns
   * its exit status: 0 SUCCESS, 1 FAILURE, 2 bad options.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    SocketpairExample command = new SocketpairExample();
    command.out = out;
    command.err = err;
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionStrategy(
        parsed -> {
          command.validate();
          return new CommandLine.RunLast().execute(parsed);
        });
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  public static void main(String[] args) {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false);
    int status = run(args, out, System.err);
    out.flush();
    System.exit(status);
  }

  /** Reads the version that the build wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = SocketpairExample.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "socketpair-example " + properties.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
