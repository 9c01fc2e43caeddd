package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UnixProcessBuilder} in JVMs unlike the test JVM: started with signals ignored, or made to
 * use the fallbacks for kernels without pidfds and C libraries without closefrom. Each runs {@link
 * SpawnProbe} in a child JVM.
 */
class SpawnInChildJvmTest {
  private static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

  @Test
  void childrenGetDefaultDispositionsEvenWhenTheJvmIgnoresSignals() throws Exception {
    // the shell ignores SIGHUP and SIGINT, and the JVM it becomes keeps them ignored (as under
    // nohup, or in a background job); ProcessBuilder hands that on, we do not
    String out =
        ChildJvm.run(
            List.of("/bin/sh", "-c", "trap '' HUP INT; exec \"$@\"", "sh"),
            SpawnProbe.class,
            NATIVE,
            "-Dprobe=dispositions");
    assertThat(out).contains("ours: SigBlk:\t0000000000000000 SigIgn:\t0000000000000000");
    // ProcessBuilder's child still ignores SIGHUP and SIGINT: the test tests what it means to
    String theirs = out.substring(out.indexOf("processbuilder: "));
    long ignored = Long.parseLong(theirs.substring(theirs.indexOf("SigIgn:") + 8).trim(), 16);
    assertThat(ignored & 3).isEqualTo(3);
  }

  @Test
  void startRefusesWhileSigchldIsIgnoredAndSaysWhy() throws Exception {
    String out = ChildJvm.run(List.of(), SpawnProbe.class, NATIVE, "-Dprobe=sigchld");
    assertThat(out)
        .contains("previous SIGCHLD handler: 0")
        .contains(
            "refused: Cannot run program \"true\": SIGCHLD is ignored (SIG_IGN) in this process, so"
                + " the kernel discards children's exit statuses");
  }

  @Test
  void withoutPidfdsAndWithoutClosefromTheGuaranteesHold() throws Exception {
    String out =
        ChildJvm.run(
            List.of(),
            SpawnProbe.class,
            NATIVE,
            "-Dio.socketpair4j.pidfd=false",
            "-Dio.socketpair4j.closeFallback=true",
            "-Dprobe=fallbacks");
    assertThat(out)
        .contains("descriptors: [0, 1, 2, 4]")
        .contains("exit: 5")
        .contains("destroyed: 143")
        .contains("after exit, destroy sent: false")
        .contains("leaked: {}")
        .contains("waiting thread: true");
  }
}
