/*
 * The child of the spawn benchmark (the same program for every way of starting it): echoes what it
 * reads until end of stream, then exits with status 0. Written for this repository.
 *
 *   echo_child IN OUT   reads descriptor IN and writes what it read to descriptor OUT
 *                       (3 3: a socket pair end at descriptor 3; 0 1: standard input and output)
 *
 * Exits with status 1 when a read or write fails, 2 on a wrong command line.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int in = atoi(argv[1]), out = atoi(argv[2]);
  char buf[4096];
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (ssize_t done = 0; done < r;) {
      ssize_t w = write(out, buf + done, (size_t)(r - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        return 1;
      }
      done += w;
    }
  }
}
