/*
 * The poller benchmark of bench/run.sh: an echo server that serves a
 * number of connections from one epoll loop, and the load client that
 * drives it.  "server raw" makes the syscalls itself (accept4, epoll_ctl,
 * epoll_wait, recv, send); "server llsock" makes the same calls through
 * libllsock, as poll-server.lua does through llsocket.  The client is the
 * same for every server: it opens all its connections at once, sends one
 * message on each, and closes each one once its echo is back.
 *
 * usage: poll-bench server raw|llsock CONNECTIONS
 *        poll-bench client PORT CONNECTIONS
 * The server prints "port N", then, once CONNECTIONS clients have come and
 * gone, "events E cpu_ns T bad B": the events its waits returned, the CPU
 * time it took from its first wait, and the calls that did not do what
 * was meant.  See bench/README.md.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "llsock.h"

#define MESSAGE_SIZE 64
#define RECEIVE_SIZE 4096
#define MAX_EVENTS 256
/* the client gives up on a server that has not echoed everything by then */
#define CLIENT_DEADLINE 60.0

static const char message[MESSAGE_SIZE] = "llsock poll bench message";

static void die(const char *what, int code) {
  fprintf(stderr, "poll-bench: %s: %s\n", what, llsock_strerror(code));
  exit(1);
}

static int checked(const char *what, int rc) {
  if (rc < 0)
    die(what, rc);
  return rc;
}

static double cpu_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* What a server loop counts; it ends when `closed` reaches the target. */
typedef struct serve_counts {
  long events, closed, bad;
} serve_counts;

/* One client's event, for both servers: echo what came, close at EOF. */
static void echo_or_close(int fd, serve_counts *c,
                          ssize_t (*recv_fn)(int, void *, size_t, int),
                          ssize_t (*send_fn)(int, const void *, size_t, int)) {
  char buf[RECEIVE_SIZE];
  ssize_t n = recv_fn(fd, buf, sizeof(buf), 0);

  if (n > 0) {
    c->bad += send_fn(fd, buf, (size_t)n, MSG_NOSIGNAL) != n;
    return;
  }
  if (n == -EAGAIN)
    return;
  c->bad += n < 0;
  close(fd);
  c->closed++;
}

/* recv(2)/send(2) shaped like libllsock's calls: -errno on failure. */
static ssize_t raw_recv(int fd, void *buf, size_t len, int flags) {
  ssize_t n = recv(fd, buf, len, flags);
  return n < 0 ? -errno : n;
}

static ssize_t raw_send(int fd, const void *buf, size_t len, int flags) {
  ssize_t n = send(fd, buf, len, flags);
  return n < 0 ? -errno : n;
}

static void serve_raw(int listener, long connections, serve_counts *c) {
  struct epoll_event ev, events[MAX_EVENTS];
  int ep = epoll_create1(EPOLL_CLOEXEC);

  if (ep < 0)
    die("epoll_create1", -errno);
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) < 0)
    die("epoll_ctl", -errno);
  while (c->closed < connections) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0)
      die("epoll_wait", -errno);
    c->events += n;
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd != listener) {
        echo_or_close(fd, c, raw_recv, raw_send);
        continue;
      }
      while ((fd = accept4(listener, NULL, NULL,
                           SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        c->bad += epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0;
      }
      c->bad += errno != EAGAIN;
    }
  }
  close(ep);
}

static void serve_llsock(int listener, long connections, serve_counts *c) {
  llsock_event events[MAX_EVENTS];
  int p = checked("poller", llsock_poller_create());

  checked("poller_add", llsock_poller_add(p, listener, LLSOCK_POLLIN, 0));
  while (c->closed < connections) {
    int n = checked("poller_wait", llsock_poller_wait(p, events, MAX_EVENTS, -1));
    c->events += n;
    for (int i = 0; i < n; i++) {
      int fd = events[i].fd;
      if (fd != listener) {
        echo_or_close(fd, c, llsock_recv, llsock_send);
        continue;
      }
      while ((fd = llsock_accept_inherit(listener, NULL)) >= 0)
        c->bad += llsock_poller_add(p, fd, LLSOCK_POLLIN, 0) < 0;
      c->bad += fd != -EAGAIN;
    }
  }
  llsock_poller_close(p);
}

static int server(int use_llsock, long connections) {
  llsock_addr bound;
  serve_counts counts = {0, 0, 0};
  double start;
  int listener = checked(
      "bind", llsock_inet_bind("127.0.0.1", "0", SOCK_STREAM,
                               LLSOCK_NONBLOCK | LLSOCK_REUSEADDR));

  checked("listen", llsock_listen(listener, SOMAXCONN));
  checked("sockname", llsock_sockname(listener, &bound));
  printf("port %d\n", llsock_addr_port(&bound));
  fflush(stdout);
  start = cpu_ns();
  if (use_llsock)
    serve_llsock(listener, connections, &counts);
  else
    serve_raw(listener, connections, &counts);
  printf("events %ld cpu_ns %.0f bad %ld\n", counts.events, cpu_ns() - start,
         counts.bad);
  close(listener);
  return 0;
}

/* Per connection: 0 connecting, 1 waiting for the echo, 2 done. */
static int client(const char *port, long connections) {
  struct epoll_event ev, events[MAX_EVENTS];
  char buf[RECEIVE_SIZE];
  unsigned char *state = calloc((size_t)connections + 1024, 1);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  long done = 0, received_bad = 0;
  double deadline = llsock_clock() + CLIENT_DEADLINE;

  if (state == NULL || ep < 0)
    die("client setup", -ENOMEM);
  for (long i = 0; i < connections; i++) {
    int fd = checked("connect", llsock_inet_connect("127.0.0.1", port,
                                                    SOCK_STREAM,
                                                    LLSOCK_NONBLOCK));
    if (fd >= connections + 1024)
      die("client", -EMFILE);
    ev.events = EPOLLOUT;
    ev.data.fd = fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
      die("epoll_ctl", -errno);
  }
  while (done < connections) {
    int n = epoll_wait(ep, events, MAX_EVENTS, 1000);
    if (n < 0)
      die("epoll_wait", -errno);
    if (llsock_clock() > deadline)
      die("client: the echoes did not come", -ETIMEDOUT);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (state[fd] == 0) {
        int so_error = llsock_error(fd);
        if (so_error != 0)
          die("connect", -so_error);
        if (send(fd, message, MESSAGE_SIZE, MSG_NOSIGNAL) != MESSAGE_SIZE)
          die("send", -errno);
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
          die("epoll_ctl", -errno);
        state[fd] = 1;
      } else if (state[fd] == 1) {
        /* 64 bytes on loopback come in one piece */
        ssize_t got = recv(fd, buf, sizeof(buf), 0);
        if (got < 0 && errno == EAGAIN)
          continue;
        received_bad += got != MESSAGE_SIZE ||
                        memcmp(buf, message, MESSAGE_SIZE) != 0;
        close(fd);
        state[fd] = 2;
        done++;
      }
    }
  }
  close(ep);
  free(state);
  if (received_bad > 0) {
    fprintf(stderr, "poll-bench: %ld echoes differ from the message\n",
            received_bad);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  long connections = argc == 4 ? atol(argv[3]) : 0;

  if (connections < 1 ||
      (strcmp(argv[1], "server") != 0 && strcmp(argv[1], "client") != 0)) {
    fprintf(stderr, "usage: %s server raw|llsock CONNECTIONS\n"
                    "       %s client PORT CONNECTIONS\n",
            argv[0], argv[0]);
    return 2;
  }
  if (strcmp(argv[1], "client") == 0)
    return client(argv[2], connections);
  return server(strcmp(argv[2], "llsock") == 0, connections);
}
