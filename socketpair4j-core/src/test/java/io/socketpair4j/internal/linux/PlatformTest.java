package io.socketpair4j.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformTest {
  @Test
  void linuxOnX86_64AndAarch64IsSupported() {
    assertThat(Platform.platformReason("Linux", "amd64")).isNull();
    assertThat(Platform.platformReason("Linux", "x86_64")).isNull();
    assertThat(Platform.platformReason("Linux", "aarch64")).isNull();
    assertThat(Platform.unsupportedReason()).isNull();
  }

  @Test
  void otherSystemsAndArchitecturesSayWhy() {
    assertThat(Platform.platformReason("Mac OS X", "aarch64"))
        .contains("need Linux")
        .contains("Mac OS X");
    assertThat(Platform.platformReason("Windows 11", "amd64")).contains("Windows 11");
    assertThat(Platform.platformReason("Linux", "riscv64"))
        .contains("x86_64 and aarch64")
        .contains("riscv64");
  }
}
