/*
 * The C reference for socketpair4j's benchmarks: the same four measurements as the Java
 * benchmarks, with socketpair(2), read/write, epoll and pthreads. Written for this repository.
 *
 *   reference create ROUNDS N        create + close a pair, N per round: median microseconds
 *   reference pingpong ROUNDS N      8-byte round trip between two threads: median microseconds
 *   reference throughput ROUNDS MB   one-way 64 KiB writes: median GB/s
 *   reference sample ROUNDS P R      P pairs x R round trips, one epoll server thread, P client
 *                                    threads: median round trips per second
 *
 * Every measurement checks its data and exits with status 1 on a mismatch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof v[0], cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("write");
    }
    p += w;
    n -= (size_t)w;
  }
}

static void read_all(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read");
    }
    if (r == 0) {
      fprintf(stderr, "unexpected end of stream\n");
      exit(1);
    }
    p += r;
    n -= (size_t)r;
  }
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

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s create|pingpong|throughput|sample ROUNDS ARG [ARG]\n", argv[0]);
    return 2;
  }
  const char *what = argv[1];
  int rounds = atoi(argv[2]);
  double *v = calloc((size_t)rounds + 1, sizeof *v);
  for (int i = 0; i <= rounds; i++) { /* round 0 warms up and is not counted */
    double x;
    if (strcmp(what, "create") == 0) x = create_close(atol(argv[3]));
    else if (strcmp(what, "pingpong") == 0) x = ping_pong(atol(argv[3]));
    else if (strcmp(what, "throughput") == 0) x = throughput(atol(argv[3]));
    else if (strcmp(what, "sample") == 0 && argc >= 5) x = sample(atoi(argv[3]), atol(argv[4]));
    else {
      fprintf(stderr, "unknown measurement %s\n", what);
      return 2;
    }
    if (i > 0) v[i - 1] = x;
  }
  printf("%.6f\n", median(v, rounds));
  return 0;
}
