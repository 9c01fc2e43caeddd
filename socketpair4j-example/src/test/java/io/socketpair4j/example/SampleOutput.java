package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the line structure of the sample's output, shared by the in-process and process tests. */
final class SampleOutput {
  private SampleOutput() {}

  // An end is named by its descriptor number (native) or by #n (jdk); a read line says "fd 7" or
  // "end #1", and under --pass-fd goes on " with fd 12 (a socket carrying 'Alpha')".
  private static final Pattern PAIR_LINE =
      Pattern.compile("(\\w+): socketpair: (#?\\d+) <=> (#?\\d+)");
  private static final Pattern READ_LINE =
      Pattern.compile(
          "main: read '(\\w+)' on (?:fd (\\d+)|end (#\\d+))"
              + "(?: with fd (\\d+) \\(a socket carrying '(\\w+)'\\))?");
  private static final Pattern SUMMARY_LINE =
      Pattern.compile("main: (\\d+) round trips in \\d+\\.\\d{3} s \\(\\d+ round trips/s\\)");

  /**
   * Asserts: setting-up; one pair line per client, named in order, with two distinct fds; then
   * either {@code repetitions} read lines per client, each on that client's first fd (verbose), or
   * one summary line counting every round trip (quiet); then tearing-down and SUCCESS. No read line
   * tells of a passed descriptor.
   */
  static void assertSuccess(List<String> lines, int pairs, int repetitions, boolean quiet) {
    assertSuccess(lines, pairs, repetitions, quiet, false);
  }

  /**
   * As {@link #assertSuccess(List, int, int, boolean)}; with {@code passFd}, every read line also
   * tells of a passed socket, on a descriptor other than the end's, that carried the name read.
   */
  static void assertSuccess(
      List<String> lines, int pairs, int repetitions, boolean quiet, boolean passFd) {
    assertThat(lines).isNotEmpty();
    assertThat(lines.getFirst()).isEqualTo("setting-up");
    Map<String, String> firstFdByName = new HashMap<>();
    for (int i = 0; i < pairs; i++) {
      String line = lines.get(1 + i);
      Matcher m = PAIR_LINE.matcher(line);
      assertThat(m.matches()).as("pair line '%s'", line).isTrue();
      assertThat(m.group(1)).isEqualTo(Names.of(i));
      assertThat(m.group(2)).isNotEqualTo(m.group(3));
      firstFdByName.put(m.group(1), m.group(2));
    }
    List<String> body = lines.subList(1 + pairs, lines.size() - 2);
    if (quiet) {
      assertThat(body).hasSize(1);
      Matcher m = SUMMARY_LINE.matcher(body.getFirst());
      assertThat(m.matches()).as("summary line '%s'", body.getFirst()).isTrue();
      assertThat(Long.parseLong(m.group(1))).isEqualTo((long) pairs * repetitions);
    } else {
      assertThat(body).hasSize(pairs * repetitions);
      Map<String, Integer> counts = new HashMap<>();
      for (String line : body) {
        Matcher m = READ_LINE.matcher(line);
        assertThat(m.matches()).as("read line '%s'", line).isTrue();
        String end = m.group(2) != null ? m.group(2) : m.group(3);
        assertThat(end).as(line).isEqualTo(firstFdByName.get(m.group(1)));
        if (passFd) {
          assertThat(m.group(4)).as(line).isNotNull().isNotEqualTo(end);
          assertThat(m.group(5)).as(line).isEqualTo(m.group(1));
        } else {
          assertThat(m.group(4)).as(line).isNull();
        }
        counts.merge(m.group(1), 1, Integer::sum);
      }
      assertThat(counts)
          .hasSize(pairs)
          .allSatisfy((name, n) -> assertThat(n).isEqualTo(repetitions));
    }
    assertThat(lines.subList(lines.size() - 2, lines.size()))
        .containsExactly("tearing-down", "SUCCESS");
  }
}
