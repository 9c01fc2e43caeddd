package io.socketpair4j.example;

import java.io.IOException;

/** A client process that exited with a status other than 0. */
final class ClientProcessFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  ClientProcessFailedException(String name, long pid, int status) {
    super(name + ": the client process (pid " + pid + ") exited with status " + status);
  }
}
