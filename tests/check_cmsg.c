#include "testutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Control room aligned as malloc's memory is, bigger than any test needs. */
typedef union control_block {
  struct cmsghdr align;
  max_align_t max;
  unsigned char buf[1024];
} control_block;

/* A msghdr whose control data is the first len bytes of block. */
static struct msghdr control_msg(control_block *block, size_t len) {
  struct msghdr msg;

  memset(&msg, 0, sizeof(msg));
  msg.msg_control = block->buf;
  msg.msg_controllen = len;
  return msg;
}

/* Writes a header of level, type and cmsg_len at offset of block. */
static void put_header(control_block *block, size_t offset, int level,
                       int type, size_t len) {
  struct cmsghdr header;

  memset(&header, 0, sizeof(header));
  header.cmsg_level = level;
  header.cmsg_type = type;
  header.cmsg_len = len;
  memcpy(block->buf + offset, &header, sizeof(header));
}

/* item built alone into block: the message to decode. */
static const struct cmsghdr *built(control_block *block,
                                   llsock_cmsg_item item) {
  ck_assert_int_gt(llsock_cmsg_build(block->buf, sizeof(block->buf), &item, 1),
                   0);
  return &block->align;
}

static const char data_a[] = "a", data_b[] = "thirteen byte";
static const int three_fds[] = {7, 8, 9};

START_TEST(space_counts_headers_and_padding) {
  /* The room of items is each one's header, data and padding, as
   * CMSG_SPACE counts it; none for no items, 0 when it overflows. */
  llsock_cmsg_item items[] = {
    {SOL_SOCKET, 1, NULL, 0},
    {SOL_SOCKET, 2, data_a, 1},
    {IPPROTO_IP, 3, three_fds, sizeof(three_fds)},
    {IPPROTO_IPV6, 4, data_b, 13},
  };
  llsock_cmsg_item huge = {SOL_SOCKET, 1, data_a, SIZE_MAX - 8};

  ck_assert_uint_eq(llsock_cmsg_space(items, 0), 0);
  ck_assert_uint_eq(llsock_cmsg_space(items, 1), CMSG_SPACE(0));
  ck_assert_uint_eq(llsock_cmsg_space(items, 4),
                    CMSG_SPACE(0) + CMSG_SPACE(1) +
                        CMSG_SPACE(sizeof(three_fds)) + CMSG_SPACE(13));
  ck_assert_uint_eq(llsock_cmsg_space(&huge, 1), 0);
  ck_assert_uint_eq(llsock_cmsg_space(NULL, 1), 0);
}
END_TEST

START_TEST(build_then_walk_gives_the_items_back) {
  /* Items laid out by build come back from the walk in order, with their
   * level, type and bytes; the padding between them is zero. */
  llsock_cmsg_item items[] = {
    {SOL_SOCKET, SCM_RIGHTS, three_fds, sizeof(three_fds)},
    {IPPROTO_IP, 42, data_a, 1},
    {IPPROTO_IPV6, 43, data_b, 13},
    {SOL_SOCKET, 44, NULL, 0},
  };
  control_block block;
  const struct cmsghdr *cmsg;
  struct msghdr msg;
  llsock_cmsg_item got;
  ssize_t used;
  size_t i = 0, offset;

  memset(&block, 0xaa, sizeof(block));
  used = llsock_cmsg_build(block.buf, sizeof(block.buf), items, 4);
  ck_assert_int_eq(used, (ssize_t)llsock_cmsg_space(items, 4));
  msg = control_msg(&block, (size_t)used);
  for (cmsg = llsock_cmsg_first(&msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(&msg, cmsg), i++) {
    ck_assert_uint_lt(i, 4);
    llsock_cmsg_item_of(cmsg, &got);
    ck_assert_int_eq(got.level, items[i].level);
    ck_assert_int_eq(got.type, items[i].type);
    ck_assert_uint_eq(got.len, items[i].len);
    if (got.len > 0)
      ck_assert_mem_eq(got.data, items[i].data, got.len);
    /* the padding after the data */
    offset = (size_t)((const unsigned char *)got.data - block.buf) + got.len;
    for (; offset % CMSG_ALIGN(1) != 0; offset++)
      ck_assert_uint_eq(block.buf[offset], 0);
  }
  ck_assert_uint_eq(i, 4);
  ck_assert_uint_eq(block.buf[used], 0xaa); /* nothing written beyond */
}
END_TEST

START_TEST(build_refuses_what_cannot_be_laid_out) {
  /* build is -EINVAL for a NULL or misaligned buffer and for an item with
   * a length but no data, -ENOSPC for a buffer one byte short (writing
   * nothing); no items take no room. */
  llsock_cmsg_item item = {SOL_SOCKET, 1, data_b, 13};
  llsock_cmsg_item no_data = {SOL_SOCKET, 1, NULL, 4};
  control_block block;

  memset(&block, 0xaa, sizeof(block));
  ck_assert_int_eq(llsock_cmsg_build(NULL, 64, &item, 1), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_build(block.buf + 1, 64, &item, 1), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_build(block.buf, 64, &no_data, 1), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_build(block.buf, 64, NULL, 1), -EINVAL);
  ck_assert_int_eq(
      llsock_cmsg_build(block.buf, CMSG_SPACE(13) - 1, &item, 1), -ENOSPC);
  ck_assert_uint_eq(block.buf[0], 0xaa);
  ck_assert_int_eq(llsock_cmsg_build(block.buf, 0, &item, 0), 0);
}
END_TEST

START_TEST(walk_stops_at_a_malformed_header) {
  /* The walk returns nothing for no control data, a misaligned block, room
   * shorter than a header, a length shorter than a header or running past
   * the room; a bad second header ends the walk after the first. */
  control_block block;
  struct msghdr msg;

  memset(&block, 0, sizeof(block));
  ck_assert_ptr_null(llsock_cmsg_first(NULL));
  msg = control_msg(&block, 0);
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  msg.msg_control = NULL;
  msg.msg_controllen = 64;
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  put_header(&block, 0, SOL_SOCKET, 1, CMSG_LEN(4));
  msg = control_msg(&block, sizeof(struct cmsghdr) - 1);
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  msg = control_msg(&block, CMSG_SPACE(4));
  msg.msg_control = block.buf + 1;
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  put_header(&block, 0, SOL_SOCKET, 1, CMSG_LEN(0) - 1);
  msg = control_msg(&block, CMSG_SPACE(4));
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  put_header(&block, 0, SOL_SOCKET, 1, CMSG_LEN(4) + 1000);
  ck_assert_ptr_null(llsock_cmsg_first(&msg));
  put_header(&block, 0, SOL_SOCKET, 1, CMSG_LEN(4));
  put_header(&block, CMSG_SPACE(4), SOL_SOCKET, 2, 3);
  msg = control_msg(&block, 2 * CMSG_SPACE(4));
  ck_assert_ptr_eq(llsock_cmsg_first(&msg), (void *)block.buf);
  ck_assert_ptr_null(llsock_cmsg_next(&msg, llsock_cmsg_first(&msg)));
  put_header(&block, CMSG_SPACE(4), SOL_SOCKET, 2, CMSG_SPACE(4) + 1);
  ck_assert_ptr_null(llsock_cmsg_next(&msg, llsock_cmsg_first(&msg)));
  ck_assert_ptr_null(llsock_cmsg_next(&msg, NULL));
}
END_TEST

START_TEST(walk_of_random_bytes_stays_inside) {
  /* Over control data of random bytes and lengths, every message the walk
   * returns lies whole inside the control data, and the walk ends. */
  control_block block;
  unsigned int seed = 1;
  int round, walks_of_several = 0;

  for (round = 0; round < 20000; round++) {
    struct msghdr msg;
    const struct cmsghdr *cmsg;
    size_t i, len = (size_t)rand_r(&seed) % sizeof(block.buf), steps = 0;

    for (i = 0; i < sizeof(block.buf); i++)
      block.buf[i] = (unsigned char)rand_r(&seed);
    /* small lengths, so that walks of several messages happen */
    for (i = 0; i + sizeof(struct cmsghdr) <= len; i += CMSG_ALIGN(1) * 4)
      if (rand_r(&seed) % 2)
        put_header(&block, i, SOL_SOCKET, 1,
                   (size_t)rand_r(&seed) % (len - i + 8));
    msg = control_msg(&block, len);
    for (cmsg = llsock_cmsg_first(&msg); cmsg != NULL;
         cmsg = llsock_cmsg_next(&msg, cmsg)) {
      llsock_cmsg_item item;
      const unsigned char *at = (const unsigned char *)cmsg;
      ck_assert(at >= block.buf && at + cmsg->cmsg_len <= block.buf + len);
      ck_assert_uint_ge(cmsg->cmsg_len, CMSG_LEN(0));
      llsock_cmsg_item_of(cmsg, &item);
      ck_assert((const unsigned char *)item.data + item.len <=
                block.buf + len);
      ck_assert_uint_lt(++steps, sizeof(block.buf));
    }
    walks_of_several += steps >= 2;
  }
  ck_assert_int_gt(walks_of_several, 100); /* the test reached deep */
}
END_TEST

START_TEST(fds_decoder) {
  /* fds counts the descriptors of an SCM_RIGHTS message and copies at most
   * max of them; any other kind, or no room to copy into, is -EINVAL. */
  llsock_cmsg_item rights = {SOL_SOCKET, SCM_RIGHTS, three_fds,
                             sizeof(three_fds)};
  llsock_cmsg_item other = {SOL_SOCKET, SCM_RIGHTS + 1, three_fds,
                            sizeof(three_fds)};
  control_block block;
  int fds[3] = {-5, -5, -5};

  built(&block, rights);
  ck_assert_int_eq(llsock_cmsg_fds(&block.align, fds, 3), 3);
  ck_assert_mem_eq(fds, three_fds, sizeof(three_fds));
  fds[0] = fds[1] = fds[2] = -5;
  ck_assert_int_eq(llsock_cmsg_fds(&block.align, fds, 2), 3);
  ck_assert_int_eq(fds[1], 8);
  ck_assert_int_eq(fds[2], -5);
  ck_assert_int_eq(llsock_cmsg_fds(&block.align, NULL, 0), 3);
  ck_assert_int_eq(llsock_cmsg_fds(&block.align, NULL, 1), -EINVAL);
  built(&block, other);
  ck_assert_int_eq(llsock_cmsg_fds(&block.align, fds, 3), -EINVAL);
  ck_assert_int_eq(llsock_cmsg_fds(NULL, fds, 3), -EINVAL);
}
END_TEST

START_TEST(pktinfo_decoder) {
  /* pktinfo reads the interface and destination of IP_PKTINFO and
   * IPV6_PKTINFO; data one byte short, or another kind, is -EINVAL. */
  struct in_pktinfo v4 = {.ipi_ifindex = 3};
  struct in6_pktinfo v6 = {.ipi6_ifindex = 5};
  llsock_cmsg_item item = {IPPROTO_IP, IP_PKTINFO, &v4, sizeof(v4)};
  char host[LLSOCK_ADDRSTRLEN];
  control_block block;
  llsock_addr dst;
  int ifindex = 0;

  v4.ipi_addr.s_addr = htonl(0x7f000002);
  v6.ipi6_addr = in6addr_loopback;
  built(&block, item);
  ck_assert_int_eq(llsock_cmsg_pktinfo(&block.align, &ifindex, &dst), 0);
  ck_assert_int_eq(ifindex, 3);
  ck_assert_int_gt(llsock_addr_host(&dst, host, sizeof(host)), 0);
  ck_assert_str_eq(host, "127.0.0.2");
  ck_assert_int_eq(llsock_addr_port(&dst), 0);
  item.len = sizeof(v4) - 1;
  built(&block, item);
  ck_assert_int_eq(llsock_cmsg_pktinfo(&block.align, &ifindex, &dst),
                   -EINVAL);
  item = (llsock_cmsg_item){IPPROTO_IPV6, IPV6_PKTINFO, &v6, sizeof(v6)};
  built(&block, item);
  ck_assert_int_eq(llsock_cmsg_pktinfo(&block.align, &ifindex, &dst), 0);
  ck_assert_int_eq(ifindex, 5);
  ck_assert_int_gt(llsock_addr_host(&dst, host, sizeof(host)), 0);
  ck_assert_str_eq(host, "::1");
  item.level = IPPROTO_IP;
  built(&block, item);
  ck_assert_int_eq(llsock_cmsg_pktinfo(&block.align, &ifindex, &dst),
                   -EINVAL);
  ck_assert_int_eq(llsock_cmsg_pktinfo(NULL, &ifindex, &dst), -EINVAL);
}
END_TEST

START_TEST(timestamp_and_cred_decoders) {
  /* timestamp reads SCM_TIMESTAMP and SCM_TIMESTAMPNS as seconds; cred
   * reads SCM_CREDENTIALS into the pointers given; each refuses the other's
   * message and short data. */
  struct timeval tv = {.tv_sec = 1000, .tv_usec = 250000};
  struct timespec ts = {.tv_sec = 2000, .tv_nsec = 500000000};
  struct ucred cred = {.pid = 12, .uid = 34, .gid = 56};
  llsock_cmsg_item items[] = {
    {SOL_SOCKET, SCM_TIMESTAMP, &tv, sizeof(tv)},
    {SOL_SOCKET, SCM_TIMESTAMPNS, &ts, sizeof(ts)},
    {SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof(cred)},
    {SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof(cred) - 1},
  };
  const double seconds[] = {1000.25, 2000.5};
  control_block block;
  double sec;
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  size_t i;

  for (i = 0; i < 2; i++) {
    built(&block, items[i]);
    ck_assert_int_eq(llsock_cmsg_timestamp(&block.align, &sec), 0);
    ck_assert_double_eq(sec, seconds[i]);
    ck_assert_int_eq(llsock_cmsg_cred(&block.align, &pid, &uid, &gid),
                     -EINVAL);
  }
  built(&block, items[2]);
  ck_assert_int_eq(llsock_cmsg_cred(&block.align, &pid, &uid, &gid), 0);
  ck_assert_int_eq(pid, 12);
  ck_assert_uint_eq(uid, 34);
  ck_assert_uint_eq(gid, 56);
  ck_assert_int_eq(llsock_cmsg_cred(&block.align, NULL, NULL, NULL), 0);
  ck_assert_int_eq(llsock_cmsg_timestamp(&block.align, &sec), -EINVAL);
  built(&block, items[3]);
  ck_assert_int_eq(llsock_cmsg_cred(&block.align, &pid, &uid, &gid),
                   -EINVAL);
}
END_TEST

START_TEST(built_rights_pass_a_descriptor) {
  /* SCM_RIGHTS built from an item, sent with sendmsg, arrive as a working
   * descriptor that the walk and the fds decoder find. */
  int pair[2], pipefd[2], got = -1;
  llsock_cmsg_item rights = {SOL_SOCKET, SCM_RIGHTS, &got, sizeof(int)};
  control_block out, in;
  char byte = 'x';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  const struct cmsghdr *cmsg;
  ssize_t used;

  tu_pipe(pipefd);
  rights.data = &pipefd[1];
  ck_assert_int_eq(llsock_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
  used = llsock_cmsg_build(out.buf, sizeof(out.buf), &rights, 1);
  ck_assert_int_gt(used, 0);
  msg.msg_control = out.buf;
  msg.msg_controllen = (size_t)used;
  ck_assert_int_eq(llsock_sendmsg(pair[0], &msg, 0), 1);
  msg.msg_control = in.buf;
  msg.msg_controllen = sizeof(in.buf);
  ck_assert_int_eq(llsock_recvmsg(pair[1], &msg, 0), 1);
  cmsg = llsock_cmsg_first(&msg);
  ck_assert_ptr_nonnull(cmsg);
  ck_assert_int_eq(llsock_cmsg_fds(cmsg, &got, 1), 1);
  ck_assert_ptr_null(llsock_cmsg_next(&msg, cmsg));
  ck_assert_int_ne(got, pipefd[1]);
  ck_assert_int_eq(write(got, "y", 1), 1);
  ck_assert_int_eq(read(pipefd[0], &byte, 1), 1);
  ck_assert_int_eq(byte, 'y');
  tu_close(got);
  tu_close2(pipefd[0], pipefd[1]);
  tu_close2(pair[0], pair[1]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("cmsg");
  TCase *tc = tu_tcase(s, "layout");

  tcase_add_test(tc, space_counts_headers_and_padding);
  tcase_add_test(tc, build_then_walk_gives_the_items_back);
  tcase_add_test(tc, build_refuses_what_cannot_be_laid_out);
  tcase_add_test(tc, walk_stops_at_a_malformed_header);
  tcase_add_test(tc, walk_of_random_bytes_stays_inside);

  tc = tu_tcase(s, "decoders");
  tcase_add_test(tc, fds_decoder);
  tcase_add_test(tc, pktinfo_decoder);
  tcase_add_test(tc, timestamp_and_cred_decoders);
  tcase_add_test(tc, built_rights_pass_a_descriptor);
  return tu_run(s);
}
