/* UDP segmentation offload: one send for many datagrams (GSO), and
 * coalesced receives (GRO). */
#include "llsock-int.h"

#include <netinet/udp.h>
#include <stdint.h>
#include <string.h>

#ifndef SOL_UDP
#define SOL_UDP IPPROTO_UDP
#endif

int llsock_cmsg_segment(void *buf, size_t size, unsigned int segsize) {
#ifdef UDP_SEGMENT
  struct cmsghdr cmsg = {.cmsg_level = SOL_UDP, .cmsg_type = UDP_SEGMENT,
                         .cmsg_len = CMSG_LEN(sizeof(uint16_t))};
  uint16_t value = (uint16_t)segsize;

  if (buf == NULL || segsize == 0 || segsize > UINT16_MAX ||
      (uintptr_t)buf % _Alignof(struct cmsghdr) != 0)
    return -EINVAL;
  if (size < LLSOCK_CMSG_SEGMENT_SPACE)
    return -ENOSPC;
  memset(buf, 0, LLSOCK_CMSG_SEGMENT_SPACE);
  memcpy(buf, &cmsg, sizeof(cmsg));
  memcpy(CMSG_DATA((struct cmsghdr *)buf), &value, sizeof(value));
  return (int)LLSOCK_CMSG_SEGMENT_SPACE;
#else
  (void)buf, (void)size, (void)segsize;
  return -ENOPROTOOPT;
#endif
}

int llsock_cmsg_gro(const struct cmsghdr *cmsg, unsigned int *segsize) {
#ifdef UDP_GRO
  int value;

  if (cmsg == NULL || segsize == NULL || cmsg->cmsg_level != SOL_UDP ||
      cmsg->cmsg_type != UDP_GRO || cmsg->cmsg_len < CMSG_LEN(sizeof(value)))
    return -EINVAL;
  memcpy(&value, CMSG_DATA(cmsg), sizeof(value));
  if (value <= 0)
    return -EINVAL;
  *segsize = (unsigned int)value;
  return 0;
#else
  (void)cmsg, (void)segsize;
  return -EINVAL;
#endif
}

ssize_t llsock_send_segments(int fd, const void *buf, size_t len,
                             unsigned int segsize, const llsock_addr *to,
                             int flags) {
  union {
    struct cmsghdr align;
    char buf[LLSOCK_CMSG_SEGMENT_SPACE];
  } control;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  int rc;

  if (buf == NULL && len > 0)
    return -EINVAL;
  rc = llsock_cmsg_segment(control.buf, sizeof(control.buf), segsize);
  if (rc < 0)
    return rc;
  msg.msg_control = control.buf;
  msg.msg_controllen = (size_t)rc;
  if (to != NULL) {
    msg.msg_name = (void *)&to->u.sa;
    msg.msg_namelen = to->len;
  }
  return llsock_sendmsg(fd, &msg, flags);
}

ssize_t llsock_recv_segments(int fd, void *buf, size_t len,
                             unsigned int *segsize, llsock_addr *from,
                             int flags) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int)) * 4];
  } control;
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *cmsg;
  ssize_t n;

  if ((buf == NULL && len > 0) || segsize == NULL)
    return -EINVAL;
  if (from != NULL) {
    msg.msg_name = &from->u.sa;
    msg.msg_namelen = sizeof(from->u.storage);
  }
  n = llsock_recvmsg(fd, &msg, flags);
  if (from != NULL)
    from->len = n < 0 ? 0 : msg.msg_namelen;
  if (n < 0)
    return n;
  /* descriptors a unix peer sent fit the control room and arrive open;
   * nobody is given them here, so they are closed, not leaked */
  llsock__cmsg_close_fds(&msg);
  /* one datagram, unless the kernel says how it coalesced several */
  *segsize = (size_t)n < len ? (unsigned int)n : (unsigned int)len;
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg))
    if (llsock_cmsg_gro(cmsg, segsize) == 0)
      break;
  return n;
}
