#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

/* Generous: the machines running this are shared and slow. */
#define SLACK 2.0

static void on_alarm(int signo) {
  (void)signo;
}

/* SIGALRM after sec seconds, by a handler installed with flags. */
static void alarm_in(double sec, int flags, struct sigaction *saved) {
  struct sigaction sa;
  struct itimerval tick;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  ck_assert_int_eq(sigaction(SIGALRM, &sa, saved), 0);
  memset(&tick, 0, sizeof(tick));
  tick.it_value.tv_sec = (time_t)sec;
  tick.it_value.tv_usec = (suseconds_t)((sec - (double)(time_t)sec) * 1e6);
  ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
}

static void alarm_off(const struct sigaction *saved) {
  struct itimerval off;

  memset(&off, 0, sizeof(off));
  ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
  ck_assert_int_eq(sigaction(SIGALRM, saved, NULL), 0);
}

/* The clock never goes back and advances across a sleep of 20 ms. */
START_TEST(clock_is_monotonic_across_sleep) {
  double t0 = llsock_clock(), t1;

  ck_assert(t0 > 0);
  ck_assert_int_eq(llsock_sleep(0.02), 0);
  t1 = llsock_clock();
  ck_assert(t1 - t0 >= 0.02);
  ck_assert(t1 - t0 < 0.02 + SLACK);
}
END_TEST

/* sleep refuses negative and NaN times, and takes 0. */
START_TEST(sleep_bad_times) {
  ck_assert_int_eq(llsock_sleep(-1), -EINVAL);
  ck_assert_int_eq(llsock_sleep(NAN), -EINVAL);
  ck_assert_int_eq(llsock_sleep(INFINITY), -EINVAL);
  ck_assert_int_eq(llsock_sleep(0), 0);
}
END_TEST

/* A signal handler cuts a sleep short with -EINTR. */
START_TEST(sleep_interrupted) {
  struct sigaction saved;
  double t0 = llsock_clock();

  alarm_in(0.05, 0, &saved);
  ck_assert_int_eq(llsock_sleep(5), -EINTR);
  alarm_off(&saved);
  ck_assert(llsock_clock() - t0 < 5);
}
END_TEST

/* readable waits for data, writable is true at once on an idle socket. */
START_TEST(wait_readable_and_writable) {
  int a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLIN, 0), 0);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLOUT, 0), LLSOCK_POLLOUT);
  ck_assert_int_eq(llsock_send(b, "x", 1, 0), 1);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLIN, 2), LLSOCK_POLLIN);
  tu_close2(a, b);
}
END_TEST

/* A timeout of 50 ms with nothing to read ends in time with 0. */
START_TEST(wait_times_out) {
  int a, b;
  double t0, took;

  tu_tcp_pair(&a, &b);
  t0 = llsock_clock();
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLIN, 0.05), 0);
  took = llsock_clock() - t0;
  ck_assert(took >= 0.05);
  ck_assert(took < 0.05 + SLACK);
  tu_close2(a, b);
}
END_TEST

/* The peer closing shows as readable (EOF), and with RDHUP asked, RDHUP. */
START_TEST(wait_hangup) {
  int a, b, rc;

  tu_tcp_pair(&a, &b);
  tu_close(b);
  rc = llsock_wait(a, LLSOCK_POLLIN | LLSOCK_POLLRDHUP, 2);
  ck_assert(rc & LLSOCK_POLLIN);
  ck_assert(rc & LLSOCK_POLLRDHUP);
  tu_close(a);
}
END_TEST

/* A reset connection reports POLLERR with POLLHUP, asked for or not. */
START_TEST(wait_error_on_reset) {
  int a, b, rc;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_opt_set_linger(b, 1, 0), 0);
  tu_close(b);
  rc = llsock_wait(a, LLSOCK_POLLOUT, 2);
  ck_assert(rc & LLSOCK_POLLERR);
  ck_assert(rc & LLSOCK_POLLHUP);
  ck_assert_int_eq(llsock_error(a), ECONNRESET);
  tu_close(a);
}
END_TEST

/* Bad fds, unknown event bits and NaN are refused. */
START_TEST(wait_bad_arguments) {
  int a, b;

  ck_assert_int_eq(llsock_wait(-1, LLSOCK_POLLIN, 0), -EBADF);
  ck_assert_int_eq(llsock_wait(tu_closed_fd(), LLSOCK_POLLIN, 0), -EBADF);
  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLET, 0), -EINVAL);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLIN, NAN), -EINVAL);
  tu_close2(a, b);
}
END_TEST

/* A signal handler, even one with SA_RESTART, ends a wait with -EINTR,
 * and a caller that waits again for what is left ends at the deadline. */
START_TEST(wait_interrupted_keeps_deadline) {
  struct sigaction saved;
  int a, b, rc;
  double deadline = llsock_clock() + 0.3, left;

  tu_tcp_pair(&a, &b);
  alarm_in(0.05, SA_RESTART, &saved);
  rc = llsock_wait(a, LLSOCK_POLLIN, 0.3);
  alarm_off(&saved);
  ck_assert_int_eq(rc, -EINTR);
  left = deadline - llsock_clock();
  ck_assert(left > 0);
  ck_assert_int_eq(llsock_wait(a, LLSOCK_POLLIN, left), 0);
  ck_assert(llsock_clock() >= deadline);
  ck_assert(llsock_clock() < deadline + SLACK);
  tu_close2(a, b);
}
END_TEST

/* The poller's fd is close-on-exec, and closing it twice is -EBADF. */
START_TEST(poller_create_close) {
  int p = llsock_poller_create();

  ck_assert_int_ge(p, 0);
  ck_assert_int_eq(llsock_opt_get_cloexec(p), 1);
  ck_assert_int_eq(llsock_poller_close(p), 0);
  ck_assert_int_eq(llsock_poller_close(p), -EBADF);
}
END_TEST

/* An fd added for reading comes back with its tag once data arrives. */
START_TEST(poller_reports_fd_events_and_tag) {
  llsock_event ev[4];
  int p = llsock_poller_create(), a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_poller_add(p, a, LLSOCK_POLLIN, 0xdeadbeef), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 4, 0), 0);
  ck_assert_int_eq(llsock_send(b, "x", 1, 0), 1);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 4, 2), 1);
  ck_assert_int_eq(ev[0].fd, a);
  ck_assert_uint_eq(ev[0].events, LLSOCK_POLLIN);
  ck_assert_uint_eq(ev[0].tag, 0xdeadbeef);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* modify switches interest from reading to writing. */
START_TEST(poller_modify_interest) {
  llsock_event ev[2];
  int p = llsock_poller_create(), a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_poller_add(p, a, LLSOCK_POLLIN, 1), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 2, 0), 0);
  ck_assert_int_eq(llsock_poller_modify(p, a, LLSOCK_POLLOUT, 2), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 2, 0), 1);
  ck_assert_uint_eq(ev[0].events, LLSOCK_POLLOUT);
  ck_assert_uint_eq(ev[0].tag, 2);
  ck_assert_int_eq(llsock_poller_remove(p, a), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 2, 0), 0);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* Adding twice is -EEXIST, changing or removing an fd not there -ENOENT,
 * unknown bits and bad fds are refused. */
START_TEST(poller_bookkeeping_errors) {
  llsock_event ev[1];
  int p = llsock_poller_create(), a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_poller_add(p, a, LLSOCK_POLLIN, 0), 0);
  ck_assert_int_eq(llsock_poller_add(p, a, LLSOCK_POLLIN, 0), -EEXIST);
  ck_assert_int_eq(llsock_poller_modify(
                       p, a, LLSOCK_POLLIN | LLSOCK_POLLERR | LLSOCK_POLLHUP,
                       0),
                   0);
  ck_assert_int_eq(llsock_poller_modify(p, b, LLSOCK_POLLIN, 0), -ENOENT);
  ck_assert_int_eq(llsock_poller_remove(p, b), -ENOENT);
  ck_assert_int_eq(llsock_poller_add(p, b, LLSOCK_POLLERR << 20, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_poller_add(p, -1, LLSOCK_POLLIN, 0), -EBADF);
  ck_assert_int_eq(llsock_poller_add(p, tu_closed_fd(), LLSOCK_POLLIN, 0),
                   -EBADF);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 0, 0), -EINVAL);
  ck_assert_int_eq(llsock_poller_wait(p, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_poller_wait(p, ev, LLSOCK_MAX_EVENTS + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, NAN), -EINVAL);
  ck_assert_int_eq(llsock_poller_wait(tu_closed_fd(), ev, 1, 0), -EBADF);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* A one-shot fd reports once, then stays quiet until re-armed. */
START_TEST(poller_oneshot) {
  llsock_event ev[1];
  int p = llsock_poller_create(), a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_send(b, "x", 1, 0), 1);
  ck_assert_int_eq(
      llsock_poller_add(p, a, LLSOCK_POLLIN | LLSOCK_POLLONESHOT, 0), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 2), 1);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 0), 0);
  ck_assert_int_eq(
      llsock_poller_modify(p, a, LLSOCK_POLLIN | LLSOCK_POLLONESHOT, 0), 0);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 0), 1);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* Edge-triggered: unread data is reported once, new data again. */
START_TEST(poller_edge_triggered) {
  llsock_event ev[1];
  int p = llsock_poller_create(), a, b;

  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(llsock_poller_add(p, a, LLSOCK_POLLIN | LLSOCK_POLLET, 0),
                   0);
  ck_assert_int_eq(llsock_send(b, "x", 1, 0), 1);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 2), 1);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 0), 0);
  ck_assert_int_eq(llsock_send(b, "y", 1, 0), 1);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 2), 1);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* More ready fds than one stack chunk (256) all come back in one call,
 * and max caps the count. */
#define MANY 300
START_TEST(poller_more_than_a_chunk) {
  static llsock_event ev[MANY + 10];
  static int pair[MANY][2];
  int p = llsock_poller_create(), i, seen[MANY];
  struct rlimit rl;

  ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_cur < 2 * MANY + 64) {
    rl.rlim_cur = rl.rlim_max < 2 * MANY + 64 ? rl.rlim_max : 2 * MANY + 64;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
  }
  for (i = 0; i < MANY; i++) {
    ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair[i]), 0);
    ck_assert_int_eq(llsock_poller_add(p, pair[i][0], LLSOCK_POLLOUT,
                                       (unsigned int)i),
                     0);
  }
  ck_assert_int_eq(llsock_poller_wait(p, ev, 7, 0), 7);
  ck_assert_int_eq(llsock_poller_wait(p, ev, MANY + 10, 0), MANY);
  memset(seen, 0, sizeof(seen));
  for (i = 0; i < MANY; i++) {
    ck_assert_uint_lt(ev[i].tag, MANY);
    ck_assert_int_eq(ev[i].fd, pair[ev[i].tag][0]);
    seen[ev[i].tag]++;
  }
  for (i = 0; i < MANY; i++) {
    ck_assert_int_eq(seen[i], 1);
    tu_close2(pair[i][0], pair[i][1]);
  }
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* An fd numbered above 1024 (where select breaks) waits correctly, in
 * the poller and in llsock_wait. */
START_TEST(fd_above_1024) {
  struct rlimit rl;
  llsock_event ev[1];
  int a, b, high, p;

  ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_max < 2100) {
    printf("fd_above_1024: the hard fd limit is %lu, skipped\n",
           (unsigned long)rl.rlim_max);
    return;
  }
  if (rl.rlim_cur < 2100) {
    rl.rlim_cur = 2100;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
  }
  tu_tcp_pair(&a, &b);
  high = fcntl(a, F_DUPFD_CLOEXEC, 2000);
  ck_assert_int_ge(high, 2000);
  tu_close(a);
  p = llsock_poller_create();
  ck_assert_int_eq(llsock_poller_add(p, high, LLSOCK_POLLIN, 7), 0);
  ck_assert_int_eq(llsock_wait(high, LLSOCK_POLLIN, 0), 0);
  ck_assert_int_eq(llsock_send(b, "x", 1, 0), 1);
  ck_assert_int_eq(llsock_wait(high, LLSOCK_POLLIN, 2), LLSOCK_POLLIN);
  ck_assert_int_eq(llsock_poller_wait(p, ev, 1, 2), 1);
  ck_assert_int_eq(ev[0].fd, high);
  ck_assert_uint_eq(ev[0].tag, 7);
  tu_close2(high, b);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/* A signal ends a poller wait with -EINTR. */
START_TEST(poller_wait_interrupted) {
  struct sigaction saved;
  llsock_event ev[1];
  int p = llsock_poller_create(), rc;

  alarm_in(0.05, SA_RESTART, &saved);
  rc = llsock_poller_wait(p, ev, 1, 5);
  alarm_off(&saved);
  ck_assert_int_eq(rc, -EINTR);
  ck_assert_int_eq(llsock_poller_close(p), 0);
}
END_TEST

/*
 * A TCP listener whose accept queue is full: the kernel drops further
 * SYNs, so a connect to it never completes.  Fills the queue with
 * non-blocking connects and returns how many it made in conns.
 */
static int full_listener_on(const char *host, const char *want_port,
                            char port[TU_PORTSTRLEN], int conns[], int max,
                            int *n) {
  int listener = llsock_inet_bind(host, want_port, SOCK_STREAM, 0);
  llsock_addr addr;

  if (listener < 0)
    return listener;
  if (llsock_listen(listener, 0) < 0 || llsock_sockname(listener, &addr) < 0)
    return -EINVAL;
  tu_port_str(port, llsock_addr_port(&addr));
  for (*n = 0; *n < max; (*n)++) {
    conns[*n] = llsock_socket(llsock_addr_family(&addr), SOCK_STREAM, 0, 0);
    if (conns[*n] < 0)
      return conns[*n];
    if (llsock_connect_timeout(conns[*n], &addr, 0.2) == -ETIMEDOUT) {
      (*n)++;
      return listener;
    }
  }
  return -EAGAIN; /* the accept queue never filled */
}

static int full_listener(char port[TU_PORTSTRLEN], int conns[], int max,
                         int *n) {
  int listener = full_listener_on("127.0.0.1", NULL, port, conns, max, n);

  ck_assert_int_ge(listener, 0);
  return listener;
}

static void close_all(int fds[], int n) {
  int i;

  for (i = 0; i < n; i++)
    tu_close(fds[i]);
}

/* A connect to a listener that never answers gives -ETIMEDOUT within the
 * budget, and the fd keeps its blocking mode. */
START_TEST(connect_timeout_full_backlog) {
  char port[TU_PORTSTRLEN];
  int conns[16], n, listener = full_listener(port, conns, 16, &n), fd;
  llsock_addr addr;
  double t0, took;

  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", port), 0);
  fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
  t0 = llsock_clock();
  ck_assert_int_eq(llsock_connect_timeout(fd, &addr, 0.3), -ETIMEDOUT);
  took = llsock_clock() - t0;
  ck_assert(took >= 0.3);
  ck_assert(took < 0.3 + SLACK);
  ck_assert_int_eq(llsock_opt_get_nonblock(fd), 0);
  tu_close(fd);

  t0 = llsock_clock();
  fd = llsock_inet_connect_timeout("127.0.0.1", port, SOCK_STREAM,
                                   LLSOCK_NONBLOCK, 0.3);
  ck_assert_int_eq(fd, -ETIMEDOUT);
  ck_assert(llsock_clock() - t0 < 0.3 + SLACK);
  close_all(conns, n);
  tu_close(listener);
}
END_TEST

/* A connect that succeeds or is refused within the limit says so, and
 * the socket keeps the mode it was asked for. */
START_TEST(connect_timeout_outcomes) {
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port), fd, conn;
  char closed[TU_PORTSTRLEN];

  fd = llsock_inet_connect_timeout("127.0.0.1", port, SOCK_STREAM, 0, 2);
  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, 0);
  conn = llsock_accept(listener, NULL);
  ck_assert_int_ge(conn, 0);
  tu_close2(fd, conn);
  fd = llsock_inet_connect_timeout("127.0.0.1", port, SOCK_STREAM,
                                   LLSOCK_NONBLOCK, 2);
  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, 1);
  ck_assert_int_eq(llsock_wait(listener, LLSOCK_POLLIN, 2), LLSOCK_POLLIN);
  conn = llsock_accept(listener, NULL);
  ck_assert_int_ge(conn, 0);
  tu_close2(fd, conn);

  tu_port_str(closed, tu_local_port(listener));
  tu_close(listener);
  ck_assert_int_eq(
      llsock_inet_connect_timeout("127.0.0.1", closed, SOCK_STREAM, 0, 2),
      -ECONNREFUSED);
  ck_assert_int_eq(
      llsock_inet_connect_timeout("127.0.0.1", closed, SOCK_STREAM, 0, NAN),
      -EINVAL);
}
END_TEST

/*
 * In the child of tu_in_netns(): a private /etc/hosts (a bind mount in a
 * mount namespace of its own) gives the name "llsock-two" both ::1 and
 * 127.0.0.1.  The first address getaddrinfo returns is dead (a full
 * accept queue), the second listens at the same port: a connect with a
 * 1 s budget still succeeds, because the dead one gets only its share.
 */
static const char *shares_budget_in_ns(void *arg) {
  struct addrinfo hints, *res = NULL;
  char hosts[] = "/tmp/llsock-hosts.XXXXXX", first[LLSOCK_ADDRSTRLEN];
  char second[LLSOCK_ADDRSTRLEN], port[TU_PORTSTRLEN];
  int conns[16], n = 0, dead, live, fd, tmp;
  llsock_addr a;

  (void)arg;
  if (unshare(CLONE_NEWNS) == -1 ||
      mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
    return TU_NS_SKIP "no mount namespace here";
  tmp = mkstemp(hosts);
  TU_NS_CHECK(tmp >= 0);
  dprintf(tmp, "::1 llsock-two\n127.0.0.1 llsock-two\n");
  close(tmp);
  if (mount(hosts, "/etc/hosts", "none", MS_BIND, NULL) == -1) {
    unlink(hosts);
    return TU_NS_SKIP "cannot mount a private /etc/hosts";
  }
  unlink(hosts);
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  TU_NS_CHECK(llsock_getaddrinfo("llsock-two", "1", &hints, &res) == 0);
  TU_NS_CHECK(res->ai_next != NULL &&
              res->ai_family != res->ai_next->ai_family);
  llsock_addr_set(&a, res->ai_addr, res->ai_addrlen);
  llsock_addr_host(&a, first, sizeof(first));
  llsock_addr_set(&a, res->ai_next->ai_addr, res->ai_next->ai_addrlen);
  llsock_addr_host(&a, second, sizeof(second));
  freeaddrinfo(res);
  dead = full_listener_on(first, NULL, port, conns, 16, &n);
  TU_NS_CHECK(dead >= 0);
  live = llsock_inet_bind(second, port, SOCK_STREAM, 0);
  TU_NS_CHECK(live >= 0);
  TU_NS_CHECK(llsock_listen(live, LLSOCK_BACKLOG) == 0);
  fd = llsock_inet_connect_timeout("llsock-two", port, SOCK_STREAM, 0, 1.0);
  TU_NS_CHECK(fd >= 0);
  TU_NS_CHECK(llsock_opt_get_nonblock(fd) == 0);
  return NULL; /* the child exits: its fds go with it */
}

START_TEST(connect_timeout_shares_budget) {
  tu_in_netns("connect_timeout_shares_budget", "ip link set lo up",
              shares_budget_in_ns, NULL);
}
END_TEST

/* Bad addresses, NaN limits and bad fds are refused. */
START_TEST(connect_timeout_bad_arguments) {
  llsock_addr addr;
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);

  ck_assert_int_eq(llsock_connect_timeout(fd, NULL, 1), -EINVAL);
  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", "9"), 0);
  ck_assert_int_eq(llsock_connect_timeout(fd, &addr, NAN), -EINVAL);
  ck_assert_int_eq(llsock_connect_timeout(tu_closed_fd(), &addr, 1),
                   -EBADF);
  tu_close(fd);
  ck_assert_int_eq(llsock_unix_connect_timeout("/nonexistent/llsock", 19,
                                               SOCK_STREAM, 0, 1),
                   -ENOENT);
}
END_TEST

/* A unix listener with a full backlog: connect waits within the limit,
 * -ETIMEDOUT after it, and once the listener accepts, room frees up. */
START_TEST(unix_connect_timeout_full_backlog) {
  char path[TU_PATHLEN];
  int listener, conns[16], n = 0, fd, rc;
  size_t len = strlen(tu_tmppath(path, "full"));
  double t0;

  listener = llsock_unix_bind(path, len, SOCK_STREAM, 0);
  ck_assert_int_ge(listener, 0);
  ck_assert_int_eq(llsock_listen(listener, 0), 0);
  for (;;) {
    ck_assert_int_lt(n, 16);
    rc = llsock_unix_connect_timeout(path, len, SOCK_STREAM, 0, 0);
    if (rc == -ETIMEDOUT)
      break;
    ck_assert_int_ge(rc, 0);
    conns[n++] = rc;
  }
  t0 = llsock_clock();
  ck_assert_int_eq(llsock_unix_connect_timeout(path, len, SOCK_STREAM,
                                               LLSOCK_NONBLOCK, 0.2),
                   -ETIMEDOUT);
  ck_assert(llsock_clock() - t0 >= 0.2);
  ck_assert(llsock_clock() - t0 < 0.2 + SLACK);
  fd = llsock_accept(listener, NULL);
  ck_assert_int_ge(fd, 0);
  tu_close(fd);
  fd = llsock_unix_connect_timeout(path, len, SOCK_STREAM, LLSOCK_NONBLOCK,
                                   2);
  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, 1);
  tu_close(fd);
  close_all(conns, n);
  tu_close(listener);
}
END_TEST

int main(void) {
  Suite *s = suite_create("poll");
  TCase *tc = tu_tcase(s, "clock");

  tcase_add_test(tc, clock_is_monotonic_across_sleep);
  tcase_add_test(tc, sleep_bad_times);
  tcase_add_test(tc, sleep_interrupted);

  tc = tu_tcase(s, "wait");
  tcase_add_test(tc, wait_readable_and_writable);
  tcase_add_test(tc, wait_times_out);
  tcase_add_test(tc, wait_hangup);
  tcase_add_test(tc, wait_error_on_reset);
  tcase_add_test(tc, wait_bad_arguments);
  tcase_add_test(tc, wait_interrupted_keeps_deadline);

  tc = tu_tcase(s, "poller");
  tcase_add_test(tc, poller_create_close);
  tcase_add_test(tc, poller_reports_fd_events_and_tag);
  tcase_add_test(tc, poller_modify_interest);
  tcase_add_test(tc, poller_bookkeeping_errors);
  tcase_add_test(tc, poller_oneshot);
  tcase_add_test(tc, poller_edge_triggered);
  tcase_add_test(tc, poller_more_than_a_chunk);
  tcase_add_test(tc, fd_above_1024);
  tcase_add_test(tc, poller_wait_interrupted);

  tc = tu_tcase(s, "connect");
  tcase_set_timeout(tc, 30);
  tu_use_tmpdir(tc);
  tcase_add_test(tc, connect_timeout_full_backlog);
  tcase_add_test(tc, connect_timeout_outcomes);
  tcase_add_test(tc, connect_timeout_shares_budget);
  tcase_add_test(tc, connect_timeout_bad_arguments);
  tcase_add_test(tc, unix_connect_timeout_full_backlog);
  return tu_run(s);
}
