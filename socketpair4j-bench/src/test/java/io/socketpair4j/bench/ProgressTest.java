package io.socketpair4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What socketpair-bench says while it runs: each step, how many are left, the time left. */
class ProgressTest {
  @Test
  void eachStepIsAnnouncedBeforeItRunsWithTheEstimatesOfTheStepsLeft() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<String> ran = new ArrayList<>();
    Progress plan = new Progress(out);
    plan.add("compile", 10, () -> ran.add("compile"));
    plan.add("JMH PingPong", 20, () -> ran.add("ping"));
    plan.add("samples", 30, () -> ran.add("samples"));
    plan.run();
    assertThat(ran).containsExactly("compile", "ping", "samples");
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .isEqualTo("==> step 1 of 3: compile (about 10 s); 0 s elapsed, about 60 s left");
    assertThat(lines.get(1))
        .isEqualTo("==> step 2 of 3: JMH PingPong (about 20 s); 0 s elapsed, about 50 s left");
    // the pace of the steps done corrects the estimate only after more than 30 s of estimates
    assertThat(lines.get(2))
        .isEqualTo("==> step 3 of 3: samples (about 30 s); 0 s elapsed, about 30 s left");
    assertThat(lines.get(3)).startsWith("==> done: 3 steps in ");
  }

  @Test
  void aFailingStepEndsThePlan() {
    Progress plan = new Progress(new PrintStream(new ByteArrayOutputStream()));
    List<String> ran = new ArrayList<>();
    plan.add(
        "fails",
        1,
        () -> {
          throw new IllegalStateException("boom");
        });
    plan.add("never", 1, () -> ran.add("never"));
    assertThatThrownBy(plan::run).hasMessage("boom");
    assertThat(ran).isEmpty();
  }

  @Test
  void durationsAreWrittenForPeople() {
    assertThat(Progress.duration(0.4)).isEqualTo("0 s");
    assertThat(Progress.duration(89)).isEqualTo("89 s");
    assertThat(Progress.duration(150)).isEqualTo("3 min");
    assertThat(Progress.duration(2520)).isEqualTo("42 min");
    assertThat(Progress.duration(4380)).isEqualTo("1 h 13 min");
  }
}
