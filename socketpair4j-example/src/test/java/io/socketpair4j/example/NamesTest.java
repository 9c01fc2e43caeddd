package io.socketpair4j.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void seedNamesThenNatoThenNumbered() {
    assertThat(Names.of(0)).isEqualTo("Alpha");
    assertThat(Names.of(1)).isEqualTo("Bravo");
    assertThat(Names.of(2)).isEqualTo("Charlie");
    assertThat(Names.of(3)).isEqualTo("Delta");
    assertThat(Names.of(25)).isEqualTo("Zulu");
    assertThat(Names.of(26)).isEqualTo("Alpha2");
    assertThat(Names.of(51)).isEqualTo("Zulu2");
    assertThat(Names.of(52)).isEqualTo("Alpha3");
    assertThat(Names.NATO).hasSize(26).doesNotHaveDuplicates();
    assertThatThrownBy(() -> Names.of(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
