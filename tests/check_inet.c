#include "testutil.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

typedef int (*inet_open_fn)(const char *host, const char *port, int socktype,
                            int flags);

/* Both entry points, for the argument checks they share. */
static const struct {
  const char *name;
  inet_open_fn open;
} inet_opens[] = {
  {"llsock_inet_bind", llsock_inet_bind},
  {"llsock_inet_connect", llsock_inet_connect},
};

/* The numeric host of fd's local (or, with peer, remote) address. */
static const char *host_of(int fd, int peer) {
  static char host[LLSOCK_ADDRSTRLEN];
  llsock_addr addr;

  ck_assert_int_eq(
      peer ? llsock_peername(fd, &addr) : llsock_sockname(fd, &addr), 0);
  ck_assert_int_gt(llsock_addr_host(&addr, host, sizeof(host)), 0);
  return host;
}

/* A TCP port on 127.0.0.1 that refuses connections: bound, never
 * listening, so no other process can take it meanwhile. */
static int refusing_port(char port[TU_PORTSTRLEN]) {
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);

  ck_assert_int_ge(fd, 0);
  tu_port_str(port, tu_local_port(fd));
  return fd;
}

/* ---- llsock_socket, llsock_bind, llsock_connect -------------------------- */

static const struct {
  int socktype;
  int flags;
} socket_modes[] = {
  {SOCK_STREAM, 0},
  {SOCK_DGRAM, LLSOCK_NONBLOCK},
  {SOCK_STREAM, LLSOCK_REUSEADDR},
  {SOCK_DGRAM, LLSOCK_NONBLOCK | LLSOCK_REUSEADDR},
};

START_TEST(socket_flags) {
  /* A new socket is close-on-exec, of its type, and non-blocking or
   * SO_REUSEADDR exactly when LLSOCK_NONBLOCK or LLSOCK_REUSEADDR asks. */
  int flags = socket_modes[_i].flags;
  int fd = llsock_socket(AF_INET, socket_modes[_i].socktype, 0, flags);

  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, (flags & LLSOCK_NONBLOCK) != 0);
  ck_assert_int_eq(llsock_opt_get_reuseaddr(fd),
                   (flags & LLSOCK_REUSEADDR) != 0);
  ck_assert_int_eq(llsock_type(fd), socket_modes[_i].socktype);
  tu_close(fd);
}
END_TEST

START_TEST(socket_bad_input) {
  /* Unknown flags, family, type and protocol fail with their exact codes. */
  ck_assert_int_eq(llsock_socket(AF_INET, SOCK_STREAM, 0, 4), -EINVAL);
  ck_assert_int_eq(llsock_socket(AF_INET, SOCK_STREAM, 0, -1), -EINVAL);
  ck_assert_int_eq(llsock_socket(12345, SOCK_STREAM, 0, 0), -EAFNOSUPPORT);
  ck_assert_int_eq(llsock_socket(AF_INET, 999, 0, 0), -EINVAL);
  ck_assert_int_eq(llsock_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP, 0),
                   -EPROTONOSUPPORT);
}
END_TEST

START_TEST(bind_connect_address) {
  /* A socket bound to 127.0.0.1:0 gets a port, and one connected to it
   * sees that address as its peer. */
  llsock_addr addr, bound, peer;
  int listener = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
  int client = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);

  ck_assert_int_ge(listener, 0);
  ck_assert_int_ge(client, 0);
  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", NULL), 0);
  ck_assert_int_eq(llsock_bind(listener, &addr), 0);
  ck_assert_int_eq(llsock_listen(listener, LLSOCK_BACKLOG), 0);
  ck_assert_int_eq(llsock_sockname(listener, &bound), 0);
  ck_assert_int_gt(llsock_addr_port(&bound), 0);
  ck_assert_int_eq(llsock_connect(client, &bound), 0);
  ck_assert_int_eq(llsock_peername(client, &peer), 0);
  ck_assert(llsock_addr_equal(&peer, &bound));
  tu_close2(client, listener);
}
END_TEST

START_TEST(bind_connect_failures) {
  /* Binding twice is -EINVAL, binding a taken port -EADDRINUSE, connecting
   * to a refusing port -ECONNREFUSED and connecting twice -EISCONN. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);
  int refusing = refusing_port(port);
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
  llsock_addr taken, refused, any;

  ck_assert_int_eq(llsock_sockname(listener, &taken), 0);
  ck_assert_int_eq(llsock_sockname(refusing, &refused), 0);
  ck_assert_int_eq(llsock_addr_inet(&any, "127.0.0.1", NULL), 0);
  ck_assert_int_eq(llsock_bind(fd, &taken), -EADDRINUSE);
  ck_assert_int_eq(llsock_bind(fd, &any), 0);
  ck_assert_int_eq(llsock_bind(fd, &any), -EINVAL);
  ck_assert_int_eq(llsock_connect(fd, &refused), -ECONNREFUSED);
  tu_close(fd);

  fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
  ck_assert_int_eq(llsock_connect(fd, &taken), 0);
  ck_assert_int_eq(llsock_connect(fd, &taken), -EISCONN);
  tu_close(fd);
  tu_close2(refusing, listener);
}
END_TEST

START_TEST(bind_connect_bad_input) {
  /* A NULL address is -EINVAL, a closed fd -EBADF and a pipe -ENOTSOCK. */
  llsock_addr addr;
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0), pipe_fds[2], closed;

  ck_assert_int_eq(llsock_addr_inet(&addr, "127.0.0.1", NULL), 0);
  ck_assert_int_eq(llsock_bind(fd, NULL), -EINVAL);
  ck_assert_int_eq(llsock_connect(fd, NULL), -EINVAL);
  tu_close(fd);
  tu_pipe(pipe_fds);
  ck_assert_int_eq(llsock_bind(pipe_fds[0], &addr), -ENOTSOCK);
  ck_assert_int_eq(llsock_connect(pipe_fds[0], &addr), -ENOTSOCK);
  tu_close2(pipe_fds[0], pipe_fds[1]);
  closed = tu_closed_fd();
  ck_assert_int_eq(llsock_bind(closed, &addr), -EBADF);
  ck_assert_int_eq(llsock_connect(closed, &addr), -EBADF);
}
END_TEST

START_TEST(connect_wrong_family) {
  /* An IPv4 socket cannot connect to an IPv6 address: -EAFNOSUPPORT. */
  llsock_addr v6;
  int fd = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);

  ck_assert_int_eq(llsock_addr_inet(&v6, "::1", "9"), 0);
  ck_assert_int_eq(llsock_connect(fd, &v6), -EAFNOSUPPORT);
  tu_close(fd);
}
END_TEST

/* ---- llsock_inet_bind ---------------------------------------------------- */

START_TEST(inet_bind_ipv4_ephemeral) {
  /* Binding 127.0.0.1 with a NULL or "0" port gives a blocking,
   * close-on-exec socket on an ephemeral port. */
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);
  int zero = llsock_inet_bind("127.0.0.1", "0", SOCK_DGRAM, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_ge(zero, 0);
  ck_assert_str_eq(host_of(fd, 0), "127.0.0.1");
  ck_assert_int_gt(tu_local_port(fd), 0);
  ck_assert_int_gt(tu_local_port(zero), 0);
  ck_assert_int_eq(llsock_type(fd), SOCK_STREAM);
  ck_assert_int_eq(llsock_type(zero), SOCK_DGRAM);
  tu_assert_fd_mode(fd, 0);
  tu_close2(fd, zero);
}
END_TEST

START_TEST(inet_bind_null_host_is_wildcard) {
  /* A NULL host binds the wildcard address of the family tried first. */
  int fd = llsock_inet_bind(NULL, NULL, SOCK_STREAM, 0);
  llsock_addr addr;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  ck_assert_str_eq(host_of(fd, 0),
                   llsock_addr_family(&addr) == AF_INET6 ? "::" : "0.0.0.0");
  tu_close(fd);
}
END_TEST

START_TEST(inet_bind_ipv6) {
  /* Binding ::1 gives an AF_INET6 socket on ::1 with an ephemeral port. */
  llsock_addr addr;
  int fd;

  if (!tu_ipv6_usable("inet_bind_ipv6"))
    return;
  fd = llsock_inet_bind("::1", NULL, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_sockname(fd, &addr), 0);
  ck_assert_int_eq(llsock_addr_family(&addr), AF_INET6);
  ck_assert_str_eq(host_of(fd, 0), "::1");
  ck_assert_int_gt(llsock_addr_port(&addr), 0);
  tu_close(fd);
}
END_TEST

START_TEST(inet_bind_address_in_use) {
  /* Binding the port of a listening socket is -EADDRINUSE, with or without
   * LLSOCK_REUSEADDR. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);

  ck_assert_int_eq(llsock_inet_bind("127.0.0.1", port, SOCK_STREAM, 0),
                   -EADDRINUSE);
  ck_assert_int_eq(
      llsock_inet_bind("127.0.0.1", port, SOCK_STREAM, LLSOCK_REUSEADDR),
      -EADDRINUSE);
  tu_close(listener);
}
END_TEST

START_TEST(inet_bind_reuseaddr_flag) {
  /* LLSOCK_REUSEADDR sets SO_REUSEADDR before bind; without it the option
   * stays off. */
  int with = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, LLSOCK_REUSEADDR);
  int without = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM, 0);

  ck_assert_int_ge(with, 0);
  ck_assert_int_ge(without, 0);
  ck_assert_int_eq(llsock_opt_get_reuseaddr(with), 1);
  ck_assert_int_eq(llsock_opt_get_reuseaddr(without), 0);
  tu_close2(with, without);
}
END_TEST

START_TEST(inet_bind_reuseaddr_rebinds_time_wait) {
  /* With LLSOCK_REUSEADDR a listener rebinds a port whose closed connection
   * is still in TIME_WAIT; without it the bind is -EADDRINUSE. */
  char port[TU_PORTSTRLEN], byte;
  int listener = llsock_inet_bind("127.0.0.1", NULL, SOCK_STREAM,
                                  LLSOCK_REUSEADDR);
  int client, server;

  ck_assert_int_ge(listener, 0);
  ck_assert_int_eq(llsock_listen(listener, 1), 0);
  tu_port_str(port, tu_local_port(listener));
  client = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, 0);
  ck_assert_int_ge(client, 0);
  server = llsock_accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  /* the side that closes first holds TIME_WAIT on the listener's port */
  tu_close2(server, listener);
  ck_assert_int_eq(llsock_recv(client, &byte, 1, 0), 0);
  tu_close(client);
  ck_assert_int_eq(llsock_inet_bind("127.0.0.1", port, SOCK_STREAM, 0),
                   -EADDRINUSE);
  /* The closing side passes FIN_WAIT_2 on its way to TIME_WAIT, which no
   * flag lets a bind share; where the network stack runs apart from the
   * calls (gVisor) that can take a moment.  TIME_WAIT itself lasts 60 s,
   * so the retries cannot hide a failure of REUSEADDR. */
  for (int tries = 0; tries < 200; tries++) {
    listener = llsock_inet_bind("127.0.0.1", port, SOCK_STREAM,
                                LLSOCK_REUSEADDR);
    if (listener != -EADDRINUSE)
      break;
    llsock_sleep(0.01);
  }
  ck_assert_int_ge(listener, 0);
  tu_close(listener);
}
END_TEST

START_TEST(inet_nonblock_flag) {
  /* LLSOCK_NONBLOCK makes the bound socket non-blocking. */
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, LLSOCK_NONBLOCK);

  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, 1);
  tu_close(fd);
}
END_TEST

/* ---- llsock_inet_connect ------------------------------------------------- */

START_TEST(inet_connect_ipv4) {
  /* Connecting to a 127.0.0.1 listener gives a blocking, close-on-exec
   * socket whose peer is the listener. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);
  int fd = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, 0);
  llsock_addr peer;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_peername(fd, &peer), 0);
  ck_assert_int_eq(llsock_addr_port(&peer), tu_local_port(listener));
  ck_assert_str_eq(host_of(fd, 1), "127.0.0.1");
  tu_assert_fd_mode(fd, 0);
  tu_close2(fd, listener);
}
END_TEST

START_TEST(inet_connect_ipv6) {
  /* Connecting to a ::1 listener reaches it over IPv6. */
  char port[TU_PORTSTRLEN];
  int listener, fd, server;
  llsock_addr peer;

  if (!tu_ipv6_usable("inet_connect_ipv6"))
    return;
  listener = tu_tcp_listener("::1", port);
  fd = llsock_inet_connect("::1", port, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  server = llsock_accept(listener, &peer);
  ck_assert_int_ge(server, 0);
  ck_assert_int_eq(llsock_addr_family(&peer), AF_INET6);
  ck_assert_str_eq(host_of(server, 1), "::1");
  ck_assert_int_eq(llsock_addr_port(&peer), tu_local_port(fd));
  tu_close2(server, fd);
  tu_close(listener);
}
END_TEST

START_TEST(inet_connect_null_host_reaches_ipv4_loopback) {
  /* A NULL host is the loopback: it reaches a listener on 127.0.0.1 only,
   * trying the next address when ::1 refuses. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);
  int fd = llsock_inet_connect(NULL, port, SOCK_STREAM, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_str_eq(host_of(fd, 1), "127.0.0.1");
  tu_close2(fd, listener);
}
END_TEST

START_TEST(inet_connect_null_host_reaches_ipv6_loopback) {
  /* A NULL host reaches a listener on ::1 only, trying the next address
   * when 127.0.0.1 refuses. */
  char port[TU_PORTSTRLEN];
  int listener, fd;

  if (!tu_ipv6_usable("inet_connect_null_host_reaches_ipv6_loopback"))
    return;
  listener = tu_tcp_listener("::1", port);
  fd = llsock_inet_connect(NULL, port, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_str_eq(host_of(fd, 1), "::1");
  tu_close2(fd, listener);
}
END_TEST

START_TEST(inet_connect_refused) {
  /* Connecting to a port nothing listens on is exactly -ECONNREFUSED. */
  char port[TU_PORTSTRLEN];
  int refusing = refusing_port(port);

  ck_assert_int_eq(llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, 0),
                   -ECONNREFUSED);
  tu_close(refusing);
}
END_TEST

START_TEST(inet_connect_nonblocking_in_progress) {
  /* A non-blocking connect returns its fd at once; the connection then
   * completes with no pending error. */
  char port[TU_PORTSTRLEN];
  int listener = tu_tcp_listener("127.0.0.1", port);
  int fd = llsock_inet_connect("127.0.0.1", port, SOCK_STREAM, LLSOCK_NONBLOCK);
  int server;

  ck_assert_int_ge(fd, 0);
  tu_assert_fd_mode(fd, 1);
  ck_assert_int_eq(tu_wait(fd, POLLOUT) & (POLLERR | POLLHUP), 0);
  ck_assert_int_eq(llsock_error(fd), 0);
  server = llsock_accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  tu_close2(server, fd);
  tu_close(listener);
}
END_TEST

START_TEST(inet_connect_udp_service_name) {
  /* A service name resolves for the socktype: "domain" over UDP is port 53
   * (a UDP connect sends nothing). */
  llsock_addr peer;
  int fd;

  if (getservbyname("domain", "udp") == NULL) {
    printf("SKIP inet_connect_udp_service_name: no domain/udp in "
           "/etc/services\n");
    return;
  }
  fd = llsock_inet_connect("127.0.0.1", "domain", SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_peername(fd, &peer), 0);
  ck_assert_int_eq(llsock_addr_port(&peer), 53);
  tu_close(fd);
}
END_TEST

/* ---- argument checks shared by both -------------------------------------- */

static const char *const bad_ports[] = {
  "65536", "-1", "", "+1", " 1", "1x", "99999999999999999999",
};

START_TEST(inet_open_bad_port) {
  /* Every malformed or out-of-range port is -EINVAL for bind and connect. */
  size_t i;

  for (i = 0; i < TU_COUNT(inet_opens); i++)
    ck_assert_msg(inet_opens[i].open("127.0.0.1", bad_ports[_i], SOCK_STREAM,
                                     0) == -EINVAL,
                  "%s port \"%s\"", inet_opens[i].name, bad_ports[_i]);
}
END_TEST

START_TEST(inet_open_bad_socktype) {
  /* A socktype <= 0 is -EINVAL; one getaddrinfo does not know is
   * LLSOCK_EAI_SOCKTYPE. */
  inet_open_fn open = inet_opens[_i].open;

  ck_assert_int_eq(open("127.0.0.1", NULL, 0, 0), -EINVAL);
  ck_assert_int_eq(open("127.0.0.1", NULL, -1, 0), -EINVAL);
  ck_assert_int_eq(open("127.0.0.1", NULL, 999, 0), LLSOCK_EAI_SOCKTYPE);
}
END_TEST

START_TEST(inet_open_bad_flags) {
  /* Flags other than LLSOCK_NONBLOCK and LLSOCK_REUSEADDR are -EINVAL. */
  inet_open_fn open = inet_opens[_i].open;

  ck_assert_int_eq(open("127.0.0.1", NULL, SOCK_STREAM, 4), -EINVAL);
  ck_assert_int_eq(open("127.0.0.1", NULL, SOCK_STREAM, -1), -EINVAL);
}
END_TEST

START_TEST(inet_open_unknown_service) {
  /* A service name /etc/services lacks is LLSOCK_EAI_SERVICE. */
  ck_assert_int_eq(
      inet_opens[_i].open("127.0.0.1", "no-such-service-x", SOCK_STREAM, 0),
      LLSOCK_EAI_SERVICE);
}
END_TEST

START_TEST(inet_open_unsupported_protocol) {
  /* A socktype inet cannot make (SOCK_SEQPACKET) fails as socket(2) does:
   * -ESOCKTNOSUPPORT. */
  ck_assert_int_eq(
      inet_opens[_i].open("127.0.0.1", NULL, SOCK_SEQPACKET, 0),
      -ESOCKTNOSUPPORT);
}
END_TEST

/* ---- llsock_inet_bind_port, llsock_inet_connect_port -------------------- */

START_TEST(inet_port_bind_and_connect) {
  /* A numeric port 0 binds an ephemeral port; a TCP connect and a UDP
   * connect to the numbers read back reach those sockets. */
  int listener = llsock_inet_bind_port("127.0.0.1", 0, SOCK_STREAM, 0);
  int udp = llsock_inet_bind_port("127.0.0.1", 0, SOCK_DGRAM, 0);
  int fd, client, server;
  llsock_addr peer;

  ck_assert_int_ge(listener, 0);
  ck_assert_int_ge(udp, 0);
  ck_assert_str_eq(host_of(listener, 0), "127.0.0.1");
  ck_assert_int_gt(tu_local_port(listener), 0);
  ck_assert_int_eq(llsock_listen(listener, 1), 0);
  fd = llsock_inet_connect_port("127.0.0.1", tu_local_port(listener),
                                SOCK_STREAM, 0, -1);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_peername(fd, &peer), 0);
  ck_assert_int_eq(llsock_addr_port(&peer), tu_local_port(listener));
  server = llsock_accept(listener, NULL);
  ck_assert_int_ge(server, 0);
  tu_assert_fd_mode(fd, 0);
  client = llsock_inet_connect_port(NULL, tu_local_port(udp), SOCK_DGRAM,
                                    LLSOCK_NONBLOCK, 5);
  ck_assert_int_ge(client, 0);
  tu_assert_fd_mode(client, LLSOCK_NONBLOCK);
  ck_assert_int_eq(llsock_peername(client, &peer), 0);
  ck_assert_int_eq(llsock_addr_port(&peer), tu_local_port(udp));
  tu_close2(fd, server);
  tu_close2(client, udp);
  tu_close(listener);
}
END_TEST

START_TEST(inet_port_bind_given_port) {
  /* Binding the number of a port just freed gets that very port, and a
   * second bind of it while taken is -EADDRINUSE. */
  int probe = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0), fd;
  int port;

  ck_assert_int_ge(probe, 0);
  port = tu_local_port(probe);
  fd = llsock_inet_bind_port("127.0.0.1", port, SOCK_DGRAM, 0);
  ck_assert_int_eq(fd, -EADDRINUSE);
  tu_close(probe);
  fd = llsock_inet_bind_port("127.0.0.1", port, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(tu_local_port(fd), port);
  tu_close(fd);
}
END_TEST

START_TEST(inet_port_connect_refused) {
  /* A numeric connect to a port that refuses fails as the text one does. */
  char port[TU_PORTSTRLEN];
  int holder = refusing_port(port);

  ck_assert_int_eq(llsock_inet_connect_port("127.0.0.1", tu_local_port(holder),
                                            SOCK_STREAM, 0, -1),
                   -ECONNREFUSED);
  tu_close(holder);
}
END_TEST

START_TEST(inet_port_bad_input) {
  /* A port outside 0..65535, a bad socktype or bad flags are -EINVAL. */
  ck_assert_int_eq(llsock_inet_bind_port("127.0.0.1", -1, SOCK_STREAM, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_inet_bind_port("127.0.0.1", 65536, SOCK_STREAM, 0),
                   -EINVAL);
  ck_assert_int_eq(
      llsock_inet_connect_port("127.0.0.1", -1, SOCK_STREAM, 0, -1), -EINVAL);
  ck_assert_int_eq(
      llsock_inet_connect_port("127.0.0.1", 65536, SOCK_STREAM, 0, -1),
      -EINVAL);
  ck_assert_int_eq(llsock_inet_bind_port("127.0.0.1", 0, 0, 0), -EINVAL);
  ck_assert_int_eq(llsock_inet_connect_port("127.0.0.1", 80, SOCK_STREAM, 4,
                                            -1),
                   -EINVAL);
}
END_TEST

/* A blocking connect that SO_SNDTIMEO cuts short is -ETIMEDOUT, not a
 * success: a listener with a full backlog drops the SYNs. */
START_TEST(connect_timeout_is_etimedout) {
  char port[TU_PORTSTRLEN];
  int lfd = tu_tcp_listener("127.0.0.1", port), fds[16], n, rc = 0;
  llsock_addr addr;

  ck_assert_int_eq(llsock_listen(lfd, 0), 0);
  ck_assert_int_eq(llsock_sockname(lfd, &addr), 0);
  for (n = 0; n < 16; n++) {
    fds[n] = llsock_socket(AF_INET, SOCK_STREAM, 0, 0);
    ck_assert_int_ge(fds[n], 0);
    ck_assert_int_eq(llsock_opt_set_sndtimeo(fds[n], 0.2), 0);
    rc = llsock_connect(fds[n], &addr);
    if (rc < 0)
      break;
  }
  ck_assert_int_eq(rc, -ETIMEDOUT);
  while (n >= 0)
    tu_close(fds[n--]);
  tu_close(lfd);
}
END_TEST

int main(void) {
  Suite *s = suite_create("inet");
  TCase *tc = tu_tcase(s, "socket");

  tcase_add_loop_test(tc, socket_flags, 0, (int)TU_COUNT(socket_modes));
  tcase_add_test(tc, socket_bad_input);
  tcase_add_test(tc, bind_connect_address);
  tcase_add_test(tc, bind_connect_failures);
  tcase_add_test(tc, bind_connect_bad_input);
  tcase_add_test(tc, connect_wrong_family);

  tc = tu_tcase(s, "bind");
  tcase_add_test(tc, inet_bind_ipv4_ephemeral);
  tcase_add_test(tc, inet_bind_null_host_is_wildcard);
  tcase_add_test(tc, inet_bind_ipv6);
  tcase_add_test(tc, inet_bind_address_in_use);
  tcase_add_test(tc, inet_bind_reuseaddr_flag);
  tcase_add_test(tc, inet_bind_reuseaddr_rebinds_time_wait);
  tcase_add_test(tc, inet_nonblock_flag);

  tc = tu_tcase(s, "connect");
  tcase_add_test(tc, inet_connect_ipv4);
  tcase_add_test(tc, inet_connect_ipv6);
  tcase_add_test(tc, inet_connect_null_host_reaches_ipv4_loopback);
  tcase_add_test(tc, inet_connect_null_host_reaches_ipv6_loopback);
  tcase_add_test(tc, inet_connect_refused);
  tcase_add_test(tc, inet_connect_nonblocking_in_progress);
  tcase_add_test(tc, inet_connect_udp_service_name);
  tcase_add_test(tc, connect_timeout_is_etimedout);

  tc = tu_tcase(s, "numeric port");
  tcase_add_test(tc, inet_port_bind_and_connect);
  tcase_add_test(tc, inet_port_bind_given_port);
  tcase_add_test(tc, inet_port_connect_refused);
  tcase_add_test(tc, inet_port_bad_input);

  tc = tu_tcase(s, "arguments");
  tcase_add_loop_test(tc, inet_open_bad_port, 0, (int)TU_COUNT(bad_ports));
  tcase_add_loop_test(tc, inet_open_bad_socktype, 0, (int)TU_COUNT(inet_opens));
  tcase_add_loop_test(tc, inet_open_bad_flags, 0, (int)TU_COUNT(inet_opens));
  tcase_add_loop_test(tc, inet_open_unknown_service, 0,
                      (int)TU_COUNT(inet_opens));
  tcase_add_loop_test(tc, inet_open_unsupported_protocol, 0,
                      (int)TU_COUNT(inet_opens));
  return tu_run(s);
}
