/*
 * The C reference of the spawn benchmark: spawn-to-first-round-trip latency with socketpair(2) and
 * posix_spawn(3), doing what socketpair4j's UnixProcessBuilder does for one mapped end. Written for
 * this repository.
 *
 *   spawn_reference N PROGRAM [ARG...]
 *
 * N + 1 times (the first warms up and is not printed): socketpair(AF_UNIX, SOCK_STREAM), then
 * posix_spawn of PROGRAM with the second end at descriptor 3 (adddup2), every descriptor above 3
 * closed (addclosefrom_np), an empty signal mask and every signal at its default disposition
 * (POSIX_SPAWN_SETSIGMASK, POSIX_SPAWN_SETSIGDEF), standard streams and environment inherited; the
 * parent closes its copy of the second end, writes 5 bytes to the first end and reads the child's
 * echo of them (the first round trip), then closes the first end and waits for the child with
 * waitpid(pid) (exit). Prints one line per iteration: microseconds from before socketpair to the
 * echo read, and to the child's exit collected.
 *
 * Exits with status 1 on a wrong echo, a child that did not exit with status 0, or, after the last
 * iteration, a descriptor left open (/proc/self/fd counted before and after) or a child left
 * unreaped (waitpid(-1, WNOHANG) must fail with ECHILD).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

extern char **environ;

static void check(int err, const char *what) {
  if (err != 0) {
    errno = err;
    die(what);
  }
}

static long open_descriptors(void) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) die("opendir");
  long n = 0;
  while (readdir(d) != NULL) n++;
  closedir(d);
  return n;
}

/* One spawn and round trip; stores the two times in microseconds. */
static void spawn_once(char **argv, double *round_trip, double *exited) {
  static const char message[5] = "hello";
  char echo[5];
  double start = now_us();
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init");
  check(posix_spawn_file_actions_adddup2(&actions, sv[1], 3), "adddup2");
  check(posix_spawn_file_actions_addclosefrom_np(&actions, 4), "addclosefrom_np");
  check(posix_spawnattr_init(&attr), "posix_spawnattr_init");
  check(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
        "posix_spawnattr_setflags");
  check(posix_spawnattr_setsigmask(&attr, &none), "posix_spawnattr_setsigmask");
  check(posix_spawnattr_setsigdefault(&attr, &all), "posix_spawnattr_setsigdefault");
  pid_t pid;
  check(posix_spawn(&pid, argv[0], &actions, &attr, argv, environ), argv[0]);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(sv[1]);
  write_all(sv[0], message, sizeof message);
  read_all(sv[0], echo, sizeof echo);
  *round_trip = now_us() - start;
  if (memcmp(echo, message, sizeof echo) != 0) {
    fprintf(stderr, "spawn: wrong echo\n");
    exit(1);
  }
  close(sv[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) die("waitpid");
  }
  *exited = now_us() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "spawn: the child ended with status %#x\n", status);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s N PROGRAM [ARG...]\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]);
  double *round_trip = calloc((size_t)n + 1, sizeof *round_trip);
  double *exited = calloc((size_t)n + 1, sizeof *exited);
  long before = 0;
  for (long i = 0; i <= n; i++) { /* iteration 0 warms up and is not printed */
    spawn_once(argv + 2, &round_trip[i], &exited[i]);
    if (i == 0) before = open_descriptors();
  }
  long after = open_descriptors();
  if (after != before) {
    fprintf(stderr, "spawn: %ld descriptors left open after %ld children\n", after - before, n);
    return 1;
  }
  if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
    fprintf(stderr, "spawn: a child is left unreaped\n");
    return 1;
  }
  for (long i = 1; i <= n; i++) printf("%.3f %.3f\n", round_trip[i], exited[i]);
  return 0;
}
