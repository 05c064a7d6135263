#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <unistd.h>

/* The socket calls that fail alike on a bad fd: everything but atmark,
 * whose ioctl says -ENOTTY for a non-socket. */
static void assert_socket_calls_fail(int fd, int code) {
  llsock_addr addr;

  ck_assert_int_eq(llsock_sockname(fd, &addr), code);
  ck_assert_uint_eq(addr.len, 0);
  ck_assert_int_eq(llsock_peername(fd, &addr), code);
  ck_assert_uint_eq(addr.len, 0);
  ck_assert_int_eq(llsock_type(fd), code);
  ck_assert_int_eq(llsock_error(fd), code);
  ck_assert_int_eq(llsock_shutdown(fd, SHUT_RDWR), code);
  ck_assert_int_eq(llsock_listen(fd, LLSOCK_BACKLOG), code);
  ck_assert_int_eq(llsock_accept(fd, NULL), code);
  ck_assert_int_eq(llsock_accept_inherit(fd, &addr), code);
}

/* The four data calls all fail with code on fd. */
static void assert_io_calls_fail(int fd, int code) {
  llsock_addr from, to;
  char buf[4];

  ck_assert_int_eq(llsock_addr_inet(&to, "127.0.0.1", "9"), 0);
  ck_assert_int_eq(llsock_recv(fd, buf, sizeof(buf), 0), code);
  ck_assert_int_eq(llsock_recvfrom(fd, buf, sizeof(buf), 0, &from), code);
  ck_assert_uint_eq(from.len, 0);
  ck_assert_int_eq(llsock_send(fd, "x", 1, 0), code);
  ck_assert_int_eq(llsock_sendto(fd, "x", 1, 0, &to), code);
}

/*
 * SIGPIPE's default action, unblocked, so a send that raised it would kill
 * the test; *saved receives the previous action.
 */
static void sigpipe_kills(struct sigaction *saved) {
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigset_t set;

  sigemptyset(&dfl.sa_mask);
  ck_assert_int_eq(sigaction(SIGPIPE, &dfl, saved), 0);
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
}

/* Still alive after the send, and no SIGPIPE waiting either. */
static void assert_no_sigpipe(const struct sigaction *saved) {
  sigset_t pending;

  ck_assert_int_eq(sigpending(&pending), 0);
  ck_assert_int_eq(sigismember(&pending, SIGPIPE), 0);
  ck_assert_int_eq(sigaction(SIGPIPE, saved, NULL), 0);
}

/* A listening TCP socket on 127.0.0.1 plus a client connected to it. */
static int listener_with_client(int listener_flags, int *client) {
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);

  ck_assert_int_eq(llsock_opt_set_nonblock(listener,
                                           listener_flags & LLSOCK_NONBLOCK),
                   0);
  *client = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, 0);
  ck_assert_int_ge(*client, 0);
  return listener;
}

/* ---- library ------------------------------------------------------------- */

START_TEST(version_is_the_release) {
  /* The linked library reports the release configure.ac names, so the
   * header's LLSOCK_VERSION_* and the package cannot drift apart. */
  char header[32];

  ck_assert_str_eq(llsock_version(), PACKAGE_VERSION);
  snprintf(header, sizeof(header), "%d.%d.%d", LLSOCK_VERSION_MAJOR,
           LLSOCK_VERSION_MINOR, LLSOCK_VERSION_PATCH);
  ck_assert_str_eq(header, PACKAGE_VERSION);
}
END_TEST

/* ---- sockname, peername, type, error, atmark ----------------------------- */

START_TEST(sockname_and_peername) {
  /* Each end's sockname is the other end's peername. */
  llsock_addr client_local, client_peer, server_local, server_peer;
  int client, server;

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_sockname(client, &client_local), 0);
  ck_assert_int_eq(llsock_peername(client, &client_peer), 0);
  ck_assert_int_eq(llsock_sockname(server, &server_local), 0);
  ck_assert_int_eq(llsock_peername(server, &server_peer), 0);
  ck_assert(llsock_addr_equal(&client_local, &server_peer));
  ck_assert(llsock_addr_equal(&client_peer, &server_local));
  ck_assert_int_eq(llsock_addr_family(&client_local), AF_INET);
  tu_close2(client, server);
}
END_TEST

START_TEST(peername_unconnected) {
  /* An unconnected socket has no peer: -ENOTCONN, and a NULL address is
   * -EINVAL for both calls. */
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);
  llsock_addr addr;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_peername(fd, &addr), -ENOTCONN);
  ck_assert_uint_eq(addr.len, 0);
  ck_assert_int_eq(llsock_peername(fd, NULL), -EINVAL);
  ck_assert_int_eq(llsock_sockname(fd, NULL), -EINVAL);
  tu_close(fd);
}
END_TEST

START_TEST(type_of_each_socktype) {
  /* llsock_type reports SO_TYPE: stream, datagram or seqpacket. */
  int tcp = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
  int udp = llsock_socket(AF_INET, SOCK_DGRAM, 0, 0);
  int seq = llsock_socket(AF_UNIX, SOCK_SEQPACKET, 0, 0);

  ck_assert_int_eq(llsock_type(tcp), SOCK_STREAM);
  ck_assert_int_eq(llsock_type(udp), SOCK_DGRAM);
  ck_assert_int_eq(llsock_type(seq), SOCK_SEQPACKET);
  tu_close2(tcp, udp);
  tu_close(seq);
}
END_TEST

START_TEST(error_after_refused_nonblocking_connect) {
  /* A non-blocking connect to a refusing port returns its fd, then
   * SO_ERROR holds ECONNREFUSED once and is cleared by reading it. */
  int refusing = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);
  char port[TU_PORTSTRLEN];
  int fd;

  ck_assert_int_ge(refusing, 0);
  tu_port_str(port, tu_local_port(refusing));
  fd = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, LLSOCK_NONBLOCK);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_ne(tu_wait(fd, POLLOUT) & POLLERR, 0);
  ck_assert_int_eq(llsock_error(fd), ECONNREFUSED);
  ck_assert_int_eq(llsock_error(fd), 0);
  tu_close2(fd, refusing);
}
END_TEST

START_TEST(error_none_when_healthy) {
  /* A fresh or connected socket has no pending error. */
  int client, server;

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_error(client), 0);
  ck_assert_int_eq(llsock_error(server), 0);
  tu_close2(client, server);
}
END_TEST

START_TEST(atmark_at_urgent_data) {
  /* atmark is 0 before the out-of-band mark and 1 once the bytes before it
   * are read. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_atmark(server), 0);
  ck_assert_int_eq(llsock_send(client, "ab", 2, 0), 2);
  ck_assert_int_eq(llsock_send(client, "c", 1, MSG_OOB), 1);
  tu_wait(server, POLLPRI);
  ck_assert_int_eq(llsock_atmark(server), 0);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 2);
  ck_assert_mem_eq(buf, "ab", 2);
  ck_assert_int_eq(llsock_atmark(server), 1);
  ck_assert_int_eq(llsock_recv(server, buf, 1, MSG_OOB), 1);
  ck_assert_int_eq(buf[0], 'c');
  tu_close2(client, server);
}
END_TEST

START_TEST(socket_calls_on_closed_fd) {
  /* Every socket call on an fd that is not open is -EBADF. */
  int fd = tu_closed_fd();

  assert_socket_calls_fail(fd, -EBADF);
  ck_assert_int_eq(llsock_atmark(fd), -EBADF);
}
END_TEST

START_TEST(socket_calls_on_pipe) {
  /* Every socket call on a pipe is -ENOTSOCK, but atmark, whose ioctl
   * reports -ENOTTY as POSIX says. */
  int fds[2];

  tu_pipe(fds);
  assert_socket_calls_fail(fds[0], -ENOTSOCK);
  ck_assert_int_eq(llsock_atmark(fds[0]), -ENOTTY);
  tu_close2(fds[0], fds[1]);
}
END_TEST

/* ---- shutdown and close -------------------------------------------------- */

START_TEST(shutdown_write_half) {
  /* Shutting down the write side gives the peer EOF while the other
   * direction still carries data. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_shutdown(client, SHUT_WR), 0);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 0);
  ck_assert_int_eq(llsock_send(server, "ok", 2, 0), 2);
  ck_assert_int_eq(llsock_recv(client, buf, sizeof(buf), 0), 2);
  ck_assert_mem_eq(buf, "ok", 2);
  ck_assert_int_eq(llsock_shutdown(client, SHUT_RD), 0);
  ck_assert_int_eq(llsock_shutdown(server, SHUT_RDWR), 0);
  tu_close2(client, server);
}
END_TEST

START_TEST(shutdown_bad_how_and_unconnected) {
  /* A how other than SHUT_RD/WR/RDWR is -EINVAL; an unconnected socket is
   * -ENOTCONN. */
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);

  ck_assert_int_eq(llsock_shutdown(fd, 3), -EINVAL);
  ck_assert_int_eq(llsock_shutdown(fd, -1), -EINVAL);
  ck_assert_int_eq(llsock_shutdown(fd, LLSOCK_SHUT_NONE), -EINVAL);
  ck_assert_int_eq(llsock_shutdown(fd, SHUT_RDWR), -ENOTCONN);
  tu_close(fd);
}
END_TEST

START_TEST(close_with_shutdown) {
  /* Closing with SHUT_RDWR succeeds and the peer reads EOF. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_close(client, SHUT_RDWR), 0);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 0);
  tu_close(server);
}
END_TEST

START_TEST(close_releases_fd_when_shutdown_fails) {
  /* When the shutdown fails (-ENOTCONN, -ENOTSOCK) that error is returned
   * and the fd is released all the same. */
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0), fds[2];

  ck_assert_int_eq(llsock_close(fd, SHUT_RDWR), -ENOTCONN);
  ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
  tu_pipe(fds);
  ck_assert_int_eq(llsock_close(fds[0], SHUT_RD), -ENOTSOCK);
  ck_assert_int_eq(fcntl(fds[0], F_GETFD), -1);
  ck_assert_int_eq(llsock_close(fds[1], LLSOCK_SHUT_NONE), 0);
}
END_TEST

START_TEST(close_bad_how_keeps_fd) {
  /* An invalid how is rejected with -EINVAL before anything happens: the
   * fd stays open. */
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);

  ck_assert_int_eq(llsock_close(fd, 3), -EINVAL);
  ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
  tu_close(fd);
}
END_TEST

START_TEST(close_bad_fd) {
  /* Closing -1, or an fd that is not open, is -EBADF. */
  ck_assert_int_eq(llsock_close(-1, LLSOCK_SHUT_NONE), -EBADF);
  ck_assert_int_eq(llsock_close(-1, SHUT_RDWR), -EBADF);
  ck_assert_int_eq(llsock_close(tu_closed_fd(), LLSOCK_SHUT_NONE), -EBADF);
}
END_TEST

/* ---- listen and accept --------------------------------------------------- */

START_TEST(listen_backlogs) {
  /* Backlogs 0 and LLSOCK_BACKLOG are accepted, a negative one is -EINVAL,
   * and a datagram socket cannot listen: -EOPNOTSUPP. */
  int tcp = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);
  int udp = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);

  ck_assert_int_eq(llsock_listen(tcp, -1), -EINVAL);
  ck_assert_int_eq(llsock_listen(tcp, INT_MIN), -EINVAL);
  ck_assert_int_eq(llsock_listen(tcp, 0), 0);
  ck_assert_int_eq(llsock_listen(tcp, LLSOCK_BACKLOG), 0);
  ck_assert_int_eq(llsock_listen(udp, 1), -EOPNOTSUPP);
  tu_close2(tcp, udp);
}
END_TEST

static const struct {
  int (*accept)(int fd, llsock_addr *peer);
  int listener_nonblock;
  int want_nonblock;
} accept_modes[] = {
  {llsock_accept, 0, 0},
  {llsock_accept, 1, 0},
  {llsock_accept_inherit, 0, 0},
  {llsock_accept_inherit, 1, 1},
};

START_TEST(accept_blocking_mode) {
  /* llsock_accept always gives a blocking socket, llsock_accept_inherit the
   * listener's mode; both are close-on-exec and report the client as
   * peer. */
  int client, server, listener = listener_with_client(
                                      accept_modes[_i].listener_nonblock,
                                      &client);
  llsock_addr peer, client_local;

  tu_wait(listener, POLLIN);
  server = accept_modes[_i].accept(listener, &peer);
  ck_assert_int_ge(server, 0);
  tu_assert_fd_mode(server, accept_modes[_i].want_nonblock);
  ck_assert_int_eq(llsock_sockname(client, &client_local), 0);
  ck_assert(llsock_addr_equal(&peer, &client_local));
  tu_close2(server, client);
  tu_close(listener);
}
END_TEST

START_TEST(accept_without_peer) {
  /* A NULL peer is allowed, whatever the accept and the listener's mode. */
  int client, server, listener = listener_with_client(
                                      accept_modes[_i].listener_nonblock,
                                      &client);

  tu_wait(listener, POLLIN);
  server = accept_modes[_i].accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  tu_close2(server, client);
  tu_close(listener);
}
END_TEST

START_TEST(accept_failures) {
  /* An empty non-blocking listener is -EAGAIN for both accepts; a socket
   * that is not listening is -EINVAL. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);
  int idle = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);

  ck_assert_int_eq(llsock_opt_set_nonblock(listener, 1), 0);
  ck_assert_int_eq(llsock_accept(listener, NULL), -EAGAIN);
  ck_assert_int_eq(llsock_accept_inherit(listener, NULL), -EAGAIN);
  ck_assert_int_eq(llsock_accept(idle, NULL), -EINVAL);
  ck_assert_int_eq(llsock_accept_inherit(idle, NULL), -EINVAL);
  tu_close2(listener, idle);
}
END_TEST

/* ---- send and recv ------------------------------------------------------- */

START_TEST(tcp_send_recv) {
  /* Bytes sent on one end of a TCP connection arrive on the other. */
  int client, server;
  char buf[16];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_send(client, "hello", 5, 0), 5);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 5);
  ck_assert_mem_eq(buf, "hello", 5);
  ck_assert_int_eq(llsock_sendto(server, "back", 4, 0, NULL), 4);
  ck_assert_int_eq(llsock_recvfrom(client, buf, sizeof(buf), 0, NULL), 4);
  ck_assert_mem_eq(buf, "back", 4);
  tu_close2(client, server);
}
END_TEST

START_TEST(tcp_recvfrom_has_no_source) {
  /* recvfrom on a connected stream returns the data and an empty
   * source. */
  int client, server;
  llsock_addr from;
  char buf[8];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_send(client, "abc", 3, 0), 3);
  ck_assert_int_eq(llsock_recvfrom(server, buf, sizeof(buf), 0, &from), 3);
  ck_assert_uint_eq(from.len, 0);
  ck_assert_int_eq(llsock_addr_family(&from), AF_UNSPEC);
  tu_close2(client, server);
}
END_TEST

START_TEST(recv_peek) {
  /* MSG_PEEK returns the data and leaves it queued for the next recv. */
  int client, server;
  char buf[8];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_send(client, "peek", 4, 0), 4);
  tu_wait(server, POLLIN);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), MSG_PEEK), 4);
  ck_assert_mem_eq(buf, "peek", 4);
  memset(buf, 0, sizeof(buf));
  ck_assert_int_eq(llsock_recvfrom(server, buf, 2, MSG_PEEK, NULL), 2);
  ck_assert_mem_eq(buf, "pe", 2);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 4);
  ck_assert_mem_eq(buf, "peek", 4);
  tu_close2(client, server);
}
END_TEST

START_TEST(recv_dontwait_empty) {
  /* With nothing queued, MSG_DONTWAIT (or a non-blocking socket) is
   * -EAGAIN. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), MSG_DONTWAIT),
                   -EAGAIN);
  ck_assert_int_eq(
      llsock_recvfrom(server, buf, sizeof(buf), MSG_DONTWAIT, NULL), -EAGAIN);
  ck_assert_int_eq(llsock_opt_set_nonblock(server, 1), 0);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), -EAGAIN);
  tu_close2(client, server);
}
END_TEST

START_TEST(send_dontwait_full) {
  /* Filling a connection that nobody reads ends in -EAGAIN with
   * MSG_DONTWAIT, not in a block. */
  static char chunk[65536];
  int client, server, rounds;
  ssize_t n = 0;

  tu_tcp_pair(&client, &server);
  /* the send buffer fills within a few MB; the bound keeps a broken
   * MSG_DONTWAIT from spinning forever */
  for (rounds = 0; rounds < 4096; rounds++) {
    n = llsock_send(client, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n < 0)
      break;
  }
  ck_assert_int_eq(n, -EAGAIN);
  tu_close2(client, server);
}
END_TEST

START_TEST(recv_eof) {
  /* Once the peer closes, recv and recvfrom return 0. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  tu_close(client);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 0);
  ck_assert_int_eq(llsock_recvfrom(server, buf, sizeof(buf), 0, NULL), 0);
  tu_close(server);
}
END_TEST

START_TEST(send_after_shutdown_is_epipe) {
  /* A TCP send after our own write shutdown is -EPIPE, and the default
   * SIGPIPE action does not kill the process. */
  struct sigaction saved;
  int client, server;

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_shutdown(client, SHUT_WR), 0);
  sigpipe_kills(&saved);
  ck_assert_int_eq(llsock_send(client, "x", 1, 0), -EPIPE);
  ck_assert_int_eq(llsock_sendto(client, "x", 1, 0, NULL), -EPIPE);
  assert_no_sigpipe(&saved);
  tu_close2(client, server);
}
END_TEST

START_TEST(send_to_closed_unix_peer_is_epipe) {
  /* A unix stream send to a closed peer is -EPIPE, and the default SIGPIPE
   * action does not kill the process. */
  struct sigaction saved;
  int client, server;

  tu_unix_pair(SOCK_STREAM, &client, &server);
  tu_close(server);
  sigpipe_kills(&saved);
  ck_assert_int_eq(llsock_send(client, "x", 1, 0), -EPIPE);
  ck_assert_int_eq(llsock_sendto(client, "x", 1, 0, NULL), -EPIPE);
  assert_no_sigpipe(&saved);
  tu_close(client);
}
END_TEST

START_TEST(unix_stream_send_recv) {
  /* Bytes cross a unix stream connection, with MSG_PEEK leaving them
   * queued. */
  int client, server;
  char buf[8];

  tu_unix_pair(SOCK_STREAM, &client, &server);
  ck_assert_int_eq(llsock_send(client, "unix", 4, 0), 4);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), MSG_PEEK), 4);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 4);
  ck_assert_mem_eq(buf, "unix", 4);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), MSG_DONTWAIT),
                   -EAGAIN);
  tu_close2(client, server);
}
END_TEST

/* ---- datagrams ----------------------------------------------------------- */

START_TEST(udp_sendto_recvfrom) {
  /* A datagram sent to a bound UDP socket arrives whole with the sender's
   * address as its source. */
  int a = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  int b = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  llsock_addr to, from, a_local;
  char buf[16];

  ck_assert_int_ge(a, 0);
  ck_assert_int_ge(b, 0);
  ck_assert_int_eq(llsock_sockname(b, &to), 0);
  ck_assert_int_eq(llsock_sockname(a, &a_local), 0);
  ck_assert_int_eq(llsock_sendto(a, "datagram", 8, 0, &to), 8);
  ck_assert_int_eq(llsock_recvfrom(b, buf, sizeof(buf), 0, &from), 8);
  ck_assert_mem_eq(buf, "datagram", 8);
  ck_assert(llsock_addr_equal(&from, &a_local));
  ck_assert_int_eq(llsock_sendto(b, "reply", 5, 0, &from), 5);
  ck_assert_int_eq(llsock_recvfrom(a, buf, sizeof(buf), 0, NULL), 5);
  ck_assert_mem_eq(buf, "reply", 5);
  tu_close2(a, b);
}
END_TEST

START_TEST(udp_truncates_datagram) {
  /* A short buffer truncates a datagram and drops the rest; MSG_TRUNC
   * reports the full length. */
  int a, b;
  char buf[8];

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_send(a, "12345", 5, 0), 5);
  ck_assert_int_eq(llsock_send(a, "678", 3, 0), 3);
  ck_assert_int_eq(llsock_recv(b, buf, 2, 0), 2);
  ck_assert_mem_eq(buf, "12", 2);
  ck_assert_int_eq(llsock_recv(b, buf, 1, MSG_TRUNC), 3);
  ck_assert_int_eq(llsock_recv(b, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
  tu_close2(a, b);
}
END_TEST

/* MSG_TRUNC on TCP discards the bytes and stores none, on UDP it reports
 * the datagram's length and stores what fits, on a unix stream the kernel
 * ignores it: llsock_recv_stored() tells which bytes of the buffer hold
 * data in each case, and trusts nothing on a bad fd. */
START_TEST(recv_stored_under_msg_trunc) {
  int c, s, a, b, pair[2];
  char buf[16];

  tu_tcp_pair(&c, &s);
  ck_assert_int_eq(llsock_send(c, "12345", 5, 0), 5);
  tu_wait(s, POLLIN);
  memset(buf, 'S', sizeof(buf));
  ck_assert_int_eq(llsock_recv(s, buf, sizeof(buf), MSG_TRUNC), 5);
  ck_assert_mem_eq(buf, "SSSSS", 5);
  ck_assert_uint_eq(llsock_recv_stored(s, sizeof(buf), 5, MSG_TRUNC), 0);
  ck_assert_uint_eq(llsock_recv_stored(s, sizeof(buf), 5, 0), 5);
  ck_assert_int_eq(llsock_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
  tu_close2(c, s);

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_send(a, "0123456789abcdefghij", 20, 0), 20);
  ck_assert_int_eq(llsock_recv(b, buf, 8, MSG_TRUNC), 20);
  ck_assert_mem_eq(buf, "01234567", 8);
  ck_assert_uint_eq(llsock_recv_stored(b, 8, 20, MSG_TRUNC), 8);
  ck_assert_uint_eq(llsock_recv_stored(b, 8, 3, MSG_TRUNC), 3);
  ck_assert_uint_eq(llsock_recv_stored(b, 8, -EAGAIN, MSG_TRUNC), 0);
  tu_close2(a, b);

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ck_assert_int_eq(llsock_send(pair[0], "hello", 5, 0), 5);
  ck_assert_int_eq(llsock_recv(pair[1], buf, 3, MSG_TRUNC), 3);
  ck_assert_mem_eq(buf, "hel", 3);
  ck_assert_uint_eq(llsock_recv_stored(pair[1], 3, 3, MSG_TRUNC), 3);
  tu_close2(pair[0], pair[1]);
  ck_assert_uint_eq(llsock_recv_stored(tu_closed_fd(), 8, 5, MSG_TRUNC), 0);
}
END_TEST

START_TEST(udp_send_without_destination) {
  /* An unconnected UDP socket with no destination is -EDESTADDRREQ, and an
   * address of another family is -EAFNOSUPPORT. */
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  llsock_addr v6;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_send(fd, "x", 1, 0), -EDESTADDRREQ);
  ck_assert_int_eq(llsock_sendto(fd, "x", 1, 0, NULL), -EDESTADDRREQ);
  ck_assert_int_eq(llsock_addr_inet(&v6, "::1", "9"), 0);
  ck_assert_int_eq(llsock_sendto(fd, "x", 1, 0, &v6), -EAFNOSUPPORT);
  tu_close(fd);
}
END_TEST

START_TEST(udp_refused_reported_on_recv) {
  /* A connected UDP socket whose peer port is closed gets -ECONNREFUSED
   * from the next recv (the loopback's ICMP port unreachable). */
  int a, b;
  char buf[4];

  tu_udp_pair(&a, &b);
  tu_close(b);
  ck_assert_int_eq(llsock_send(a, "x", 1, 0), 1);
  tu_wait(a, POLLERR);
  ck_assert_int_eq(llsock_recv(a, buf, sizeof(buf), 0), -ECONNREFUSED);
  tu_close(a);
}
END_TEST

/* ---- bad input ----------------------------------------------------------- */

START_TEST(null_buffer) {
  /* A NULL buffer with a length is -EINVAL; with length 0 it is allowed. */
  int client, server;

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_recv(server, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_recvfrom(server, NULL, 1, 0, NULL), -EINVAL);
  ck_assert_int_eq(llsock_send(client, NULL, 1, 0), -EINVAL);
  ck_assert_int_eq(llsock_sendto(client, NULL, 1, 0, NULL), -EINVAL);
  ck_assert_int_eq(llsock_send(client, NULL, 0, 0), 0);
  ck_assert_int_eq(llsock_sendto(client, NULL, 0, 0, NULL), 0);
  ck_assert_int_eq(llsock_recv(server, NULL, 0, MSG_DONTWAIT), -EAGAIN);
  tu_close2(client, server);
}
END_TEST

START_TEST(length_beyond_ssize_max) {
  /* A length a ssize_t result could not report is -EINVAL. */
  int client, server;
  char buf[4];

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_recv(server, buf, (size_t)SSIZE_MAX + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_recvfrom(server, buf, SIZE_MAX, 0, NULL), -EINVAL);
  ck_assert_int_eq(llsock_send(client, buf, (size_t)SSIZE_MAX + 1, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_sendto(client, buf, SIZE_MAX, 0, NULL), -EINVAL);
  tu_close2(client, server);
}
END_TEST

START_TEST(io_on_closed_fd) {
  /* send, sendto, recv and recvfrom on an fd that is not open are
   * -EBADF. */
  assert_io_calls_fail(tu_closed_fd(), -EBADF);
}
END_TEST

START_TEST(io_on_pipe) {
  /* send, sendto, recv and recvfrom on a pipe are -ENOTSOCK. */
  int fds[2];

  tu_pipe(fds);
  assert_io_calls_fail(fds[0], -ENOTSOCK);
  tu_close2(fds[0], fds[1]);
}
END_TEST

/* ---- sendmsg and recvmsg ------------------------------------------------- */

START_TEST(msg_gather_scatter) {
  /* sendmsg gathers several buffers and recvmsg scatters into several, with
   * the datagram's source in msg_name. */
  struct iovec out[2] = {{"head", 4}, {"tail", 4}};
  char first[3], rest[8];
  struct iovec in[2] = {{first, sizeof(first)}, {rest, sizeof(rest)}};
  llsock_addr to, from, a_local;
  struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2};
  int a, b;

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_sockname(b, &to), 0);
  ck_assert_int_eq(llsock_sockname(a, &a_local), 0);
  msg.msg_name = &to.u;
  msg.msg_namelen = to.len;
  ck_assert_int_eq(llsock_sendmsg(a, &msg, 0), 8);
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = in;
  msg.msg_iovlen = 2;
  msg.msg_name = &from.u;
  msg.msg_namelen = sizeof(from.u);
  ck_assert_int_eq(llsock_recvmsg(b, &msg, 0), 8);
  ck_assert_mem_eq(first, "hea", 3);
  ck_assert_mem_eq(rest, "dtail", 5);
  from.len = msg.msg_namelen;
  ck_assert(llsock_addr_equal(&from, &a_local));
  ck_assert_int_eq(msg.msg_flags & MSG_TRUNC, 0);
  tu_close2(a, b);
}
END_TEST

START_TEST(sendmsg_to_closed_peer_is_epipe) {
  /* sendmsg to a closed unix peer is -EPIPE, and the default SIGPIPE
   * action does not kill the process. */
  struct iovec iov = {"x", 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  struct sigaction saved;
  int fds[2];

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  tu_close(fds[1]);
  sigpipe_kills(&saved);
  ck_assert_int_eq(llsock_sendmsg(fds[0], &msg, 0), -EPIPE);
  assert_no_sigpipe(&saved);
  tu_close(fds[0]);
}
END_TEST

START_TEST(msg_bad_input) {
  /* A NULL msghdr is -EINVAL; a closed fd -EBADF and a pipe -ENOTSOCK. */
  struct iovec iov = {"x", 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  int fds[2], closed;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
  ck_assert_int_eq(llsock_sendmsg(fds[0], NULL, 0), -EINVAL);
  ck_assert_int_eq(llsock_recvmsg(fds[1], NULL, 0), -EINVAL);
  tu_close2(fds[0], fds[1]);
  tu_pipe(fds);
  ck_assert_int_eq(llsock_sendmsg(fds[1], &msg, 0), -ENOTSOCK);
  ck_assert_int_eq(llsock_recvmsg(fds[0], &msg, 0), -ENOTSOCK);
  tu_close2(fds[0], fds[1]);
  closed = tu_closed_fd();
  ck_assert_int_eq(llsock_sendmsg(closed, &msg, 0), -EBADF);
  ck_assert_int_eq(llsock_recvmsg(closed, &msg, 0), -EBADF);
}
END_TEST

/* ---- sendfile ------------------------------------------------------------ */

/* An in-memory file holding "0123456789", its position at 0. */
static int digits_file(void) {
  int fd = memfd_create("llsock-check", MFD_CLOEXEC);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "0123456789", 10), 10);
  ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
  return fd;
}

/* sendfile(2) has no MSG_NOSIGNAL, yet sendfile to a closed peer is -EPIPE
 * and the default SIGPIPE action does not kill the process. */
START_TEST(sendfile_to_closed_peer_is_epipe) {
  struct sigaction saved;
  int file = digits_file(), fds[2];
  off_t offset = 0;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  tu_close(fds[1]);
  sigpipe_kills(&saved);
  ck_assert_int_eq(llsock_sendfile(fds[0], file, &offset, 10), -EPIPE);
  assert_no_sigpipe(&saved);
  ck_assert_int_eq(offset, 0);
  tu_close2(fds[0], file);
}
END_TEST

/* The same from a pipe, through splice(2): -EPIPE, no SIGPIPE, and the
 * bytes stay in the pipe. */
START_TEST(sendfile_from_pipe_to_closed_peer_is_epipe) {
  struct sigaction saved;
  int fds[2], pipefd[2];
  char buf[16];

  tu_pipe(pipefd);
  ck_assert_int_eq(write(pipefd[1], "0123456789", 10), 10);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  tu_close(fds[1]);
  sigpipe_kills(&saved);
  ck_assert_int_eq(llsock_sendfile(fds[0], pipefd[0], NULL, 10), -EPIPE);
  assert_no_sigpipe(&saved);
  ck_assert_int_eq(read(pipefd[0], buf, sizeof(buf)), 10);
  tu_close(fds[0]);
  tu_close2(pipefd[0], pipefd[1]);
}
END_TEST

static void on_alarm(int sig) {
  (void)sig;
}

/* A handler installed without SA_RESTART interrupts a blocking recv and
 * accept with -EINTR instead of being retried away. */
START_TEST(blocking_calls_return_eintr) {
  struct sigaction sa, saved;
  struct itimerval tick = {.it_value = {.tv_usec = 50000}};
  int a, b, lfd;
  char byte, port[TU_PORTSTRLEN];

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  ck_assert_int_eq(sigaction(SIGALRM, &sa, &saved), 0);
  tu_tcp_pair(&a, &b);
  ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
  ck_assert_int_eq(llsock_recv(a, &byte, 1, 0), -EINTR);
  lfd = tu_tcp_listener("127.0.0.1", port);
  ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
  ck_assert_int_eq(llsock_accept(lfd, NULL), -EINTR);
  ck_assert_int_eq(sigaction(SIGALRM, &saved, NULL), 0);
  tu_close2(a, b);
  tu_close(lfd);
}
END_TEST

/* ---- signals and faults --------------------------------------------------- */

/* Fill a socket that is blocking until it takes no more, and leave it
 * blocking. */
static void fill_blocking(int fd) {
  static const char chunk[4096];
  int rounds = 0;

  ck_assert_int_eq(llsock_opt_set_nonblock(fd, 1), 0);
  while (llsock_send(fd, chunk, sizeof(chunk), 0) > 0)
    ck_assert_int_lt(++rounds, 100000);
  ck_assert_int_eq(llsock_opt_set_nonblock(fd, 0), 0);
}

/* What one blocked call returns when SIGALRM interrupts it; setup and
 * teardown of its sockets are its own. */
typedef ssize_t (*blocked_call)(void);

/*
 * SIGALRM every 20 ms from now until disarmed: armed only once setup is
 * done (which can take long under valgrind), and repeated so that a tick
 * landing just before the call blocks is not the only one.
 */
static void arm_alarm(void) {
  struct itimerval tick = {.it_interval = {.tv_usec = 20000},
                           .it_value = {.tv_usec = 20000}};

  ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
}

static void disarm_alarm(void) {
  struct itimerval off = {{0, 0}, {0, 0}};

  ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
}

static ssize_t blocked_recvmsg(void) {
  int a, b;
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  ssize_t n;

  tu_udp_pair(&a, &b);
  arm_alarm();
  n = llsock_recvmsg(a, &msg, 0);
  disarm_alarm();
  tu_close2(a, b);
  return n;
}

static ssize_t blocked_recvfds(void) {
  int pair[2], fds[1];
  size_t nfds = 1;
  char byte;
  ssize_t n;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  arm_alarm();
  n = llsock_recvfds(pair[0], &byte, 1, fds, &nfds, NULL, 0);
  disarm_alarm();
  tu_close2(pair[0], pair[1]);
  return n;
}

static ssize_t blocked_send(void) {
  int a, b;
  ssize_t n;

  tu_tcp_pair(&a, &b);
  fill_blocking(a);
  arm_alarm();
  n = llsock_send(a, "x", 1, 0);
  disarm_alarm();
  tu_close2(a, b);
  return n;
}

static ssize_t blocked_sendfile(void) {
  int pair[2], file = digits_file();
  off_t offset = 0;
  ssize_t n;

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  fill_blocking(pair[0]);
  arm_alarm();
  n = llsock_sendfile(pair[0], file, &offset, 10);
  disarm_alarm();
  ck_assert_int_eq(offset, 0);
  tu_close2(pair[0], pair[1]);
  close(file);
  return n;
}

/* A unix listener with backlog 0 holds one connection; the next connect
 * waits for room. */
static ssize_t blocked_connect(void) {
  char name[TU_PATHLEN];
  size_t len = tu_abstract_name(name);
  int listener = llsock_unix_bind(name, len, SOCK_STREAM, 0), first, second;
  llsock_addr addr;
  ssize_t n;

  ck_assert_int_ge(listener, 0);
  ck_assert_int_eq(llsock_listen(listener, 0), 0);
  ck_assert_int_eq(llsock_addr_unix(&addr, name, len), 0);
  first = llsock_unix_connect(name, len, SOCK_STREAM, 0);
  ck_assert_int_ge(first, 0);
  second = llsock_socket(AF_UNIX, SOCK_STREAM, 0, 0);
  ck_assert_int_ge(second, 0);
  arm_alarm();
  n = llsock_connect(second, &addr);
  if (n == 0) /* the backlog took two: the third waits */
    n = llsock_unix_connect(name, len, SOCK_STREAM, 0);
  disarm_alarm();
  tu_close2(first, second);
  tu_close(listener);
  return n;
}

static const struct {
  const char *name;
  blocked_call call;
} blocked_calls[] = {
    {"recvmsg", blocked_recvmsg},   {"recvfds", blocked_recvfds},
    {"send", blocked_send},         {"sendfile", blocked_sendfile},
    {"connect", blocked_connect},
};

/* Each blocking call, stuck with no data, no room or no backlog, returns
 * -EINTR to a handler installed without SA_RESTART. */
START_TEST(each_blocked_call_returns_eintr) {
  struct sigaction sa, saved;
  ssize_t n;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  ck_assert_int_eq(sigaction(SIGALRM, &sa, &saved), 0);
  n = blocked_calls[_i].call();
  ck_assert_int_eq(sigaction(SIGALRM, &saved, NULL), 0);
  ck_assert_msg(n == -EINTR, "%s returned %zd", blocked_calls[_i].name, n);
}
END_TEST

/* A peer that closes with SO_LINGER 0 resets the connection mid-stream:
 * what had arrived is still read, then recv is -ECONNRESET once, then end
 * of stream; sends are -EPIPE (never SIGPIPE). */
START_TEST(reset_mid_stream) {
  int client, server, rounds = 0;
  char buf[64];
  ssize_t n;

  tu_tcp_pair(&client, &server);
  ck_assert_int_eq(llsock_send(client, "half a message", 14, 0), 14);
  tu_wait(server, POLLIN);
  ck_assert_int_eq(llsock_opt_set_linger(client, 1, 0), 0);
  tu_close(client);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 14);
  tu_wait(server, POLLIN);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), -ECONNRESET);
  ck_assert_int_eq(llsock_recv(server, buf, sizeof(buf), 0), 0);
  while ((n = llsock_send(server, "x", 1, 0)) == 1)
    ck_assert_int_lt(++rounds, 1000);
  ck_assert_int_eq(n, -EPIPE);
  tu_close(server);
}
END_TEST

/* A datagram too long for the protocol is -EMSGSIZE, and nothing is sent:
 * UDP over IPv4 above 65507 bytes, a unix datagram above its buffer. */
START_TEST(datagram_too_long) {
  static char big[300000];
  int a, b, pair[2];
  char byte;

  tu_udp_pair(&a, &b);
  ck_assert_int_eq(llsock_send(a, big, 65508, 0), -EMSGSIZE);
  ck_assert_int_eq(llsock_send(a, big, 65507, 0), 65507);
  ck_assert_int_eq(llsock_recv(b, &byte, 1, MSG_TRUNC), 65507);
  ck_assert_int_eq(llsock_recv(b, &byte, 1, MSG_DONTWAIT), -EAGAIN);
  tu_close2(a, b);
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  ck_assert_int_eq(llsock_send(pair[0], big, sizeof(big), 0), -EMSGSIZE);
  ck_assert_int_eq(llsock_recv(pair[1], &byte, 1, MSG_DONTWAIT), -EAGAIN);
  tu_close2(pair[0], pair[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("io");
  TCase *tc = tu_tcase(s, "socket");

  tcase_add_test(tc, version_is_the_release);
  tcase_add_test(tc, sockname_and_peername);
  tcase_add_test(tc, peername_unconnected);
  tcase_add_test(tc, type_of_each_socktype);
  tcase_add_test(tc, error_after_refused_nonblocking_connect);
  tcase_add_test(tc, error_none_when_healthy);
  tcase_add_test(tc, atmark_at_urgent_data);
  tcase_add_test(tc, socket_calls_on_closed_fd);
  tcase_add_test(tc, socket_calls_on_pipe);

  tc = tu_tcase(s, "close");
  tcase_add_test(tc, shutdown_write_half);
  tcase_add_test(tc, shutdown_bad_how_and_unconnected);
  tcase_add_test(tc, close_with_shutdown);
  tcase_add_test(tc, close_releases_fd_when_shutdown_fails);
  tcase_add_test(tc, close_bad_how_keeps_fd);
  tcase_add_test(tc, close_bad_fd);

  tc = tu_tcase(s, "accept");
  tcase_add_test(tc, listen_backlogs);
  tcase_add_loop_test(tc, accept_blocking_mode, 0, (int)TU_COUNT(accept_modes));
  tcase_add_loop_test(tc, accept_without_peer, 0,
                      (int)TU_COUNT(accept_modes));
  tcase_add_test(tc, accept_failures);

  tc = tu_tcase(s, "stream");
  tcase_add_test(tc, tcp_send_recv);
  tcase_add_test(tc, tcp_recvfrom_has_no_source);
  tcase_add_test(tc, recv_peek);
  tcase_add_test(tc, recv_dontwait_empty);
  tcase_add_test(tc, send_dontwait_full);
  tcase_add_test(tc, recv_eof);
  tcase_add_test(tc, send_after_shutdown_is_epipe);
  tcase_add_test(tc, send_to_closed_unix_peer_is_epipe);
  tcase_add_test(tc, unix_stream_send_recv);

  tc = tu_tcase(s, "datagram");
  tcase_add_test(tc, udp_sendto_recvfrom);
  tcase_add_test(tc, udp_truncates_datagram);
  tcase_add_test(tc, recv_stored_under_msg_trunc);
  tcase_add_test(tc, udp_send_without_destination);
  tcase_add_test(tc, udp_refused_reported_on_recv);

  tc = tu_tcase(s, "arguments");
  tcase_add_test(tc, null_buffer);
  tcase_add_test(tc, length_beyond_ssize_max);
  tcase_add_test(tc, io_on_closed_fd);
  tcase_add_test(tc, io_on_pipe);

  tc = tu_tcase(s, "msg");
  tcase_add_test(tc, msg_gather_scatter);
  tcase_add_test(tc, sendmsg_to_closed_peer_is_epipe);
  tcase_add_test(tc, msg_bad_input);

  tc = tu_tcase(s, "sendfile");
  tcase_add_test(tc, sendfile_to_closed_peer_is_epipe);
  tcase_add_test(tc, sendfile_from_pipe_to_closed_peer_is_epipe);
  tcase_add_test(tc, blocking_calls_return_eintr);

  tc = tu_tcase(s, "faults");
  tcase_add_loop_test(tc, each_blocked_call_returns_eintr, 0,
                      (int)TU_COUNT(blocked_calls));
  tcase_add_test(tc, reset_mid_stream);
  tcase_add_test(tc, datagram_too_long);
  return tu_run(s);
}
