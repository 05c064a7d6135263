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
