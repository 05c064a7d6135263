/*
 * The C contestants of bench/run.sh: "raw" makes the syscalls itself,
 * "llsock" makes the same calls through libllsock.  Sockets are set up
 * with libllsock in both cases; only the measured loops differ.
 *
 * usage: c-bench raw|llsock OP ITERATIONS ROUNDS SOCKPATH
 * See bench/README.md for the operations and the output.
 */
#define _GNU_SOURCE /* sendmmsg, recvmmsg, struct mmsghdr */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "llsock.h"

#define MESSAGE_SIZE 64
#define RECEIVE_SIZE 4096
/* datagrams per sendmmsg/recvmmsg in the batch op */
#define BATCH 32
/* recvmmsg calls a batch may take before its datagrams count as lost */
#define BATCH_TRIES 100

typedef struct bench_sockets {
  int rx, tx;          /* the receiving and the sending socket */
  llsock_addr rx_addr; /* where tx sends to, for sendto */
} bench_sockets;

typedef long (*bench_loop)(const bench_sockets *s, long iterations);

static const char message[MESSAGE_SIZE] = "llsock bench message";
/* what the batch op receives into: too big for the stack of a loop */
static char batch_bufs[BATCH][RECEIVE_SIZE];

static void die(const char *what, int code) {
  fprintf(stderr, "c-bench: %s: %s\n", what, llsock_strerror(code));
  exit(1);
}

static int checked(const char *what, int rc) {
  if (rc < 0)
    die(what, rc);
  return rc;
}

/* Each loop returns the number of calls that did not do what was meant. */

static long raw_sendrecv(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += send(s->tx, message, sizeof(message), 0) != MESSAGE_SIZE;
    bad += recv(s->rx, buf, sizeof(buf), 0) != MESSAGE_SIZE;
  }
  return bad;
}

static long llsock_sendrecv(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += llsock_send(s->tx, message, sizeof(message), 0) != MESSAGE_SIZE;
    bad += llsock_recv(s->rx, buf, sizeof(buf), 0) != MESSAGE_SIZE;
  }
  return bad;
}

static long raw_udp(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  struct sockaddr_storage from;
  socklen_t fromlen;
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += sendto(s->tx, message, sizeof(message), 0, &s->rx_addr.u.sa,
                  s->rx_addr.len) != MESSAGE_SIZE;
    fromlen = sizeof(from);
    bad += recvfrom(s->rx, buf, sizeof(buf), 0, (struct sockaddr *)&from,
                    &fromlen) != MESSAGE_SIZE;
  }
  return bad;
}

static long llsock_udp(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  llsock_addr from;
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += llsock_sendto(s->tx, message, sizeof(message), 0,
                         &s->rx_addr) != MESSAGE_SIZE;
    bad += llsock_recvfrom(s->rx, buf, sizeof(buf), 0, &from) != MESSAGE_SIZE;
  }
  return bad;
}

/*
 * The batch op: iterations datagrams, BATCH to a sendmmsg and as many
 * back with recvmmsg, each with its sender's address as recvfrom gives
 * it.  A last, shorter batch makes up the count.  The receiver is
 * non-blocking, so its loop ends when the batch has come or after
 * BATCH_TRIES calls.
 */

static long raw_batch(const bench_sockets *s, long iterations) {
  struct iovec message_iov = {(void *)message, sizeof(message)};
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  struct mmsghdr out[BATCH], in[BATCH];
  long bad = 0;

  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (int i = 0; i < BATCH; i++) {
    out[i].msg_hdr.msg_iov = &message_iov;
    out[i].msg_hdr.msg_iovlen = 1;
    out[i].msg_hdr.msg_name = (void *)&s->rx_addr.u.sa;
    out[i].msg_hdr.msg_namelen = s->rx_addr.len;
    iov[i].iov_base = batch_bufs[i];
    iov[i].iov_len = sizeof(batch_bufs[i]);
    in[i].msg_hdr.msg_iov = &iov[i];
    in[i].msg_hdr.msg_iovlen = 1;
    in[i].msg_hdr.msg_name = &from[i];
  }
  for (long done = 0; done < iterations; done += BATCH) {
    int count = iterations - done < BATCH ? (int)(iterations - done) : BATCH;
    int got = 0;
    bad += sendmmsg(s->tx, out, (unsigned int)count, 0) != count;
    for (int tries = 0; got < count && tries < BATCH_TRIES; tries++) {
      int n;
      for (int i = got; i < count; i++)
        in[i].msg_hdr.msg_namelen = sizeof(from[i]);
      n = recvmmsg(s->rx, in + got, (unsigned int)(count - got), 0, NULL);
      for (int i = got; i < got + n; i++)
        bad += in[i].msg_len != MESSAGE_SIZE;
      got += n > 0 ? n : 0;
    }
    bad += count - got;
  }
  return bad;
}

static long llsock_batch(const bench_sockets *s, long iterations) {
  struct iovec message_iov = {(void *)message, sizeof(message)};
  struct iovec iov[BATCH];
  llsock_addr from[BATCH];
  llsock_mmsg out[BATCH], in[BATCH];
  long bad = 0;

  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (int i = 0; i < BATCH; i++) {
    out[i].hdr.msg_iov = &message_iov;
    out[i].hdr.msg_iovlen = 1;
    out[i].hdr.msg_name = (void *)&s->rx_addr.u.sa;
    out[i].hdr.msg_namelen = s->rx_addr.len;
    iov[i].iov_base = batch_bufs[i];
    iov[i].iov_len = sizeof(batch_bufs[i]);
    in[i].hdr.msg_iov = &iov[i];
    in[i].hdr.msg_iovlen = 1;
    in[i].hdr.msg_name = &from[i].u.sa;
  }
  for (long done = 0; done < iterations; done += BATCH) {
    int count = iterations - done < BATCH ? (int)(iterations - done) : BATCH;
    int got = 0;
    bad += llsock_sendmmsg(s->tx, out, (unsigned int)count, 0) != count;
    for (int tries = 0; got < count && tries < BATCH_TRIES; tries++) {
      int n;
      for (int i = got; i < count; i++)
        in[i].hdr.msg_namelen = sizeof(from[i].u.storage);
      n = llsock_recvmmsg(s->rx, in + got, (unsigned int)(count - got), 0);
      for (int i = got; i < got + n; i++)
        bad += in[i].len != MESSAGE_SIZE;
      got += n > 0 ? n : 0;
    }
    bad += count - got;
  }
  return bad;
}

static long raw_getter(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    int value = -1;
    socklen_t len = sizeof(value);
    bad += getsockopt(s->tx, IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0 ||
           value != 0;
  }
  return bad;
}

static long llsock_getter(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += llsock_opt_get_nodelay(s->tx) != 0;
  return bad;
}

static long raw_eagain(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += recv(s->rx, buf, sizeof(buf), 0) != -1 || errno != EAGAIN;
  return bad;
}

static long llsock_eagain(const bench_sockets *s, long iterations) {
  char buf[RECEIVE_SIZE];
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += llsock_recv(s->rx, buf, sizeof(buf), 0) != -EAGAIN;
  return bad;
}

static void open_unix_pair(bench_sockets *s, const char *path) {
  s->rx = checked("bind", llsock_unix_bind(path, strlen(path), SOCK_DGRAM,
                                           LLSOCK_NONBLOCK));
  s->tx = checked("connect",
                  llsock_unix_connect(path, strlen(path), SOCK_DGRAM, 0));
}

static void open_udp_pair(bench_sockets *s) {
  s->rx = checked("bind", llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM,
                                           LLSOCK_NONBLOCK));
  s->tx = checked("bind", llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0));
  checked("sockname", llsock_sockname(s->rx, &s->rx_addr));
}

static double now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void run(bench_loop loop, const bench_sockets *s, long iterations,
                int rounds) {
  if (loop(s, 1) != 0) {
    fprintf(stderr, "c-bench: the operation did not do what was meant\n");
    exit(1);
  }
  if (rounds == 0) {
    loop(s, iterations);
    return;
  }
  loop(s, iterations); /* warm-up */
  for (int r = 0; r < rounds; r++) {
    double start = now_ns();
    loop(s, iterations);
    printf("%.1f\n", (now_ns() - start) / iterations);
  }
}

int main(int argc, char **argv) {
  static const struct {
    const char *op;
    bench_loop raw, llsock;
  } ops[] = {
    {"sendrecv", raw_sendrecv, llsock_sendrecv},
    {"udp", raw_udp, llsock_udp},
    {"getter", raw_getter, llsock_getter},
    {"eagain", raw_eagain, llsock_eagain},
    {"batch", raw_batch, llsock_batch},
  };
  bench_sockets s = {-1, -1, {0}};
  const char *path;
  long iterations;
  int rounds, use_llsock;
  size_t i;

  if (argc != 6) {
    fprintf(stderr,
            "usage: %s raw|llsock OP ITERATIONS ROUNDS SOCKPATH\n", argv[0]);
    return 2;
  }
  use_llsock = strcmp(argv[1], "llsock") == 0;
  iterations = atol(argv[3]);
  rounds = atoi(argv[4]);
  path = argv[5];
  for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
    if (strcmp(argv[2], ops[i].op) == 0)
      break;
  if (i == sizeof(ops) / sizeof(ops[0]) || iterations < 1 || rounds < 0) {
    fprintf(stderr, "c-bench: bad arguments\n");
    return 2;
  }
  if (strcmp(ops[i].op, "udp") == 0 || strcmp(ops[i].op, "batch") == 0)
    open_udp_pair(&s);
  else if (strcmp(ops[i].op, "getter") == 0)
    s.tx = checked("bind",
                   llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0));
  else
    open_unix_pair(&s, path);
  run(use_llsock ? ops[i].llsock : ops[i].raw, &s, iterations, rounds);
  if (s.rx >= 0)
    llsock_close(s.rx, LLSOCK_SHUT_NONE);
  if (s.tx >= 0)
    llsock_close(s.tx, LLSOCK_SHUT_NONE);
  unlink(path);
  return 0;
}
