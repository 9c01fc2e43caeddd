package io.socketpair4j.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

class LinuxAbiTest {

  @Test
  void epollEventIsPackedOnX86_64AndAlignedOnAarch64() {
    StructLayout x86 = LinuxAbi.epollEvent(true);
    assertThat(x86.byteSize()).isEqualTo(12);
    assertThat(x86.byteOffset(groupElement("data"))).isEqualTo(4);
    StructLayout arm = LinuxAbi.epollEvent(false);
    assertThat(arm.byteSize()).isEqualTo(16);
    assertThat(arm.byteOffset(groupElement("data"))).isEqualTo(8);
  }

  @Test
  void layoutForThisMachineMatchesItsArchitecture() {
    String arch = System.getProperty("os.arch");
    assertThat(LinuxAbi.EPOLL_EVENT_SIZE).isEqualTo(LinuxAbi.isX86_64(arch) ? 12 : 16);
    assertThat(LinuxAbi.EPOLL_EVENT_DATA)
        .isEqualTo(LinuxAbi.EPOLL_EVENT.byteOffset(groupElement("data")));
  }

  @Test
  void lp64StructOffsets() {
    assertThat(LinuxAbi.IOVEC.byteSize()).isEqualTo(16);
    assertThat(LinuxAbi.MSGHDR.byteSize()).isEqualTo(56);
    assertThat(LinuxAbi.MSGHDR.byteOffset(groupElement("msg_iov"))).isEqualTo(LinuxAbi.MSGHDR_IOV);
    assertThat(LinuxAbi.MSGHDR.byteOffset(groupElement("msg_iovlen")))
        .isEqualTo(LinuxAbi.MSGHDR_IOVLEN);
    assertThat(LinuxAbi.MSGHDR.byteOffset(groupElement("msg_flags")))
        .isEqualTo(LinuxAbi.MSGHDR_FLAGS);
    assertThat(LinuxAbi.POLLFD.byteSize()).isEqualTo(8);
    assertThat(LinuxAbi.SOCKADDR_UN.byteSize()).isEqualTo(110);
  }
}
