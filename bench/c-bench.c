/*
 * The C contestants of bench/run.sh: "raw" makes the syscalls itself,
 * "llsock" makes the same calls through libllsock.  Sockets are set up
 * with libllsock in both cases; only the measured loops differ.  "peer"
 * is the other end of the wall-clock ops, the same program for every
 * contestant: it drives the traffic and times it.
 *
 * usage: c-bench raw|llsock OP ITERATIONS ROUNDS
 *        c-bench peer OP PORT ITERATIONS
 * See bench/README.md for the operations and the output.
 */
#define _GNU_SOURCE /* sendmmsg, recvmmsg, struct mmsghdr */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "llsock.h"

/* the message of the instruction-count ops, and of the UDP wall ops */
#define MESSAGE_SIZE 1
#define DATAGRAM_SIZE 64
/* what the UDP ops receive unless the op names a size */
#define RECEIVE_SIZE 64
/* recvmsg's default buffer and control space in llsocket */
#define RECVMSG_SIZE 4096
#define RECVMSG_CONTROL 256
/* the reads and writes of the TCP stream */
#define CHUNK (64 * 1024)
/* datagrams per sendmmsg/recvmmsg */
#define BATCH 32
/* recvmmsg calls a batch may take before its datagrams count as lost */
#define BATCH_TRIES 100
/* the exit status for an op this program does not do */
#define UNSUPPORTED 77

typedef struct bench_sockets {
  int fd;             /* a UDP socket connected to itself, non-blocking */
  llsock_addr self;   /* its own address, for sendto */
  size_t receive_len; /* what the sendrecv ops receive */
} bench_sockets;

typedef long (*bench_loop)(const bench_sockets *s, long iterations);

static const char message[DATAGRAM_SIZE] = "llsock bench message";
static char buf[CHUNK + 1];
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

static int checked_errno(const char *what, int rc) {
  return rc < 0 ? checked(what, -errno) : rc;
}

/* The floor: what a call costs that does nothing, as rawequal(fd, x) is
 * for Lua.  noipa keeps the compiler from seeing that it does nothing. */
__attribute__((noipa)) static int floor_call(int a, int b) {
  return a == b;
}

/* Each loop returns the number of calls that did not do what was meant. */

static long floor1(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += floor_call(s->fd, RECEIVE_SIZE);
  return bad;
}

static long floor2(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += floor_call(s->fd, RECEIVE_SIZE);
    bad += floor_call(s->fd, RECEIVE_SIZE);
  }
  return bad;
}

static long raw_getter(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    int value = -1;
    socklen_t len = sizeof(value);
    bad += getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &value, &len) != 0 ||
           value <= 0;
  }
  return bad;
}

static long llsock_getter(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += llsock_opt_get_rcvbuf(s->fd) <= 0;
  return bad;
}

static long raw_sendrecv(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += send(s->fd, message, MESSAGE_SIZE, 0) != MESSAGE_SIZE;
    bad += recv(s->fd, buf, s->receive_len, 0) != MESSAGE_SIZE;
  }
  return bad;
}

static long llsock_sendrecv(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += llsock_send(s->fd, message, MESSAGE_SIZE, 0) != MESSAGE_SIZE;
    bad += llsock_recv(s->fd, buf, s->receive_len, 0) != MESSAGE_SIZE;
  }
  return bad;
}

static long raw_udp(const bench_sockets *s, long iterations) {
  struct sockaddr_storage from;
  socklen_t fromlen;
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += sendto(s->fd, message, MESSAGE_SIZE, 0, &s->self.u.sa,
                  s->self.len) != MESSAGE_SIZE;
    fromlen = sizeof(from);
    bad += recvfrom(s->fd, buf, RECEIVE_SIZE, 0, (struct sockaddr *)&from,
                    &fromlen) != MESSAGE_SIZE;
  }
  return bad;
}

static long llsock_udp(const bench_sockets *s, long iterations) {
  llsock_addr from;
  long bad = 0;

  for (long i = 0; i < iterations; i++) {
    bad += llsock_sendto(s->fd, message, MESSAGE_SIZE, 0, &s->self) !=
           MESSAGE_SIZE;
    bad += llsock_recvfrom(s->fd, buf, RECEIVE_SIZE, 0, &from) !=
           MESSAGE_SIZE;
  }
  return bad;
}

/* A message as llsocket's sendmsg(fd, s) and recvmsg(fd) make them: one
 * buffer, the sender's address, room for control data. */
static void msg_headers(struct msghdr *out, struct iovec *out_iov,
                        struct msghdr *in, struct iovec *in_iov,
                        llsock_addr *from, void *control) {
  memset(out, 0, sizeof(*out));
  memset(in, 0, sizeof(*in));
  out_iov->iov_base = (void *)message;
  out_iov->iov_len = MESSAGE_SIZE;
  out->msg_iov = out_iov;
  out->msg_iovlen = 1;
  in_iov->iov_base = buf;
  in_iov->iov_len = RECVMSG_SIZE;
  in->msg_iov = in_iov;
  in->msg_iovlen = 1;
  in->msg_name = &from->u.sa;
  in->msg_control = control;
}

static long raw_msg(const bench_sockets *s, long iterations) {
  struct msghdr out, in;
  struct iovec out_iov, in_iov;
  llsock_addr from;
  union {
    struct cmsghdr align;
    char buf[RECVMSG_CONTROL];
  } control;
  long bad = 0;

  msg_headers(&out, &out_iov, &in, &in_iov, &from, control.buf);
  for (long i = 0; i < iterations; i++) {
    bad += sendmsg(s->fd, &out, 0) != MESSAGE_SIZE;
    in.msg_namelen = sizeof(from.u.storage);
    in.msg_controllen = sizeof(control.buf);
    bad += recvmsg(s->fd, &in, 0) != MESSAGE_SIZE;
  }
  return bad;
}

static long llsock_msg(const bench_sockets *s, long iterations) {
  struct msghdr out, in;
  struct iovec out_iov, in_iov;
  llsock_addr from;
  union {
    struct cmsghdr align;
    char buf[RECVMSG_CONTROL];
  } control;
  long bad = 0;

  msg_headers(&out, &out_iov, &in, &in_iov, &from, control.buf);
  for (long i = 0; i < iterations; i++) {
    bad += llsock_sendmsg(s->fd, &out, 0) != MESSAGE_SIZE;
    in.msg_namelen = sizeof(from.u.storage);
    in.msg_controllen = sizeof(control.buf);
    bad += llsock_recvmsg(s->fd, &in, 0) != MESSAGE_SIZE;
  }
  return bad;
}

/*
 * The batch op: iterations datagrams, BATCH to a sendmmsg and as many
 * back with recvmmsg, each with its sender's address.  A last, shorter
 * batch makes up the count.  The socket is non-blocking, so the receive
 * loop ends when the batch has come or after BATCH_TRIES calls.
 */

static long raw_batch(const bench_sockets *s, long iterations) {
  struct iovec message_iov = {(void *)message, MESSAGE_SIZE};
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  struct mmsghdr out[BATCH], in[BATCH];
  long bad = 0;

  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (int i = 0; i < BATCH; i++) {
    out[i].msg_hdr.msg_iov = &message_iov;
    out[i].msg_hdr.msg_iovlen = 1;
    iov[i].iov_base = batch_bufs[i];
    iov[i].iov_len = sizeof(batch_bufs[i]);
    in[i].msg_hdr.msg_iov = &iov[i];
    in[i].msg_hdr.msg_iovlen = 1;
    in[i].msg_hdr.msg_name = &from[i];
  }
  for (long done = 0; done < iterations; done += BATCH) {
    int count = iterations - done < BATCH ? (int)(iterations - done) : BATCH;
    int got = 0;
    bad += sendmmsg(s->fd, out, (unsigned int)count, 0) != count;
    for (int tries = 0; got < count && tries < BATCH_TRIES; tries++) {
      int n;
      for (int i = got; i < count; i++)
        in[i].msg_hdr.msg_namelen = sizeof(from[i]);
      n = recvmmsg(s->fd, in + got, (unsigned int)(count - got), 0, NULL);
      for (int i = got; i < got + n; i++)
        bad += in[i].msg_len != MESSAGE_SIZE;
      got += n > 0 ? n : 0;
    }
    bad += count - got;
  }
  return bad;
}

static long llsock_batch(const bench_sockets *s, long iterations) {
  struct iovec message_iov = {(void *)message, MESSAGE_SIZE};
  struct iovec iov[BATCH];
  llsock_addr from[BATCH];
  llsock_mmsg out[BATCH], in[BATCH];
  long bad = 0;

  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (int i = 0; i < BATCH; i++) {
    out[i].hdr.msg_iov = &message_iov;
    out[i].hdr.msg_iovlen = 1;
    iov[i].iov_base = batch_bufs[i];
    iov[i].iov_len = sizeof(batch_bufs[i]);
    in[i].hdr.msg_iov = &iov[i];
    in[i].hdr.msg_iovlen = 1;
    in[i].hdr.msg_name = &from[i].u.sa;
  }
  for (long done = 0; done < iterations; done += BATCH) {
    int count = iterations - done < BATCH ? (int)(iterations - done) : BATCH;
    int got = 0;
    bad += llsock_sendmmsg(s->fd, out, (unsigned int)count, 0) != count;
    for (int tries = 0; got < count && tries < BATCH_TRIES; tries++) {
      int n;
      for (int i = got; i < count; i++)
        in[i].hdr.msg_namelen = sizeof(from[i].u.storage);
      n = llsock_recvmmsg(s->fd, in + got, (unsigned int)(count - got), 0);
      for (int i = got; i < got + n; i++)
        bad += in[i].len != MESSAGE_SIZE;
      got += n > 0 ? n : 0;
    }
    bad += count - got;
  }
  return bad;
}

static long raw_eagain(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += recv(s->fd, buf, RECEIVE_SIZE, 0) != -1 || errno != EAGAIN;
  return bad;
}

static long llsock_eagain(const bench_sockets *s, long iterations) {
  long bad = 0;

  for (long i = 0; i < iterations; i++)
    bad += llsock_recv(s->fd, buf, RECEIVE_SIZE, 0) != -EAGAIN;
  return bad;
}

static double now_ns(clockid_t clock) {
  struct timespec ts;

  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The wall-clock ops.  The contestant serves; the peer, started by the
 * contestant with the port it listens on, drives the traffic and prints
 * the wall-clock nanoseconds it took.  Blocking sockets on both sides.
 *
 *   stream:   the peer writes ITERATIONS chunks of 64 KiB and shuts its
 *             side; the contestant reads 64 KiB at a time until the end,
 *             then closes, which the peer waits for.
 *   pingpong: ITERATIONS round trips of a 64-byte datagram, the
 *             contestant echoing each to its sender.
 *   churn:    ITERATIONS connections: the peer connects and waits for
 *             the end; the contestant accepts and closes.
 *   burst, burstmm: ITERATIONS datagrams echoed, sent by the peer 32 to
 *             a sendmmsg; it waits for all 32 to come back.  burst
 *             echoes them one call each, burstmm 32 to a call.
 */

/* the contestant's address, resolved once */
static llsock_addr peer_to;

static int peer_connect(int socktype) {
  int fd = checked_errno("peer socket",
                         socket(AF_INET, socktype | SOCK_CLOEXEC, 0));

  checked_errno("peer connect", connect(fd, &peer_to.u.sa, peer_to.len));
  return fd;
}

static void peer_stream(long iterations) {
  int fd = peer_connect(SOCK_STREAM);

  for (long i = 0; i < iterations; i++)
    for (size_t done = 0; done < CHUNK;)
      done += (size_t)checked_errno("peer write",
                                    (int)write(fd, buf + done, CHUNK - done));
  checked_errno("peer shutdown", shutdown(fd, SHUT_WR));
  while (checked_errno("peer read", (int)read(fd, buf, CHUNK)) > 0)
    continue;
  close(fd);
}

static void peer_pingpong(long iterations) {
  int fd = peer_connect(SOCK_DGRAM);

  for (long i = 0; i < iterations; i++) {
    checked_errno("peer send", (int)send(fd, message, DATAGRAM_SIZE, 0));
    checked_errno("peer recv", (int)recv(fd, buf, RECEIVE_SIZE, 0));
  }
  close(fd);
}

static void peer_churn(long iterations) {
  for (long i = 0; i < iterations; i++) {
    int fd = peer_connect(SOCK_STREAM);
    while (checked_errno("peer read", (int)read(fd, buf, CHUNK)) > 0)
      continue;
    close(fd);
  }
}

static void peer_burst(long iterations) {
  int fd = peer_connect(SOCK_DGRAM);
  struct iovec message_iov = {(void *)message, DATAGRAM_SIZE};
  struct iovec iov[BATCH];
  struct mmsghdr out[BATCH], in[BATCH];

  memset(out, 0, sizeof(out));
  memset(in, 0, sizeof(in));
  for (int i = 0; i < BATCH; i++) {
    out[i].msg_hdr.msg_iov = &message_iov;
    out[i].msg_hdr.msg_iovlen = 1;
    iov[i].iov_base = batch_bufs[i];
    iov[i].iov_len = sizeof(batch_bufs[i]);
    in[i].msg_hdr.msg_iov = &iov[i];
    in[i].msg_hdr.msg_iovlen = 1;
  }
  for (long done = 0; done < iterations; done += BATCH) {
    int sent = 0, got = 0;
    while (sent < BATCH)
      sent += checked_errno("peer sendmmsg",
                            sendmmsg(fd, out + sent, BATCH - sent, 0));
    /* a blocking recvmmsg waits for all it asks for */
    while (got < BATCH)
      got += checked_errno("peer recvmmsg",
                           recvmmsg(fd, in + got, BATCH - got, 0, NULL));
  }
  close(fd);
}

static int peer(const char *op, const char *port, long iterations) {
  static const struct {
    const char *op;
    void (*drive)(long iterations);
  } peers[] = {
    {"stream", peer_stream},   {"pingpong", peer_pingpong},
    {"churn", peer_churn},     {"burst", peer_burst},
    {"burstmm", peer_burst},
  };
  double start;

  checked("peer address", llsock_addr_inet(&peer_to, "127.0.0.1", port));
  for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
    if (strcmp(op, peers[i].op) != 0)
      continue;
    start = now_ns(CLOCK_MONOTONIC);
    peers[i].drive(iterations);
    printf("%.0f\n", now_ns(CLOCK_MONOTONIC) - start);
    return 0;
  }
  fprintf(stderr, "c-bench: no peer op %s\n", op);
  return 2;
}

/* The contestant's side of the wall-clock ops. */

typedef struct serve_calls {
  ssize_t (*recv)(int fd, void *buf, size_t len);
  ssize_t (*recvfrom)(int fd, void *buf, size_t len, llsock_addr *from);
  ssize_t (*sendto)(int fd, const void *buf, size_t len,
                    const llsock_addr *to);
  int (*accept)(int fd);
  int (*close)(int fd);
  /* NULL when the contestant has no batch calls */
  int (*echo_batch)(int fd, long count);
} serve_calls;

static ssize_t raw_recv1(int fd, void *b, size_t len) {
  return recv(fd, b, len, 0);
}

static ssize_t raw_recvfrom1(int fd, void *b, size_t len, llsock_addr *from) {
  socklen_t fromlen = sizeof(from->u.storage);
  ssize_t n = recvfrom(fd, b, len, 0, &from->u.sa, &fromlen);

  from->len = fromlen;
  return n;
}

static ssize_t raw_sendto1(int fd, const void *b, size_t len,
                           const llsock_addr *to) {
  return sendto(fd, b, len, 0, &to->u.sa, to->len);
}

static int raw_accept1(int fd) {
  return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

/* Echoes count datagrams, up to 32 to a recvmmsg and a sendmmsg: as a
 * server would, each recvmmsg waits for the first and takes what else
 * has come (MSG_WAITFORONE). */
static int raw_echo_batch(int fd, long count) {
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  struct mmsghdr msgs[BATCH];

  memset(msgs, 0, sizeof(msgs));
  for (long done = 0; done < count; done += BATCH) {
    int got;
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = batch_bufs[i];
      iov[i].iov_len = sizeof(batch_bufs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    if ((got = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL)) < 0)
      return -errno;
    for (int i = 0; i < got; i++)
      iov[i].iov_len = msgs[i].msg_len;
    if (sendmmsg(fd, msgs, (unsigned int)got, 0) != got)
      return -EIO;
    done -= BATCH - got;
  }
  return 0;
}

static ssize_t llsock_recv1(int fd, void *b, size_t len) {
  return llsock_recv(fd, b, len, 0);
}

static ssize_t llsock_recvfrom1(int fd, void *b, size_t len,
                                llsock_addr *from) {
  return llsock_recvfrom(fd, b, len, 0, from);
}

static ssize_t llsock_sendto1(int fd, const void *b, size_t len,
                              const llsock_addr *to) {
  return llsock_sendto(fd, b, len, 0, to);
}

static int llsock_accept1(int fd) {
  return llsock_accept(fd, NULL);
}

static int llsock_close1(int fd) {
  return llsock_close(fd, LLSOCK_SHUT_NONE);
}

static int llsock_echo_batch(int fd, long count) {
  struct iovec iov[BATCH];
  llsock_addr from[BATCH];
  llsock_mmsg msgs[BATCH];

  memset(msgs, 0, sizeof(msgs));
  for (long done = 0; done < count; done += BATCH) {
    int got;
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = batch_bufs[i];
      iov[i].iov_len = sizeof(batch_bufs[i]);
      msgs[i].hdr.msg_iov = &iov[i];
      msgs[i].hdr.msg_iovlen = 1;
      msgs[i].hdr.msg_name = &from[i].u.sa;
      msgs[i].hdr.msg_namelen = sizeof(from[i].u.storage);
    }
    if ((got = llsock_recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE)) < 0)
      return got;
    for (int i = 0; i < got; i++)
      iov[i].iov_len = msgs[i].len;
    if (llsock_sendmmsg(fd, msgs, (unsigned int)got, 0) != got)
      return -EIO;
    done -= BATCH - got;
  }
  return 0;
}

static const serve_calls raw_calls = {raw_recv1,   raw_recvfrom1, raw_sendto1,
                                      raw_accept1, close,         raw_echo_batch};
static const serve_calls llsock_calls = {
  llsock_recv1,   llsock_recvfrom1, llsock_sendto1,
  llsock_accept1, llsock_close1,    llsock_echo_batch};

/* Starts the peer for op at the port of fd; its output is read by
 * peer_result() once the contestant has served. */
static FILE *start_peer(const char *op, int fd, long iterations) {
  const char *command = getenv("BENCH_PEER");
  char line[512];
  llsock_addr self;
  FILE *peer;

  if (command == NULL)
    die("BENCH_PEER", -EINVAL);
  checked("sockname", llsock_sockname(fd, &self));
  snprintf(line, sizeof(line), "%s %s %d %ld", command, op,
           llsock_addr_port(&self), iterations);
  if ((peer = popen(line, "r")) == NULL)
    die("popen", -errno);
  return peer;
}

static double peer_result(FILE *peer) {
  double ns = -1;

  if (fscanf(peer, "%lf", &ns) != 1 || pclose(peer) != 0 || ns <= 0) {
    fprintf(stderr, "c-bench: the peer failed\n");
    exit(1);
  }
  return ns;
}

static double serve(const serve_calls *calls, const char *op,
                    long iterations) {
  int stream = strcmp(op, "stream") == 0 || strcmp(op, "churn") == 0;
  int fd = checked("bind", llsock_inet_bind("127.0.0.1", NULL,
                                            stream ? SOCK_STREAM : SOCK_DGRAM,
                                            0));
  FILE *peer;
  llsock_addr from;

  if (strcmp(op, "burstmm") == 0 && calls->echo_batch == NULL)
    exit(UNSUPPORTED);
  if (stream)
    checked("listen", llsock_listen(fd, 128));
  peer = start_peer(op, fd, iterations);
  if (strcmp(op, "stream") == 0) {
    int conn = checked_errno("accept", calls->accept(fd));
    while (checked_errno("recv", (int)calls->recv(conn, buf, CHUNK)) > 0)
      continue;
    calls->close(conn);
  } else if (strcmp(op, "churn") == 0) {
    for (long i = 0; i < iterations; i++)
      calls->close(checked_errno("accept", calls->accept(fd)));
  } else if (strcmp(op, "burstmm") == 0) {
    checked("echo", calls->echo_batch(fd, iterations));
  } else { /* pingpong, burst */
    for (long i = 0; i < iterations; i++) {
      ssize_t n = calls->recvfrom(fd, buf, RECEIVE_SIZE, &from);
      checked_errno("recvfrom", (int)n);
      checked_errno("sendto", (int)calls->sendto(fd, buf, (size_t)n, &from));
    }
  }
  calls->close(fd);
  return peer_result(peer);
}

static int is_wall_op(const char *op) {
  static const char *const ops[] = {"stream", "pingpong", "churn", "burst",
                                    "burstmm"};

  for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
    if (strcmp(op, ops[i]) == 0)
      return 1;
  return 0;
}

/* burst ops count datagrams in whole bursts */
static long wall_iterations(const char *op, long iterations) {
  if (strncmp(op, "burst", 5) == 0)
    return (iterations + BATCH - 1) / BATCH * BATCH;
  return iterations;
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
    double start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    loop(s, iterations);
    printf("%.1f\n", (now_ns(CLOCK_PROCESS_CPUTIME_ID) - start) / iterations);
  }
}

/* The op's loop, and for sendrecvN the receive size N. */
static bench_loop find_loop(const char *op, int use_llsock, size_t *len) {
  static const struct {
    const char *op;
    bench_loop raw, llsock;
  } ops[] = {
    {"floor1", floor1, floor1},
    {"floor2", floor2, floor2},
    {"getter", raw_getter, llsock_getter},
    {"udp", raw_udp, llsock_udp},
    /* C always receives the address into memory it reuses */
    {"udpreuse", raw_udp, llsock_udp},
    {"msgreuse", raw_msg, llsock_msg},
    {"msg", raw_msg, llsock_msg},
    {"batch", raw_batch, llsock_batch},
    {"eagain", raw_eagain, llsock_eagain},
  };
  char *end;

  *len = RECEIVE_SIZE;
  if (strncmp(op, "sendrecv", 8) == 0) {
    unsigned long n = strtoul(op + 8, &end, 10);
    if (end == op + 8 || *end != '\0' || n < 1 || n > CHUNK)
      return NULL;
    *len = n;
    return use_llsock ? llsock_sendrecv : raw_sendrecv;
  }
  for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
    if (strcmp(op, ops[i].op) == 0)
      return use_llsock ? ops[i].llsock : ops[i].raw;
  return NULL;
}

int main(int argc, char **argv) {
  bench_sockets s = {-1, {0}, RECEIVE_SIZE};
  const char *op;
  bench_loop loop;
  long iterations;
  int rounds, use_llsock;

  if (argc == 5 && strcmp(argv[1], "peer") == 0)
    return peer(argv[2], argv[3], atol(argv[4]));
  if (argc != 5 || (strcmp(argv[1], "raw") != 0 &&
                    strcmp(argv[1], "llsock") != 0)) {
    fprintf(stderr,
            "usage: %s raw|llsock OP ITERATIONS ROUNDS\n"
            "       %s peer OP PORT ITERATIONS\n",
            argv[0], argv[0]);
    return 2;
  }
  use_llsock = strcmp(argv[1], "llsock") == 0;
  op = argv[2];
  iterations = atol(argv[3]);
  rounds = atoi(argv[4]);
  if (iterations < 1 || rounds < 0) {
    fprintf(stderr, "c-bench: bad arguments\n");
    return 2;
  }
  if (is_wall_op(op)) {
    iterations = wall_iterations(op, iterations);
    for (int r = 0; r < rounds; r++)
      printf("%.1f\n", serve(use_llsock ? &llsock_calls : &raw_calls, op,
                             iterations) / iterations);
    return 0;
  }
  if ((loop = find_loop(op, use_llsock, &s.receive_len)) == NULL) {
    fprintf(stderr, "c-bench: no operation %s\n", op);
    return 2;
  }
  s.fd = checked("bind", llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM,
                                          LLSOCK_NONBLOCK));
  checked("sockname", llsock_sockname(s.fd, &s.self));
  checked("connect", llsock_connect(s.fd, &s.self));
  run(loop, &s, iterations, rounds);
  llsock_close(s.fd, LLSOCK_SHUT_NONE);
  return 0;
}
