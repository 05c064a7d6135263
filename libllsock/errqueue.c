/* The socket error queue (MSG_ERRQUEUE): its entries decoded. */
#include "llsock-int.h"

#include <string.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

#if defined(__linux__) && defined(IP_RECVERR)
/* An IPv4 or IPv6 sockaddr of at most room bytes at p, into addr. */
static void read_offender(const unsigned char *p, size_t room,
                          llsock_addr *addr) {
  sa_family_t family;
  size_t len = 0;

  memset(addr, 0, sizeof(*addr));
  if (room < sizeof(family))
    return;
  memcpy(&family, p, sizeof(family));
  if (family == AF_INET)
    len = sizeof(struct sockaddr_in);
  else if (family == AF_INET6)
    len = sizeof(struct sockaddr_in6);
  if (len > 0 && len <= room)
    llsock_addr_set(addr, (const struct sockaddr *)p, (socklen_t)len);
}
#endif

int llsock_cmsg_errqueue(const struct cmsghdr *cmsg, llsock_errqueue *ee) {
#if defined(__linux__) && defined(IP_RECVERR)
  struct sock_extended_err serr;
  size_t len;

  if (cmsg == NULL || ee == NULL || cmsg->cmsg_len < CMSG_LEN(sizeof(serr)))
    return -EINVAL;
  if (!(cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_RECVERR) &&
      !(cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_RECVERR))
    return -EINVAL;
  len = cmsg->cmsg_len - CMSG_LEN(0);
  memcpy(&serr, CMSG_DATA(cmsg), sizeof(serr));
  ee->err = (int)serr.ee_errno;
  ee->origin = serr.ee_origin;
  ee->type = serr.ee_type;
  ee->code = serr.ee_code;
  ee->info = serr.ee_info;
  ee->data = serr.ee_data;
  /* SO_EE_OFFENDER: the sender of an ICMP error, just after the struct */
  read_offender(CMSG_DATA(cmsg) + sizeof(serr), len - sizeof(serr),
                &ee->offender);
  return 0;
#else
  (void)cmsg, (void)ee;
  return -EINVAL;
#endif
}

const char *llsock_errqueue_origin(int origin) {
  switch (origin) {
  case LLSOCK_EE_ORIGIN_NONE:
    return "none";
  case LLSOCK_EE_ORIGIN_LOCAL:
    return "local";
  case LLSOCK_EE_ORIGIN_ICMP:
    return "icmp";
  case LLSOCK_EE_ORIGIN_ICMP6:
    return "icmp6";
  case LLSOCK_EE_ORIGIN_TIMESTAMPING:
    return "timestamping";
  case LLSOCK_EE_ORIGIN_ZEROCOPY:
    return "zerocopy";
  case LLSOCK_EE_ORIGIN_TXTIME:
    return "txtime";
  default:
    return "unknown";
  }
}

#ifdef __linux__
_Static_assert(LLSOCK_EE_ORIGIN_LOCAL == SO_EE_ORIGIN_LOCAL &&
                   LLSOCK_EE_ORIGIN_ICMP == SO_EE_ORIGIN_ICMP &&
                   LLSOCK_EE_ORIGIN_ICMP6 == SO_EE_ORIGIN_ICMP6 &&
                   LLSOCK_EE_ORIGIN_TIMESTAMPING == SO_EE_ORIGIN_TIMESTAMPING &&
                   LLSOCK_EE_ORIGIN_ZEROCOPY == SO_EE_ORIGIN_ZEROCOPY &&
                   LLSOCK_EE_ORIGIN_TXTIME == SO_EE_ORIGIN_TXTIME &&
                   LLSOCK_EE_CODE_ZEROCOPY_COPIED ==
                       SO_EE_CODE_ZEROCOPY_COPIED,
               "the origins are Linux's");
#endif
