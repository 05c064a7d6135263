#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

/* Control room for one error queue entry with its offender. */
typedef union errqueue_control {
  struct cmsghdr align;
  char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
                      sizeof(struct sockaddr_in6)) + 64];
} errqueue_control;

/* Waits for an error on fd, reads the first queued entry with its
 * payload into data (NUL-terminated), decodes it into ee. */
static ssize_t read_errqueue(int fd, llsock_errqueue *ee, char *data,
                             size_t size) {
  errqueue_control control;
  struct iovec iov = {.iov_base = data, .iov_len = size - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *cmsg;
  ssize_t n;
  int found = 0;

  ck_assert(tu_wait(fd, POLLERR) & POLLERR);
  n = llsock_recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
  ck_assert_int_ge(n, 0);
  data[n] = '\0';
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg))
    if (llsock_cmsg_errqueue(cmsg, ee) == 0)
      found = 1;
  ck_assert_msg(found, "no IP_RECVERR message in the error queue entry");
  return n;
}

/* A UDP port on host that nothing listens on: bound, read, closed. */
static void closed_port(const char *host, llsock_addr *addr) {
  int fd = llsock_inet_bind(host, NULL, SOCK_DGRAM, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_sockname(fd, addr), 0);
  tu_close(fd);
}

START_TEST(decoder_reads_every_field) {
  /* A synthesized IP_RECVERR message reads back field by field, with its
   * IPv4 offender; a short one, another type and NULLs are -EINVAL. */
  errqueue_control u;
  struct cmsghdr *cmsg = (struct cmsghdr *)u.buf;
  struct sock_extended_err serr = {.ee_errno = EHOSTUNREACH,
                                   .ee_origin = SO_EE_ORIGIN_ICMP,
                                   .ee_type = 3, .ee_code = 1,
                                   .ee_info = 7, .ee_data = 9};
  struct sockaddr_in from = {.sin_family = AF_INET};
  llsock_errqueue ee;
  char host[LLSOCK_ADDRSTRLEN];

  memset(&u, 0, sizeof(u));
  from.sin_addr.s_addr = htonl(0x0a000001);
  cmsg->cmsg_level = IPPROTO_IP;
  cmsg->cmsg_type = IP_RECVERR;
  cmsg->cmsg_len = CMSG_LEN(sizeof(serr) + sizeof(from));
  memcpy(CMSG_DATA(cmsg), &serr, sizeof(serr));
  memcpy(CMSG_DATA(cmsg) + sizeof(serr), &from, sizeof(from));
  ck_assert_int_eq(llsock_cmsg_errqueue(cmsg, &ee), 0);
  ck_assert_int_eq(ee.err, EHOSTUNREACH);
  ck_assert_int_eq(ee.origin, LLSOCK_EE_ORIGIN_ICMP);
  ck_assert_int_eq(ee.type, 3);
  ck_assert_int_eq(ee.code, 1);
  ck_assert_uint_eq(ee.info, 7);
  ck_assert_uint_eq(ee.data, 9);
  ck_assert_int_eq(llsock_addr_host(&ee.offender, host, sizeof(host)), 8);
  ck_assert_str_eq(host, "10.0.0.1");

  /* an offender cut short is no offender */
  cmsg->cmsg_len = CMSG_LEN(sizeof(serr) + sizeof(from) - 1);
  ck_assert_int_eq(llsock_cmsg_errqueue(cmsg, &ee), 0);
  ck_assert_uint_eq(ee.offender.len, 0);
  cmsg->cmsg_len = CMSG_LEN(sizeof(serr) - 1);
  ck_assert_int_eq(llsock_cmsg_errqueue(cmsg, &ee), -EINVAL);
  cmsg->cmsg_len = CMSG_LEN(sizeof(serr));
  cmsg->cmsg_type = IP_PKTINFO;
  ck_assert_int_eq(llsock_cmsg_errqueue(cmsg, &ee), -EINVAL);
  cmsg->cmsg_type = IP_RECVERR;
  ck_assert_int_eq(llsock_cmsg_errqueue(cmsg, NULL), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_errqueue(NULL, &ee), -EINVAL);
}
END_TEST

START_TEST(origin_names) {
  /* Each origin has its name; any other number is "unknown". */
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_LOCAL), "local");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_ICMP), "icmp");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_ICMP6), "icmp6");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_ZEROCOPY),
                   "zerocopy");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_TIMESTAMPING),
                   "timestamping");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_TXTIME), "txtime");
  ck_assert_str_eq(llsock_errqueue_origin(LLSOCK_EE_ORIGIN_NONE), "none");
  ck_assert_str_eq(llsock_errqueue_origin(99), "unknown");
  ck_assert_str_eq(llsock_errqueue_origin(-1), "unknown");
}
END_TEST

START_TEST(recverr_option) {
  /* recverr reads back on IPv4 and IPv6 sockets; a unix socket has none. */
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0), fds[2];

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_opt_get_recverr(fd), 0);
  ck_assert_int_eq(llsock_opt_set_recverr(fd, 5), 0);
  ck_assert_int_eq(llsock_opt_get_recverr(fd), 1);
  tu_close(fd);
  if (tu_ipv6_usable("recverr_option")) {
    fd = llsock_inet_bind("::1", NULL, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(llsock_opt_set_recverr(fd, 1), 0);
    ck_assert_int_eq(llsock_opt_get_recverr(fd), 1);
    tu_close(fd);
  }
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
  ck_assert_int_eq(llsock_opt_get_recverr(fds[0]), -EOPNOTSUPP);
  tu_close2(fds[0], fds[1]);
}
END_TEST

START_TEST(port_unreachable_ipv4) {
  /* A datagram to a closed loopback port comes back through the error
   * queue: ECONNREFUSED from ICMP type 3 code 3, sent by 127.0.0.1, with
   * the payload that caused it. */
  llsock_addr to;
  llsock_errqueue ee;
  char data[64], host[LLSOCK_ADDRSTRLEN];
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);

  ck_assert_int_ge(fd, 0);
  closed_port("127.0.0.1", &to);
  ck_assert_int_eq(llsock_opt_set_recverr(fd, 1), 0);
  ck_assert_int_eq(llsock_sendto(fd, "probe", 5, 0, &to), 5);
  ck_assert_int_eq(read_errqueue(fd, &ee, data, sizeof(data)), 5);
  ck_assert_str_eq(data, "probe");
  ck_assert_int_eq(ee.err, ECONNREFUSED);
  ck_assert_int_eq(ee.origin, LLSOCK_EE_ORIGIN_ICMP);
  ck_assert_int_eq(ee.type, 3);
  ck_assert_int_eq(ee.code, 3);
  ck_assert_int_eq(llsock_addr_host(&ee.offender, host, sizeof(host)), 9);
  ck_assert_str_eq(host, "127.0.0.1");
  /* reading the queue clears the socket error */
  ck_assert_int_eq(llsock_recv(fd, data, sizeof(data),
                               MSG_ERRQUEUE | MSG_DONTWAIT),
                   -EAGAIN);
  tu_close(fd);
}
END_TEST

START_TEST(port_unreachable_ipv6) {
  /* Over ::1 the same error is ICMPv6 type 1 code 4, sent by ::1. */
  llsock_addr to;
  llsock_errqueue ee;
  char data[64], host[LLSOCK_ADDRSTRLEN];
  int fd;

  if (!tu_ipv6_usable("port_unreachable_ipv6"))
    return;
  fd = llsock_inet_bind("::1", NULL, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  closed_port("::1", &to);
  ck_assert_int_eq(llsock_opt_set_recverr(fd, 1), 0);
  ck_assert_int_eq(llsock_sendto(fd, "probe6", 6, 0, &to), 6);
  ck_assert_int_eq(read_errqueue(fd, &ee, data, sizeof(data)), 6);
  ck_assert_int_eq(ee.err, ECONNREFUSED);
  ck_assert_int_eq(ee.origin, LLSOCK_EE_ORIGIN_ICMP6);
  ck_assert_int_eq(ee.type, 1);
  ck_assert_int_eq(ee.code, 4);
  ck_assert_int_eq(llsock_addr_host(&ee.offender, host, sizeof(host)), 3);
  ck_assert_str_eq(host, "::1");
  tu_close(fd);
}
END_TEST

START_TEST(zerocopy_completions) {
  /* Two MSG_ZEROCOPY sends on a TCP socket complete through the error
   * queue as the range 0..1 of send numbers, origin zerocopy, no error;
   * over loopback the kernel reports that it copied after all. */
  static char payload[8192];
  llsock_errqueue ee;
  char data[16];
  unsigned int next = 0;
  int c, s, rounds, rc;

  tu_tcp_pair(&c, &s);
  rc = llsock_opt_set_zerocopy(c, 1);
  if (rc == -ENOPROTOOPT || rc == -EOPNOTSUPP) {
    printf("SKIP zerocopy_completions: no SO_ZEROCOPY (%s)\n",
           llsock_errname(rc));
    tu_close2(c, s);
    return;
  }
  ck_assert_int_eq(rc, 0);
  ck_assert_int_eq(llsock_opt_get_zerocopy(c), 1);
  ck_assert_int_eq(llsock_send(c, payload, sizeof(payload), MSG_ZEROCOPY),
                   (ssize_t)sizeof(payload));
  ck_assert_int_eq(llsock_send(c, payload, sizeof(payload), MSG_ZEROCOPY),
                   (ssize_t)sizeof(payload));
  /* the kernel may report the two apart or as one range */
  for (rounds = 0; next < 2 && rounds < 4; rounds++) {
    ck_assert_int_eq(read_errqueue(c, &ee, data, sizeof(data)), 0);
    ck_assert_int_eq(ee.err, 0);
    ck_assert_int_eq(ee.origin, LLSOCK_EE_ORIGIN_ZEROCOPY);
    ck_assert_uint_eq(ee.info, next);
    ck_assert_uint_ge(ee.data, ee.info);
    ck_assert_int_eq(ee.code & LLSOCK_EE_CODE_ZEROCOPY_COPIED,
                     LLSOCK_EE_CODE_ZEROCOPY_COPIED);
    ck_assert_uint_eq(ee.offender.len, 0);
    next = ee.data + 1;
  }
  ck_assert_uint_eq(next, 2);
  tu_close2(c, s);
}
END_TEST

/* In a namespace whose lo has an MTU of 1300: a 2000-byte datagram with
 * path MTU discovery on fails with EMSGSIZE, and the queue names the MTU. */
static const char *pmtu_error(void *arg) {
  static char payload[2000];
  llsock_addr to;
  llsock_errqueue ee;
  errqueue_control control;
  struct iovec iov = {.iov_base = payload, .iov_len = sizeof(payload)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *cmsg;
  int fd, rx, found = 0;

  (void)arg;
  rx = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);
  TU_NS_CHECK(rx >= 0);
  TU_NS_CHECK(llsock_sockname(rx, &to) == 0);
  fd = llsock_socket(AF_INET, SOCK_DGRAM, 0, 0);
  TU_NS_CHECK(fd >= 0);
  TU_NS_CHECK(llsock_opt_setint(fd, IPPROTO_IP, IP_MTU_DISCOVER,
                                IP_PMTUDISC_DO) == 0);
  TU_NS_CHECK(llsock_opt_set_recverr(fd, 1) == 0);
  TU_NS_CHECK(llsock_connect(fd, &to) == 0);
  TU_NS_CHECK(llsock_send(fd, payload, sizeof(payload), 0) == -EMSGSIZE);
  TU_NS_CHECK(llsock_recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0);
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg))
    if (llsock_cmsg_errqueue(cmsg, &ee) == 0)
      found = 1;
  TU_NS_CHECK(found);
  TU_NS_CHECK(ee.err == EMSGSIZE);
  TU_NS_CHECK(ee.origin == LLSOCK_EE_ORIGIN_LOCAL);
  TU_NS_CHECK(ee.info == 1300);
  TU_NS_CHECK(llsock_opt_getint(fd, IPPROTO_IP, IP_MTU) == 1300);
  llsock_close(fd, LLSOCK_SHUT_NONE);
  llsock_close(rx, LLSOCK_SHUT_NONE);
  return NULL;
}

START_TEST(path_mtu_error_in_namespace) {
  /* A datagram over the path MTU is refused with EMSGSIZE and the error
   * queue reports a local error carrying the MTU, 1300. */
  tu_in_netns("path_mtu_error_in_namespace",
              "ip link set lo mtu 1300 && ip link set lo up", pmtu_error,
              NULL);
}
END_TEST

/* What a router's "too big" answer must look like, by family. */
typedef struct router_pmtu {
  int level, option, value; /* path MTU discovery: "do", never fragment */
  const char *to, *router;
  int origin, type, code;
} router_pmtu;

static const router_pmtu router_pmtu_ipv4 = {
    IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "10.99.2.2", "10.99.1.2",
    LLSOCK_EE_ORIGIN_ICMP, 3, 4};
static const router_pmtu router_pmtu_ipv6 = {
    IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, "fd00:99:2::2",
    "fd00:99:1::2", LLSOCK_EE_ORIGIN_ICMP6, 2, 0};

/* Reads the first error queue entry of fd into ee, waiting for it. */
static const char *ns_read_errqueue(int fd, llsock_errqueue *ee) {
  char data[2048];
  errqueue_control control;
  struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  struct pollfd pfd = {.fd = fd, .events = 0};
  struct cmsghdr *cmsg;
  int found = 0;

  TU_NS_CHECK(poll(&pfd, 1, TU_WAIT_MS) == 1 && (pfd.revents & POLLERR));
  TU_NS_CHECK(llsock_recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) > 0);
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg))
    if (llsock_cmsg_errqueue(cmsg, ee) == 0)
      found = 1;
  TU_NS_CHECK(found);
  return NULL;
}

/* On A of the chain A -- R -- B whose R--B link has an MTU of 1280: a
 * 1400-byte datagram to B leaves A, and R answers "too big" with 1280. */
static const char *pmtu_from_router(void *arg) {
  static char payload[1400];
  const router_pmtu *want = arg;
  llsock_errqueue ee;
  char host[LLSOCK_ADDRSTRLEN];
  const char *failed;
  int fd = llsock_inet_connect(want->to, "9", SOCK_DGRAM, 0);

  TU_NS_CHECK(fd >= 0);
  TU_NS_CHECK(llsock_opt_setint(fd, want->level, want->option,
                                want->value) == 0);
  TU_NS_CHECK(llsock_opt_set_recverr(fd, 1) == 0);
  TU_NS_CHECK(llsock_send(fd, payload, sizeof(payload), 0) ==
              (ssize_t)sizeof(payload));
  failed = ns_read_errqueue(fd, &ee);
  if (failed != NULL)
    return failed;
  TU_NS_CHECK(ee.err == EMSGSIZE);
  TU_NS_CHECK(ee.origin == want->origin);
  TU_NS_CHECK(ee.type == want->type);
  TU_NS_CHECK(ee.code == want->code);
  TU_NS_CHECK(ee.info == 1280);
  TU_NS_CHECK(llsock_addr_host(&ee.offender, host, sizeof(host)) > 0);
  TU_NS_CHECK(strcmp(host, want->router) == 0);
  /* A learnt the path MTU: the next datagram that big fails at home */
  TU_NS_CHECK(llsock_send(fd, payload, sizeof(payload), 0) == -EMSGSIZE);
  llsock_close(fd, LLSOCK_SHUT_NONE);
  return NULL;
}

START_TEST(path_mtu_error_from_router_ipv4) {
  /* A router whose next link is too small answers with ICMP "fragmentation
   * needed" (3/4): EMSGSIZE, the next-hop MTU 1280, the router's address. */
  tu_in_netns("path_mtu_error_from_router_ipv4", TU_NETNS_CHAIN("1 1280"),
              pmtu_from_router, (void *)&router_pmtu_ipv4);
}
END_TEST

START_TEST(path_mtu_error_from_router_ipv6) {
  /* Over IPv6 the router's answer is ICMPv6 "packet too big" (2/0) with
   * the same MTU and its IPv6 address. */
  tu_in_netns("path_mtu_error_from_router_ipv6", TU_NETNS_CHAIN("1 1280"),
              pmtu_from_router, (void *)&router_pmtu_ipv6);
}
END_TEST

int main(void) {
  Suite *s = suite_create("errqueue");
  TCase *tc = tu_tcase(s, "decode");

  tcase_add_test(tc, decoder_reads_every_field);
  tcase_add_test(tc, origin_names);
  tcase_add_test(tc, recverr_option);

  tc = tu_tcase(s, "kernel");
  tcase_add_test(tc, port_unreachable_ipv4);
  tcase_add_test(tc, port_unreachable_ipv6);
  tcase_add_test(tc, zerocopy_completions);
  tcase_add_test(tc, path_mtu_error_in_namespace);
  tcase_add_test(tc, path_mtu_error_from_router_ipv4);
  tcase_add_test(tc, path_mtu_error_from_router_ipv6);
  return tu_run(s);
}
