/* Helpers shared by the libllsock Check programs (tests/check_*.c). */
#ifndef LLSOCK_TESTUTIL_H
#define LLSOCK_TESTUTIL_H

/* first, so the tests see the same feature macros as the library */
#include "config.h"

#include <check.h>
#include <stddef.h>

#include "llsock.h"

/* The number of elements of array a. */
#define TU_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Room for a port number as a decimal string. */
#define TU_PORTSTRLEN 8
/* Room for a path inside the per-test temp dir, or an abstract name. */
#define TU_PATHLEN 256
/* How long a test waits for the loopback to deliver something. */
#define TU_WAIT_MS 2000

/*
 * A test case added to s, with a checked fixture that fails any of its tests
 * which leaves an fd open that was not open before it (or closes one that
 * was).
 */
TCase *tu_tcase(Suite *s, const char *name);
/* Run every test of s; the exit status for main(). */
int tu_run(Suite *s);

/* Give each test of tc an empty directory tu_tmpdir, removed after tc. */
void tu_use_tmpdir(TCase *tc);
extern char tu_tmpdir[];
/* buf = tu_tmpdir "/" name; returns buf. */
char *tu_tmppath(char buf[TU_PATHLEN], const char *name);

/* A Linux abstract unix name unique to this process; returns its length. */
size_t tu_abstract_name(char buf[TU_PATHLEN]);

/* Port of a bound inet socket, as a number and as a string. */
int tu_local_port(int fd);
char *tu_port_str(char buf[TU_PORTSTRLEN], int port);
/* A listening TCP socket on host (numeric loopback) port 0; its port. */
int tu_tcp_listener(const char *host, char port[TU_PORTSTRLEN]);
/* A connected TCP pair over 127.0.0.1. */
void tu_tcp_pair(int *client, int *server);
/* Two UDP sockets on 127.0.0.1, each connected to the other. */
void tu_udp_pair(int *a, int *b);
/* A connected unix pair of socktype (SOCK_STREAM, SOCK_SEQPACKET) on an
 * abstract name. */
void tu_unix_pair(int socktype, int *client, int *server);

/* 1 when ::1 can be bound; else prints why the caller skips and is 0. */
int tu_ipv6_usable(const char *test);

/*
 * Network namespaces.  tu_in_netns() forks a child that enters a new
 * network namespace, runs the shell command setup there (iproute2's ip,
 * say; NULL for none) and then fn(arg).  fn reports a failure by returning
 * a message (NULL is success), or asks to be skipped with a message that
 * starts with TU_NS_SKIP; it must not use ck_assert, which cannot reach
 * the test from a second process.  Returns 1 when fn ran and passed;
 * fails the test when fn failed; returns 0 after printing why the caller
 * skips when namespaces, the capability or the setup are unavailable.
 */
typedef const char *tu_netns_fn(void *arg);
#define TU_NS_SKIP "skip: "
int tu_in_netns(const char *test, const char *setup, tu_netns_fn *fn,
                void *arg);
/*
 * The setup for tu_in_netns() that makes the namespace a chain
 * A -- R1 -- ... -- Rn -- B of routers (tests/netns-chain.sh, which gives
 * the addresses), owned by the namespace's process; args is a string
 * literal: the number of routers, then the MTU of the link into B.
 */
#define TU_NETNS_CHAIN(args)                                                  \
  "sh \"$top_srcdir/tests/netns-chain.sh\" $PPID " args
/* For fn: the message for a failed condition, as ck_assert would word it. */
#define TU_NS_CHECK(cond)                                                     \
  do {                                                                        \
    if (!(cond))                                                              \
      return __FILE__ ":" TU_STR(__LINE__) ": failed: " #cond;                \
  } while (0)
#define TU_STR(x) TU_STR_(x)
#define TU_STR_(x) #x

/* fd is close-on-exec, and non-blocking exactly when nonblock is 1. */
void tu_assert_fd_mode(int fd, int nonblock);
/* Poll fd for events for up to TU_WAIT_MS; fails the test on timeout. */
short tu_wait(int fd, short events);
/* An fd number that is not open right now. */
int tu_closed_fd(void);
/* A pipe, for "not a socket" errors. */
void tu_pipe(int fds[2]);
/* llsock_close(fd, LLSOCK_SHUT_NONE), which must succeed. */
void tu_close(int fd);
/* Close both fds of a pair. */
void tu_close2(int a, int b);

#endif /* LLSOCK_TESTUTIL_H */
