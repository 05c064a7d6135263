#include "testutil.h"

#include <errno.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* A payload whose every byte tells where it was: a datagram out of place or
 * cut at the wrong byte does not compare equal. */
static void fill_pattern(unsigned char *buf, size_t len) {
  size_t i;

  for (i = 0; i < len; i++)
    buf[i] = (unsigned char)(i * 7 + i / 251);
}

/* The datagrams waiting on fd (non-blocking reads until EAGAIN), each
 * checked against the segment of want it must be; returns their count. */
static int drain_segments(int fd, const unsigned char *want, size_t len,
                          size_t segsize) {
  unsigned char buf[2048];
  size_t off = 0;
  int count = 0;
  ssize_t n;

  tu_wait(fd, POLLIN);
  while ((n = llsock_recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
    size_t expect = len - off < segsize ? len - off : segsize;
    ck_assert_int_eq(n, (ssize_t)expect);
    ck_assert_mem_eq(buf, want + off, expect);
    off += expect;
    count++;
  }
  ck_assert_int_eq(n, -EAGAIN);
  ck_assert_uint_eq(off, len);
  return count;
}

/* A UDP socket on 127.0.0.1 and its address. */
static int udp_socket(llsock_addr *addr) {
  int fd = llsock_inet_bind("127.0.0.1", NULL, SOCK_DGRAM, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(llsock_sockname(fd, addr), 0);
  return fd;
}

/* 1 when this kernel has UDP GSO; else prints why the caller skips. */
static int gso_usable(const char *test) {
  llsock_addr addr;
  int fd = udp_socket(&addr), rc = llsock_opt_get_udp_segment(fd);

  tu_close(fd);
  if (rc >= 0)
    return 1;
  printf("SKIP %s: no UDP GSO here (%s)\n", test, llsock_errname(rc));
  return 0;
}

START_TEST(cmsg_segment_layout) {
  /* The control message is SOL_UDP/UDP_SEGMENT holding the size as a
   * 16-bit value, and takes LLSOCK_CMSG_SEGMENT_SPACE bytes. */
  union {
    struct cmsghdr align;
    char buf[LLSOCK_CMSG_SEGMENT_SPACE + 8];
  } u;
  struct cmsghdr *cmsg = (struct cmsghdr *)u.buf;
  uint16_t value;

  ck_assert_int_eq(llsock_cmsg_segment(u.buf, sizeof(u.buf), 1472),
                   (int)CMSG_SPACE(sizeof(uint16_t)));
  ck_assert_int_eq(cmsg->cmsg_level, SOL_UDP);
  ck_assert_int_eq(cmsg->cmsg_type, UDP_SEGMENT);
  ck_assert_uint_eq(cmsg->cmsg_len, CMSG_LEN(sizeof(uint16_t)));
  memcpy(&value, CMSG_DATA(cmsg), sizeof(value));
  ck_assert_uint_eq(value, 1472);
  ck_assert_int_eq(llsock_cmsg_segment(u.buf, sizeof(u.buf), 65535),
                   (int)LLSOCK_CMSG_SEGMENT_SPACE);
}
END_TEST

START_TEST(cmsg_segment_bad_input) {
  /* A size of 0 or above 65535, a NULL or misaligned buffer are -EINVAL; a
   * buffer too small is -ENOSPC. */
  union {
    struct cmsghdr align;
    char buf[LLSOCK_CMSG_SEGMENT_SPACE + 8];
  } u;

  ck_assert_int_eq(llsock_cmsg_segment(u.buf, sizeof(u.buf), 0), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_segment(u.buf, sizeof(u.buf), 65536), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_segment(NULL, 64, 100), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_segment(u.buf + 1, sizeof(u.buf) - 1, 100),
                   -EINVAL);
  ck_assert_int_eq(
      llsock_cmsg_segment(u.buf, LLSOCK_CMSG_SEGMENT_SPACE - 1, 100),
      -ENOSPC);
}
END_TEST

START_TEST(cmsg_gro_decodes_only_gro) {
  /* The UDP_GRO decoder reads the kernel's int, and refuses other
   * messages, short ones, a size of 0 and NULL pointers. */
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  struct cmsghdr *cmsg = (struct cmsghdr *)u.buf;
  unsigned int segsize = 0;
  int value = 1200;

  memset(&u, 0, sizeof(u));
  cmsg->cmsg_level = SOL_UDP;
  cmsg->cmsg_type = UDP_GRO;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &value, sizeof(value));
  ck_assert_int_eq(llsock_cmsg_gro(cmsg, &segsize), 0);
  ck_assert_uint_eq(segsize, 1200);
  ck_assert_int_eq(llsock_cmsg_gro(cmsg, NULL), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_gro(NULL, &segsize), -EINVAL);
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) - 1);
  ck_assert_int_eq(llsock_cmsg_gro(cmsg, &segsize), -EINVAL);
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  cmsg->cmsg_type = UDP_SEGMENT;
  ck_assert_int_eq(llsock_cmsg_gro(cmsg, &segsize), -EINVAL);
  cmsg->cmsg_type = UDP_GRO;
  value = 0;
  memcpy(CMSG_DATA(cmsg), &value, sizeof(value));
  ck_assert_int_eq(llsock_cmsg_gro(cmsg, &segsize), -EINVAL);
}
END_TEST

START_TEST(send_segments_leave_as_datagrams) {
  /* One GSO send of 1000 bytes in 100-byte segments arrives as 10
   * datagrams, and 1050 bytes as 11 with a last one of 50, in order. */
  static const size_t lens[] = {1000, 1050, 100, 1};
  unsigned char payload[1050];
  llsock_addr raddr, saddr;
  int r, s;
  size_t i;

  if (!gso_usable("send_segments_leave_as_datagrams"))
    return;
  r = udp_socket(&raddr);
  s = udp_socket(&saddr);
  fill_pattern(payload, sizeof(payload));
  for (i = 0; i < TU_COUNT(lens); i++) {
    ck_assert_int_eq(
        llsock_send_segments(s, payload, lens[i], 100, &raddr, 0),
        (ssize_t)lens[i]);
    ck_assert_int_eq(drain_segments(r, payload, lens[i], 100),
                     (int)((lens[i] + 99) / 100));
  }
  tu_close2(r, s);
}
END_TEST

START_TEST(gro_receives_coalesced) {
  /* With UDP_GRO on, one receive returns the whole 1000 bytes of a
   * 100-byte GSO send and the segment size, and a lone datagram reports
   * its own length. */
  unsigned char payload[1000], buf[4096];
  llsock_addr raddr, saddr, from;
  unsigned int segsize = 0;
  int r, s;

  if (!gso_usable("gro_receives_coalesced"))
    return;
  r = udp_socket(&raddr);
  s = udp_socket(&saddr);
  ck_assert_int_eq(llsock_opt_set_udp_gro(r, 1), 0);
  ck_assert_int_eq(llsock_opt_get_udp_gro(r), 1);
  fill_pattern(payload, sizeof(payload));
  ck_assert_int_eq(llsock_send_segments(s, payload, 1000, 100, &raddr, 0),
                   1000);
  tu_wait(r, POLLIN);
  ck_assert_int_eq(
      llsock_recv_segments(r, buf, sizeof(buf), &segsize, &from, 0), 1000);
  ck_assert_uint_eq(segsize, 100);
  ck_assert_mem_eq(buf, payload, 1000);
  ck_assert_int_eq(llsock_addr_equal(&from, &saddr), 1);

  ck_assert_int_eq(llsock_sendto(s, payload, 321, 0, &raddr), 321);
  tu_wait(r, POLLIN);
  ck_assert_int_eq(
      llsock_recv_segments(r, buf, sizeof(buf), &segsize, NULL, 0), 321);
  ck_assert_uint_eq(segsize, 321);
  ck_assert_int_eq(llsock_recv_segments(r, buf, sizeof(buf), &segsize, NULL,
                                        MSG_DONTWAIT),
                   -EAGAIN);
  ck_assert_int_eq(llsock_recv_segments(r, buf, sizeof(buf), NULL, NULL, 0),
                   -EINVAL);
  tu_close2(r, s);
}
END_TEST

START_TEST(segment_option_applies_to_every_send) {
  /* UDP_SEGMENT set on the socket splits plain sends; it reads back, 0
   * turns it off, and values outside 0..65535 are -EINVAL. */
  unsigned char payload[300];
  llsock_addr raddr, saddr;
  int r, s;

  if (!gso_usable("segment_option_applies_to_every_send"))
    return;
  r = udp_socket(&raddr);
  s = udp_socket(&saddr);
  fill_pattern(payload, sizeof(payload));
  ck_assert_int_eq(llsock_opt_get_udp_segment(s), 0);
  ck_assert_int_eq(llsock_opt_set_udp_segment(s, 64), 0);
  ck_assert_int_eq(llsock_opt_get_udp_segment(s), 64);
  ck_assert_int_eq(llsock_sendto(s, payload, 300, 0, &raddr), 300);
  ck_assert_int_eq(drain_segments(r, payload, 300, 64), 5);
  ck_assert_int_eq(llsock_opt_set_udp_segment(s, 0), 0);
  ck_assert_int_eq(llsock_sendto(s, payload, 300, 0, &raddr), 300);
  ck_assert_int_eq(drain_segments(r, payload, 300, 300), 1);
  ck_assert_int_eq(llsock_opt_set_udp_segment(s, -1), -EINVAL);
  ck_assert_int_eq(llsock_opt_set_udp_segment(s, 65536), -EINVAL);
  ck_assert_int_eq(llsock_opt_get_udp_segment(s), 0);
  tu_close2(r, s);
}
END_TEST

START_TEST(sendmmsg_with_segment_per_message) {
  /* In one sendmmsg, each message carries its own segment size and
   * address: 300 bytes in 100s to one socket, 200 in 50s to another,
   * arrive as 3 and 4 datagrams. */
  union {
    struct cmsghdr align;
    char buf[LLSOCK_CMSG_SEGMENT_SPACE];
  } control[2];
  static const unsigned int segsizes[2] = {100, 50};
  unsigned char payload[300];
  struct iovec iov[2] = {{payload, 300}, {payload, 200}};
  llsock_mmsg msgs[2];
  llsock_addr raddr[2], saddr;
  int r[2], s, i;

  if (!gso_usable("sendmmsg_with_segment_per_message"))
    return;
  r[0] = udp_socket(&raddr[0]);
  r[1] = udp_socket(&raddr[1]);
  s = udp_socket(&saddr);
  fill_pattern(payload, sizeof(payload));
  memset(msgs, 0, sizeof(msgs));
  for (i = 0; i < 2; i++) {
    msgs[i].hdr.msg_iov = &iov[i];
    msgs[i].hdr.msg_iovlen = 1;
    msgs[i].hdr.msg_name = &raddr[i].u.sa;
    msgs[i].hdr.msg_namelen = raddr[i].len;
    msgs[i].hdr.msg_control = control[i].buf;
    msgs[i].hdr.msg_controllen = (size_t)llsock_cmsg_segment(
        control[i].buf, sizeof(control[i].buf), segsizes[i]);
  }
  ck_assert_int_eq(llsock_sendmmsg(s, msgs, 2, 0), 2);
  ck_assert_uint_eq(msgs[0].len, 300);
  ck_assert_uint_eq(msgs[1].len, 200);
  ck_assert_int_eq(drain_segments(r[0], payload, 300, 100), 3);
  ck_assert_int_eq(drain_segments(r[1], payload, 200, 50), 4);
  tu_close2(r[0], r[1]);
  tu_close(s);
}
END_TEST

START_TEST(gso_limits_come_back) {
  /* What the kernel refuses comes back as its code: more segments than
   * it allows (64, or 128 since Linux 6.9), a segment size of 0 in the
   * call, UDP options on a TCP socket. */
  unsigned char payload[8192] = {0};
  llsock_addr raddr, saddr;
  int r, s, c, a;

  if (!gso_usable("gso_limits_come_back"))
    return;
  r = udp_socket(&raddr);
  s = udp_socket(&saddr);
  ck_assert_int_eq(llsock_send_segments(s, payload, 129 * 10, 10, &raddr, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_send_segments(s, payload, 100, 0, &raddr, 0),
                   -EINVAL);
  ck_assert_int_eq(llsock_send_segments(s, NULL, 100, 10, &raddr, 0),
                   -EINVAL);
  tu_tcp_pair(&c, &a);
  ck_assert_int_eq(llsock_opt_get_udp_segment(c), -EOPNOTSUPP);
  ck_assert_int_eq(llsock_opt_set_udp_gro(c, 1), -ENOPROTOOPT);
  tu_close2(c, a);
  tu_close2(r, s);
}
END_TEST

START_TEST(recv_segments_closes_passed_fds) {
  /* Descriptors sent with a datagram fit the control room that GRO
   * decoding uses; llsock_recv_segments() returns none, so it must close
   * them (the fixture fails a test that leaves an fd open).  Found by the
   * fuzz_lua libFuzzer target. */
  int pair[2], passed[2];
  unsigned int segsize = 0;
  char buf[8];

  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  passed[0] = pair[0], passed[1] = pair[1];
  ck_assert_int_eq(llsock_sendfds(pair[0], "x", 1, passed, 2, 0), 1);
  ck_assert_int_eq(llsock_recv_segments(pair[1], buf, sizeof(buf), &segsize,
                                        NULL, 0),
                   1);
  ck_assert_uint_eq(segsize, 1);
  tu_close(pair[0]);
  tu_close(pair[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("gso");
  TCase *tc = tu_tcase(s, "cmsg");

  tcase_add_test(tc, cmsg_segment_layout);
  tcase_add_test(tc, cmsg_segment_bad_input);
  tcase_add_test(tc, cmsg_gro_decodes_only_gro);

  tc = tu_tcase(s, "loopback");
  tcase_add_test(tc, send_segments_leave_as_datagrams);
  tcase_add_test(tc, gro_receives_coalesced);
  tcase_add_test(tc, segment_option_applies_to_every_send);
  tcase_add_test(tc, sendmmsg_with_segment_per_message);
  tcase_add_test(tc, gso_limits_come_back);
  tcase_add_test(tc, recv_segments_closes_passed_fds);
  return tu_run(s);
}
