/*
 * The C reference for socketpair4j's benchmarks: the same measurements as the Java benchmarks,
 * with socketpair(2), read/write, send/recv, sendmsg/recvmsg, epoll and pthreads. Written for this
 * repository.
 *
 *   reference create ROUNDS N        create + close a pair, N per round: median microseconds
 *   reference pingpong ROUNDS N      8-byte round trip between two threads: median microseconds
 *   reference throughput ROUNDS MB   one-way 64 KiB writes: median GB/s
 *   reference sample ROUNDS P R      P pairs x R round trips, one epoll server thread, P client
 *                                    threads: median round trips per second
 *   reference message ROUNDS N TYPE  8-byte message round trip between two threads on a
 *                                    SOCK_SEQPACKET or SOCK_DGRAM pair (TYPE seqpacket|dgram):
 *                                    median microseconds
 *   reference fdpass ROUNDS N TYPE   one thread sends N messages of 1 byte + 1 descriptor (the
 *                                    write end of a pipe, SCM_RIGHTS), the other receives each
 *                                    (MSG_CMSG_CLOEXEC) and closes the descriptor; on a
 *                                    SOCK_STREAM or SOCK_SEQPACKET pair (TYPE stream|seqpacket):
 *                                    median messages per second
 *   reference callcost ROUNDS N KIND one thread writes 8 bytes on one end and reads them at the
 *                                    other, N times, on a socket pair or on a pipe (KIND
 *                                    socket|pipe): median nanoseconds per write + read (the cost
 *                                    of the calls without a wake-up; not run by socketpair-bench)
 *
 * The round trips (pingpong, sample, message) also print, after the median on the same line, the
 * medians of the process's voluntary and involuntary context switches per round trip over the
 * timed section (getrusage(RUSAGE_SELF), every thread; "nan" when it fails).
 *
 * Every measurement checks its data and exits with status 1 on a mismatch; descriptor passing
 * also fails when /proc/self/fd does not end where it began (a received descriptor left open).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

/* The last round trip measurement's context switches per round trip (NAN: not counted). */
static double switches_voluntary = NAN, switches_involuntary = NAN;

static struct rusage usage_now(void) {
  struct rusage u;
  if (getrusage(RUSAGE_SELF, &u) != 0) {
    u.ru_nvcsw = -1;
    u.ru_nivcsw = -1;
  }
  return u;
}

static void count_switches(const struct rusage *before, double trips) {
  struct rusage after = usage_now();
  if (before->ru_nvcsw < 0 || after.ru_nvcsw < 0 || trips <= 0) {
    switches_voluntary = switches_involuntary = NAN;
    return;
  }
  switches_voluntary = (after.ru_nvcsw - before->ru_nvcsw) / trips;
  switches_involuntary = (after.ru_nivcsw - before->ru_nivcsw) / trips;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof v[0], cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void pair(int sv[2]) {
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
}

/* 1. create + close */
static double create_close(long n) {
  double start = now_us();
  for (long i = 0; i < n; i++) {
    int sv[2];
    pair(sv);
    close(sv[0]);
    close(sv[1]);
  }
  return (now_us() - start) / n;
}

/* 2. ping-pong */
struct echo_arg {
  int fd;
  long n;
};

static void *echo(void *p) {
  struct echo_arg *a = p;
  uint64_t v;
  for (long i = 0; i < a->n; i++) {
    read_all(a->fd, &v, sizeof v);
    write_all(a->fd, &v, sizeof v);
  }
  return NULL;
}

static double ping_pong(long n) {
  int sv[2];
  pair(sv);
  struct echo_arg arg = {sv[1], n};
  pthread_t t;
  if (pthread_create(&t, NULL, echo, &arg) != 0) die("pthread_create");
  struct rusage before = usage_now();
  double start = now_us();
  for (long i = 0; i < n; i++) {
    uint64_t v = (uint64_t)i, back;
    write_all(sv[0], &v, sizeof v);
    read_all(sv[0], &back, sizeof back);
    if (back != v) {
      fprintf(stderr, "ping-pong: sent %llu, got %llu\n", (unsigned long long)v,
              (unsigned long long)back);
      exit(1);
    }
  }
  double us = (now_us() - start) / n;
  count_switches(&before, (double)n);
  pthread_join(t, NULL);
  close(sv[0]);
  close(sv[1]);
  return us;
}

/* 3. throughput */
#define CHUNK (64 * 1024)
struct drain_arg {
  int fd;
  long long expected;
  long long got;
};

static void *drain(void *p) {
  struct drain_arg *a = p;
  static char buf[CHUNK];
  while (a->got < a->expected) {
    ssize_t r = read(a->fd, buf, CHUNK);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read");
    }
    if (r == 0) break;
    /* the stream is the pattern below repeated: check the first and last byte of each read */
    if (buf[0] != (char)((a->got % CHUNK) * 31) ||
        buf[r - 1] != (char)(((a->got + r - 1) % CHUNK) * 31)) {
      fprintf(stderr, "throughput: wrong byte near offset %lld\n", a->got);
      exit(1);
    }
    a->got += r;
  }
  return NULL;
}

static double throughput(long megabytes) {
  int sv[2];
  pair(sv);
  static char buf[CHUNK];
  for (int i = 0; i < CHUNK; i++) buf[i] = (char)(i * 31);
  long chunks = megabytes * 1024 * 1024 / CHUNK;
  struct drain_arg arg = {sv[1], (long long)chunks * CHUNK, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, drain, &arg) != 0) die("pthread_create");
  double start = now_us();
  for (long i = 0; i < chunks; i++) write_all(sv[0], buf, CHUNK);
  pthread_join(t, NULL);
  double us = now_us() - start;
  if (arg.got != arg.expected) {
    fprintf(stderr, "throughput: received %lld of %lld bytes\n", arg.got, arg.expected);
    exit(1);
  }
  close(sv[0]);
  close(sv[1]);
  return arg.expected / (us * 1e3); /* bytes per ns = GB/s */
}

/* 4. the scaled sample */
struct client_arg {
  int fd;
  int id;
  long r;
};

static void *client(void *p) {
  struct client_arg *a = p;
  for (long i = 0; i < a->r; i++) {
    uint64_t v = ((uint64_t)a->id << 32) | (uint64_t)i, back;
    write_all(a->fd, &v, sizeof v);
    read_all(a->fd, &back, sizeof back);
    if (back != v) {
      fprintf(stderr, "sample: client %d got a wrong echo\n", a->id);
      exit(1);
    }
  }
  return NULL;
}

static double sample(int p, long r) {
  int (*sv)[2] = calloc((size_t)p, sizeof *sv);
  struct client_arg *args = calloc((size_t)p, sizeof *args);
  pthread_t *threads = calloc((size_t)p, sizeof *threads);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < p; i++) {
    pair(sv[i]);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[i][0], &ev) != 0) die("epoll_ctl");
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  struct rusage before = usage_now();
  double start = now_us();
  for (int i = 0; i < p; i++) {
    args[i] = (struct client_arg){sv[i][1], i, r};
    if (pthread_create(&threads[i], &attr, client, &args[i]) != 0) die("pthread_create");
  }
  long long total = (long long)p * r, echoed = 0;
  struct epoll_event events[256];
  while (echoed < total) {
    int n = epoll_wait(ep, events, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; k++) {
      int fd = sv[events[k].data.u32][0];
      uint64_t v;
      read_all(fd, &v, sizeof v); /* 8 bytes are written at once; they arrive together */
      write_all(fd, &v, sizeof v);
      echoed++;
    }
  }
  double seconds = (now_us() - start) / 1e6;
  count_switches(&before, (double)total);
  for (int i = 0; i < p; i++) pthread_join(threads[i], NULL);
  for (int i = 0; i < p; i++) {
    close(sv[i][0]);
    close(sv[i][1]);
  }
  close(ep);
  free(sv);
  free(args);
  free(threads);
  return total / seconds;
}

/* 5. message round trip */
static int socket_type(const char *name) {
  if (strcmp(name, "stream") == 0) return SOCK_STREAM;
  if (strcmp(name, "seqpacket") == 0) return SOCK_SEQPACKET;
  if (strcmp(name, "dgram") == 0) return SOCK_DGRAM;
  fprintf(stderr, "unknown socket type %s\n", name);
  exit(2);
}

static void message_pair(int type, int sv[2]) {
  if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
}

/* Receives one message into buf (room for 16 bytes); it must be exactly 8 bytes long. */
static uint64_t recv_message(int fd) {
  char buf[16];
  ssize_t r;
  do {
    r = recv(fd, buf, sizeof buf, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) die("recv");
  if (r != 8) {
    fprintf(stderr, "message: received %zd bytes, expected one message of 8\n", r);
    exit(1);
  }
  uint64_t v;
  memcpy(&v, buf, sizeof v);
  return v;
}

static void send_message(int fd, uint64_t v) {
  ssize_t w;
  do {
    w = send(fd, &v, sizeof v, 0);
  } while (w < 0 && errno == EINTR);
  if (w != (ssize_t)sizeof v) die("send");
}

static void *message_echo(void *p) {
  struct echo_arg *a = p;
  for (long i = 0; i < a->n; i++) send_message(a->fd, recv_message(a->fd));
  return NULL;
}

static double message_ping_pong(long n, int type) {
  int sv[2];
  message_pair(type, sv);
  struct echo_arg arg = {sv[1], n};
  pthread_t t;
  if (pthread_create(&t, NULL, message_echo, &arg) != 0) die("pthread_create");
  struct rusage before = usage_now();
  double start = now_us();
  for (long i = 0; i < n; i++) {
    send_message(sv[0], (uint64_t)i);
    uint64_t back = recv_message(sv[0]);
    if (back != (uint64_t)i) {
      fprintf(stderr, "message: sent %ld, got %llu\n", i, (unsigned long long)back);
      exit(1);
    }
  }
  double us = (now_us() - start) / n;
  count_switches(&before, (double)n);
  pthread_join(t, NULL);
  close(sv[0]);
  close(sv[1]);
  return us;
}

/* 6. descriptor passing */
static long open_descriptors(void) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) die("opendir");
  long n = 0;
  while (readdir(d) != NULL) n++;
  closedir(d);
  return n;
}

struct fd_receiver_arg {
  int fd;
  long n;
};

static void *fd_receiver(void *p) {
  struct fd_receiver_arg *a = p;
  for (long i = 0; i < a->n; i++) {
    char byte;
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t r;
    do {
      r = recvmsg(a->fd, &msg, MSG_CMSG_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    if (r < 0) die("recvmsg");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (r != 1 || byte != (char)i || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || c == NULL ||
        c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)) || CMSG_NXTHDR(&msg, c) != NULL) {
      fprintf(stderr, "fdpass: message %ld is not 1 byte with 1 descriptor\n", i);
      exit(1);
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (close(fd) != 0) die("close (received descriptor)");
  }
  return NULL;
}

static double fd_pass(long n, int type) {
  int sv[2], pipe_fds[2];
  message_pair(type, sv);
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) die("pipe2");
  long before = open_descriptors();
  struct fd_receiver_arg arg = {sv[1], n};
  pthread_t t;
  if (pthread_create(&t, NULL, fd_receiver, &arg) != 0) die("pthread_create");
  double start = now_us();
  for (long i = 0; i < n; i++) {
    char byte = (char)i;
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pipe_fds[1], sizeof(int));
    ssize_t w;
    do {
      w = sendmsg(sv[0], &msg, 0);
    } while (w < 0 && errno == EINTR);
    if (w != 1) die("sendmsg");
  }
  pthread_join(t, NULL);
  double us = now_us() - start;
  long after = open_descriptors();
  if (after != before) {
    fprintf(stderr, "fdpass: %ld descriptors left open after %ld messages\n", after - before, n);
    exit(1);
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  close(sv[0]);
  close(sv[1]);
  return n / (us / 1e6);
}

/* 7. the cost of a write + read without a wake-up */
static double call_cost(long n, int on_pipe) {
  int fds[2]; /* [0] is written, [1] read */
  if (on_pipe) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe2");
    fds[0] = p[1];
    fds[1] = p[0];
  } else {
    pair(fds);
  }
  double start = now_us();
  for (long i = 0; i < n; i++) {
    uint64_t v = (uint64_t)i, back;
    if (write(fds[0], &v, sizeof v) != sizeof v) die("write");
    if (read(fds[1], &back, sizeof back) != sizeof back) die("read");
    if (back != v) {
      fprintf(stderr, "callcost: wrong data\n");
      exit(1);
    }
  }
  double ns = (now_us() - start) * 1000 / n;
  close(fds[0]);
  close(fds[1]);
  return ns;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s create|pingpong|throughput|sample|message|fdpass|callcost ROUNDS ARG [ARG]\n",
            argv[0]);
    return 2;
  }
  const char *what = argv[1];
  int rounds = atoi(argv[2]);
  double *v = calloc((size_t)rounds + 1, sizeof *v);
  double *voluntary = calloc((size_t)rounds + 1, sizeof *voluntary);
  double *involuntary = calloc((size_t)rounds + 1, sizeof *involuntary);
  int round_trips = strcmp(what, "pingpong") == 0 || strcmp(what, "sample") == 0 ||
                    strcmp(what, "message") == 0;
  int switches_known = 1;
  for (int i = 0; i <= rounds; i++) { /* round 0 warms up and is not counted */
    double x;
    if (strcmp(what, "create") == 0) x = create_close(atol(argv[3]));
    else if (strcmp(what, "pingpong") == 0) x = ping_pong(atol(argv[3]));
    else if (strcmp(what, "throughput") == 0) x = throughput(atol(argv[3]));
    else if (strcmp(what, "sample") == 0 && argc >= 5) x = sample(atoi(argv[3]), atol(argv[4]));
    else if (strcmp(what, "message") == 0 && argc >= 5)
      x = message_ping_pong(atol(argv[3]), socket_type(argv[4]));
    else if (strcmp(what, "fdpass") == 0 && argc >= 5)
      x = fd_pass(atol(argv[3]), socket_type(argv[4]));
    else if (strcmp(what, "callcost") == 0 && argc >= 5)
      x = call_cost(atol(argv[3]), strcmp(argv[4], "pipe") == 0);
    else {
      fprintf(stderr, "unknown measurement %s\n", what);
      return 2;
    }
    if (i > 0) {
      v[i - 1] = x;
      voluntary[i - 1] = switches_voluntary;
      involuntary[i - 1] = switches_involuntary;
      if (isnan(switches_voluntary)) switches_known = 0;
    }
  }
  if (!round_trips) {
    printf("%.6f\n", median(v, rounds));
  } else if (switches_known) {
    double vol = median(voluntary, rounds), invol = median(involuntary, rounds);
    printf("%.6f %.6f %.6f\n", median(v, rounds), vol, invol);
  } else {
    printf("%.6f nan nan\n", median(v, rounds));
  }
  return 0;
}
