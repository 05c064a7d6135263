/*
 * Fuzz target: ancillary data (libllsock/cmsg.c and its decoders).
 *
 *   built:   control messages built from items, then walked and decoded,
 *            with cmsg_len fields and msg_controllen made to lie;
 *   raw:     an arbitrary control buffer under an arbitrary msg_controllen
 *            (never past the buffer: that is the caller's promise), at an
 *            aligned or misaligned address;
 *   kernel:  a datagram with descriptors and credentials received by
 *            llsock_recvmsg() into arbitrary iovecs and control room, so
 *            that truncated control data is handled: every descriptor
 *            that arrives is either handed over or closed;
 *   layout:  llsock_msg_space() and llsock_msg_layout() sizes.
 *
 * Promises checked: the walk returns only messages lying whole inside
 * msg_controllen, built items come back as they went in, a decoder reads
 * only what a message holds, no descriptor is leaked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzzinput.h"
#include "llsock-int.h"
#include "llsock.h"

#ifndef SOL_UDP
#define SOL_UDP IPPROTO_UDP
#endif

#define MAX_ITEMS 6
#define MAX_ITEM_LEN 80
#define FD_SCAN 256

static const int levels[] = {SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, SOL_UDP};
static const int types[] = {SCM_RIGHTS,   SCM_CREDENTIALS, SCM_TIMESTAMP,
                            SCM_TIMESTAMPNS, IP_PKTINFO,  IPV6_PKTINFO,
                            IP_RECVERR,   IPV6_RECVERR,    103 /* UDP_GRO */};

static void *aligned_alloc_zero(size_t size) {
  void *p = aligned_alloc(alignof(struct cmsghdr),
                          (size + alignof(struct cmsghdr) - 1) /
                              alignof(struct cmsghdr) * alignof(struct cmsghdr) +
                              (size == 0 ? alignof(struct cmsghdr) : 0));
  if (p == NULL)
    abort();
  memset(p, 0, size);
  return p;
}

/* Every decoder on one message the walk returned. */
static void decode(const struct msghdr *msg, const struct cmsghdr *cmsg,
                   size_t maxfds) {
  const char *start = msg->msg_control, *end = start + msg->msg_controllen;
  char text[LLSOCK_ADDRSTRLEN];
  llsock_cmsg_item item;
  llsock_errqueue ee;
  llsock_addr dst;
  unsigned int segsize;
  double sec;
  pid_t pid;
  uid_t uid;
  gid_t gid;
  int ifindex, n, *fds;

  FUZZ_ASSERT((const char *)cmsg >= start &&
              (const char *)cmsg + sizeof(struct cmsghdr) <= end &&
              (const char *)cmsg + cmsg->cmsg_len <= end);
  llsock_cmsg_item_of(cmsg, &item);
  FUZZ_ASSERT((const char *)item.data + item.len <= end);
  fds = maxfds > 0 ? (int *)fuzz_zeroed(maxfds * sizeof(int)) : NULL;
  n = llsock_cmsg_fds(cmsg, fds, maxfds);
  FUZZ_ASSERT(n < 0 || (size_t)n * sizeof(int) <= item.len);
  free(fds);
  if (llsock_cmsg_pktinfo(cmsg, &ifindex, &dst) == 0)
    FUZZ_ASSERT(llsock_addr_format(&dst, text, sizeof(text)) >= 0);
  llsock_cmsg_timestamp(cmsg, &sec);
  llsock_cmsg_cred(cmsg, &pid, &uid, &gid);
  if (llsock_cmsg_errqueue(cmsg, &ee) == 0) {
    FUZZ_ASSERT(llsock_errqueue_origin(ee.origin) != NULL);
    if (ee.offender.len > 0)
      FUZZ_ASSERT(llsock_addr_format(&ee.offender, text, sizeof(text)) >= 0);
  }
  if (llsock_cmsg_gro(cmsg, &segsize) == 0)
    FUZZ_ASSERT(segsize > 0);
}

/* Walks msg, decoding each message; returns how many there were. */
static size_t walk(const struct msghdr *msg, size_t maxfds) {
  const struct cmsghdr *cmsg;
  size_t count = 0;

  for (cmsg = llsock_cmsg_first(msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(msg, cmsg)) {
    decode(msg, cmsg, maxfds);
    count++;
    FUZZ_ASSERT(count <= msg->msg_controllen / CMSG_LEN(0));
  }
  return count;
}

static void built(fuzz_input *in) {
  llsock_cmsg_item items[MAX_ITEMS], got;
  size_t n = fuzz_u8(in) % (MAX_ITEMS + 1), space, size, count;
  struct msghdr msg;
  const struct cmsghdr *cmsg;
  unsigned char *buf;
  ssize_t rc;

  memset(items, 0, sizeof(items));
  for (size_t i = 0; i < n; i++) {
    uint8_t pick = fuzz_u8(in);
    items[i].level = pick < 0xf0 ? levels[pick % 4] : (int)fuzz_u32(in);
    pick = fuzz_u8(in);
    items[i].type = pick < 0xf0 ? types[pick % 9] : (int)fuzz_u32(in);
    items[i].data = fuzz_bytes(in, MAX_ITEM_LEN, &items[i].len);
  }
  space = llsock_cmsg_space(items, n);
  size = fuzz_u8(in) < 0xe0 ? space : fuzz_u8(in) % (space + 1);
  buf = aligned_alloc_zero(size);
  rc = llsock_cmsg_build(buf, size, items, n);
  if (size < space) {
    FUZZ_ASSERT(rc == -ENOSPC);
    free(buf);
    return;
  }
  FUZZ_ASSERT(rc == (ssize_t)space);
  memset(&msg, 0, sizeof(msg));
  msg.msg_control = buf;
  msg.msg_controllen = space;
  count = 0;
  for (cmsg = llsock_cmsg_first(&msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(&msg, cmsg), count++) {
    FUZZ_ASSERT(count < n);
    llsock_cmsg_item_of(cmsg, &got);
    FUZZ_ASSERT(got.level == items[count].level &&
                got.type == items[count].type &&
                got.len == items[count].len &&
                (got.len == 0 || memcmp(got.data, items[count].data, got.len) == 0));
  }
  FUZZ_ASSERT(count == n);
  walk(&msg, fuzz_u8(in) % 8);

  /* now let lengths lie: some cmsg_len fields and msg_controllen */
  for (uint8_t edits = fuzz_u8(in) % 4; edits > 0 && space > 0; edits--) {
    size_t at = fuzz_bits(in, 2) % space / alignof(struct cmsghdr) *
                alignof(struct cmsghdr);
    struct cmsghdr header;
    if (at + sizeof(header) > space)
      break;
    memcpy(&header, buf + at, sizeof(header));
    header.cmsg_len = (size_t)fuzz_bits(in, 2) ^ (fuzz_u8(in) & 1 ? ~(size_t)0 : 0);
    memcpy(buf + at, &header, sizeof(header));
  }
  msg.msg_controllen = fuzz_bits(in, 2) % (space + 1);
  walk(&msg, fuzz_u8(in) % 8);
  llsock__cmsg_cloexec_fds(&msg);
  free(buf);
}

static void raw(fuzz_input *in) {
  uint8_t how = fuzz_u8(in);
  size_t offset = how & 7, size = in->left;
  unsigned char *buf = aligned_alloc_zero(size + offset);
  struct msghdr msg;

  memcpy(buf + offset, in->at, size);
  memset(&msg, 0, sizeof(msg));
  msg.msg_control = buf + offset;
  msg.msg_controllen = how & 8 ? size : (how >> 4) * size / 15;
  if (offset % alignof(struct cmsghdr) != 0)
    FUZZ_ASSERT(llsock_cmsg_first(&msg) == NULL);
  walk(&msg, how >> 5);
  free(buf);
}

typedef struct fdset {
  uint64_t bits[FD_SCAN / 64];
} fdset;

static fdset open_fds(void) {
  fdset set;

  memset(&set, 0, sizeof(set));
  for (int fd = 0; fd < FD_SCAN; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      set.bits[fd / 64] |= (uint64_t)1 << fd % 64;
  return set;
}

static void kernel(fuzz_input *in) {
  int pair[2], passed[8], on = 1;
  uint8_t how = fuzz_u8(in);
  size_t nfds = how % 9, datalen, controlroom, niov, i;
  const uint8_t *data = fuzz_bytes(in, 200, &datalen);
  fdset before = open_fds(), after;
  struct iovec iov[4];
  struct msghdr msg;
  unsigned char *control, *bufs[4];
  llsock_cmsg_item item = {SOL_SOCKET, SCM_RIGHTS, passed, 0};
  union {
    struct cmsghdr align;
    unsigned char bytes[CMSG_SPACE(sizeof(passed))];
  } out;
  ssize_t rc;

  FUZZ_ASSERT(llsock_socketpair(AF_UNIX, SOCK_DGRAM, LLSOCK_NONBLOCK,
                                pair) == 0);
  if (how & 0x80)
    setsockopt(pair[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
  if (how & 0x40)
    setsockopt(pair[1], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on));
  for (i = 0; i < nfds; i++)
    passed[i] = pair[0];
  item.len = nfds * sizeof(int);
  iov[0].iov_base = (void *)data;
  iov[0].iov_len = datalen;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  if (nfds > 0) {
    msg.msg_control = out.bytes;
    msg.msg_controllen = (size_t)llsock_cmsg_build(out.bytes, sizeof(out),
                                                   &item, 1);
  }
  rc = llsock_sendmsg(pair[0], &msg, 0);
  FUZZ_ASSERT(rc == (ssize_t)datalen);

  niov = fuzz_u8(in) % 5;
  for (i = 0; i < niov; i++) {
    iov[i].iov_len = fuzz_u8(in);
    bufs[i] = (unsigned char *)fuzz_zeroed(iov[i].iov_len);
    iov[i].iov_base = bufs[i];
  }
  controlroom = fuzz_u8(in);
  control = aligned_alloc_zero(controlroom);
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = niov > 0 ? iov : NULL;
  msg.msg_iovlen = niov;
  msg.msg_control = controlroom > 0 ? control : NULL;
  msg.msg_controllen = controlroom;
  rc = llsock_recvmsg(pair[1], &msg, fuzz_u8(in) & 1 ? MSG_PEEK : 0);
  FUZZ_ASSERT(rc == (ssize_t)datalen || (rc >= 0 && (msg.msg_flags & MSG_TRUNC)));
  if (rc >= 0) {
    const struct cmsghdr *cmsg;
    FUZZ_ASSERT(msg.msg_controllen <= controlroom);
    walk(&msg, 0);
    for (cmsg = llsock_cmsg_first(&msg); cmsg != NULL;
         cmsg = llsock_cmsg_next(&msg, cmsg)) {
      int got[LLSOCK_MAX_FDS], n = llsock_cmsg_fds(cmsg, got, LLSOCK_MAX_FDS);
      for (int k = 0; k < n; k++) {
        if (msg.msg_flags & MSG_CTRUNC)
          FUZZ_ASSERT(got[k] == -1);
        else
          FUZZ_ASSERT(got[k] >= 0 && close(got[k]) == 0);
      }
    }
  }
  for (i = 0; i < niov; i++)
    free(bufs[i]);
  free(control);
  close(pair[0]);
  close(pair[1]);
  after = open_fds();
  FUZZ_ASSERT(memcmp(&before, &after, sizeof(before)) == 0);
}

static void layout(fuzz_input *in) {
  size_t datalen = (size_t)fuzz_bits(in, 8), controllen = (size_t)fuzz_bits(in, 8);
  size_t space = llsock_msg_space(datalen, controllen);
  struct msghdr msg;
  unsigned char *block, *data;

  if (space == 0) {
    FUZZ_ASSERT(datalen + CMSG_ALIGN(controllen) < datalen ||
                CMSG_ALIGN(controllen) < controllen ||
                (datalen == 0 && controllen == 0));
    return;
  }
  FUZZ_ASSERT(space >= datalen && space >= controllen);
  datalen %= 4096;
  controllen %= 4096;
  space = llsock_msg_space(datalen, controllen);
  block = aligned_alloc_zero(space);
  memset(&msg, 0, sizeof(msg));
  data = llsock_msg_layout(&msg, block, controllen);
  FUZZ_ASSERT(data >= block + controllen && data + datalen == block + space);
  FUZZ_ASSERT(msg.msg_controllen == controllen);
  free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = {data, size};

  switch (fuzz_u8(&in) % 4) {
  case 0:
    built(&in);
    break;
  case 1:
    raw(&in);
    break;
  case 2:
    kernel(&in);
    break;
  default:
    layout(&in);
    break;
  }
  return 0;
}
