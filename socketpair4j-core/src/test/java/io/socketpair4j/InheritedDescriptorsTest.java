package io.socketpair4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The {@code LISTEN_FDS} convention as {@link InheritedDescriptors} reads it. */
class InheritedDescriptorsTest {

  @Test
  void noneWithoutListenFds() {
    assertThat(InheritedDescriptors.of(Map.of(), 10).count()).isZero();
    assertThat(InheritedDescriptors.of(Map.of("LISTEN_FDNAMES", "a"), 10).names()).isEmpty();
  }

  @Test
  void countNamesAndNumbers() {
    InheritedDescriptors d =
        InheritedDescriptors.of(
            Map.of("LISTEN_FDS", "3", "LISTEN_FDNAMES", "control:events:", "LISTEN_PID", "10"), 10);
    assertThat(d.count()).isEqualTo(3);
    assertThat(d.names()).containsExactly("control", "events", "unknown");
    assertThat(d.fd("control")).isEqualTo(3);
    assertThat(d.fd("events")).isEqualTo(4);
    assertThat(d.fd("unknown")).isEqualTo(5);
    assertThatThrownBy(() -> d.fd("other"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage(
            "no inherited descriptor is named 'other'; the names are [control, events, unknown]");
    assertThat(InheritedDescriptors.of(Map.of("LISTEN_FDS", "2"), 10).names())
        .containsExactly("unknown", "unknown");
  }

  @Test
  void meantForAnotherProcessWhenListenPidDiffers() {
    assertThat(InheritedDescriptors.of(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "11"), 10).count())
        .isZero();
  }

  @Test
  void malformedVariablesAreReported() {
    assertThatThrownBy(() -> InheritedDescriptors.of(Map.of("LISTEN_FDS", "two"), 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("LISTEN_FDS is not a number: 'two'");
    assertThatThrownBy(
            () -> InheritedDescriptors.of(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "x"), 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("LISTEN_PID is not a number: 'x'");
    assertThatThrownBy(() -> InheritedDescriptors.of(Map.of("LISTEN_FDS", "-1"), 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("LISTEN_FDS is out of range: -1");
  }

  @Test
  void thisProcessHasNone() {
    assumeTrue(System.getenv("LISTEN_FDS") == null, "the test JVM was started with LISTEN_FDS");
    assertThat(InheritedDescriptors.fromEnvironment().count()).isZero();
  }
}
