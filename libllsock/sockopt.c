#include "llsock-int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* macOS spells TCP_KEEPIDLE TCP_KEEPALIVE, and BSD spells TCP_CORK
 * TCP_NOPUSH */
#if !defined(TCP_KEEPIDLE) && defined(TCP_KEEPALIVE) && defined(__APPLE__)
#define TCP_KEEPIDLE TCP_KEEPALIVE
#endif
#if !defined(TCP_CORK) && defined(TCP_NOPUSH)
#define TCP_CORK TCP_NOPUSH
#endif

/*
 * Options of llsock-opts.h that some systems' headers lack: their calls
 * report -ENOPROTOOPT there.  An option every target has needs no line.
 */
#define NO_SUCH_OPTION INT_MIN
#ifndef SO_REUSEPORT
#define SO_REUSEPORT NO_SUCH_OPTION
#endif
#ifndef SO_TIMESTAMPNS
#define SO_TIMESTAMPNS NO_SUCH_OPTION
#endif
#ifndef SO_PASSCRED
#define SO_PASSCRED NO_SUCH_OPTION
#endif
#ifndef SO_ACCEPTCONN
#define SO_ACCEPTCONN NO_SUCH_OPTION
#endif
#ifndef TCP_CORK
#define TCP_CORK NO_SUCH_OPTION
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT NO_SUCH_OPTION
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE NO_SUCH_OPTION
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL NO_SUCH_OPTION
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT NO_SUCH_OPTION
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN NO_SUCH_OPTION
#endif
#ifndef TCP_DEFER_ACCEPT
#define TCP_DEFER_ACCEPT NO_SUCH_OPTION
#endif
#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT NO_SUCH_OPTION
#endif
#ifndef IP_PKTINFO
#define IP_PKTINFO NO_SUCH_OPTION
#endif
#ifndef IPV6_RECVPKTINFO
#define IPV6_RECVPKTINFO NO_SUCH_OPTION
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY NO_SUCH_OPTION
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT NO_SUCH_OPTION
#endif
#ifndef UDP_GRO
#define UDP_GRO NO_SUCH_OPTION
#endif
#ifndef IPV6_TCLASS
#define IPV6_TCLASS NO_SUCH_OPTION
#endif
#ifndef IP_RECVERR
#define IP_RECVERR NO_SUCH_OPTION
#endif
#ifndef IPV6_RECVERR
#define IPV6_RECVERR NO_SUCH_OPTION
#endif

int llsock_opt_get(int fd, int level, int name, void *buf, size_t *len) {
  socklen_t optlen;

  if (len == NULL || (buf == NULL && *len > 0) || *len > INT_MAX)
    return -EINVAL;
  optlen = (socklen_t)*len;
  if (getsockopt(fd, level, name, buf, &optlen) == -1)
    return -errno;
  *len = optlen;
  return 0;
}

int llsock_opt_set(int fd, int level, int name, const void *buf,
                   size_t len) {
  if ((buf == NULL && len > 0) || len > INT_MAX)
    return -EINVAL;
  if (setsockopt(fd, level, name, buf, (socklen_t)len) == -1)
    return -errno;
  return 0;
}

int llsock_opt_getint(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof(value);

  if (getsockopt(fd, level, name, &value, &len) == -1)
    return -errno;
  /* some systems answer byte-sized options (the IPv4 multicast TTL and
   * loop) in one byte, which sits at the wrong end of a big-endian int */
  if (len == sizeof(unsigned char)) {
    unsigned char byte;
    memcpy(&byte, &value, 1);
    value = byte;
  }
  return value;
}

int llsock_opt_setint(int fd, int level, int name, int value) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) == -1)
    return -errno;
  return 0;
}

static int get_flag(int fd, int level, int name) {
  int rc = llsock_opt_getint(fd, level, name);
  return rc < 0 ? rc : rc != 0;
}

/* The getter and setter behind each entry of llsock-opts.h. */
static int get_listed(int fd, int level, int name, enum llsock_opt_kind kind) {
  if (name == NO_SUCH_OPTION)
    return -ENOPROTOOPT;
  if (kind == LLSOCK_OPT_FLAG || kind == LLSOCK_OPT_FLAG_GET)
    return get_flag(fd, level, name);
  return llsock_opt_getint(fd, level, name);
}

static int set_listed(int fd, int level, int name, enum llsock_opt_kind kind,
                      int min, int max, int value) {
  /* Linux would keep only the low byte of a bigger IP_TOS, and read a
   * negative count as a huge one */
  if (!LLSOCK_OPT_TAKES(kind, min, max, value))
    return -EINVAL;
  if (name == NO_SUCH_OPTION)
    return -ENOPROTOOPT;
  if (kind == LLSOCK_OPT_FLAG)
    value = value != 0;
  return llsock_opt_setint(fd, level, name, value);
}

#define DEFINE_GETTER(name, level, optname, kind)                  \
  int llsock_opt_get_##name(int fd) {                              \
    return get_listed(fd, level, optname, LLSOCK_OPT_##kind);      \
  }
#define DEFINE_SETTER(name, level, optname, kind, min, max)        \
  int llsock_opt_set_##name(int fd, int value) {                   \
    return set_listed(fd, level, optname, LLSOCK_OPT_##kind, min,  \
                      max, value);                                 \
  }
#define DEFINE_SETTER_FLAG DEFINE_SETTER
#define DEFINE_SETTER_FLAG_GET(name, level, optname, kind, min, max)
#define DEFINE_SETTER_INT DEFINE_SETTER
#define DEFINE_SETTER_INT_OR_DEFAULT DEFINE_SETTER
#define DEFINE_OPTION(name, level, optname, kind, min, max)        \
  DEFINE_GETTER(name, level, optname, kind)                        \
  DEFINE_SETTER_##kind(name, level, optname, kind, min, max)
LLSOCK_OPTIONS(DEFINE_OPTION)

int llsock_type(int fd) {
  return llsock_opt_getint(fd, SOL_SOCKET, SO_TYPE);
}

int llsock_error(int fd) {
  return llsock_opt_getint(fd, SOL_SOCKET, SO_ERROR);
}

/* AF_INET or AF_INET6 for an inet socket, -EOPNOTSUPP for any other */
static int inet_family(int fd) {
  llsock_addr addr;
  int rc = llsock_sockname(fd, &addr);

  if (rc < 0)
    return rc;
  rc = llsock_addr_family(&addr);
  return rc == AF_INET || rc == AF_INET6 ? rc : -EOPNOTSUPP;
}

/* A flag of LLSOCK_FAMILY_FLAGS: the option of the socket's family. */
static int family_optname(int fd, int ipv4, int ipv6, int *level, int *name) {
  int family;

  if (ipv4 == NO_SUCH_OPTION || ipv6 == NO_SUCH_OPTION)
    return -ENOPROTOOPT;
  family = inet_family(fd);
  if (family < 0)
    return family;
  *level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
  *name = family == AF_INET6 ? ipv6 : ipv4;
  return 0;
}

static int get_family_flag(int fd, int ipv4, int ipv6) {
  int level, name, rc = family_optname(fd, ipv4, ipv6, &level, &name);

  return rc < 0 ? rc : get_flag(fd, level, name);
}

static int set_family_flag(int fd, int ipv4, int ipv6, int on) {
  int level, name, rc = family_optname(fd, ipv4, ipv6, &level, &name);

  return rc < 0 ? rc : llsock_opt_setint(fd, level, name, on != 0);
}

#define DEFINE_FAMILY_FLAG(name, ipv4, ipv6)           \
  int llsock_opt_get_##name(int fd) {                  \
    return get_family_flag(fd, ipv4, ipv6);            \
  }                                                    \
  int llsock_opt_set_##name(int fd, int on) {          \
    return set_family_flag(fd, ipv4, ipv6, on);        \
  }
LLSOCK_FAMILY_FLAGS(DEFINE_FAMILY_FLAG)

int llsock_opt_get_linger(int fd, int *on, int *sec) {
  struct linger lg;
  socklen_t len = sizeof(lg);

  if (on == NULL || sec == NULL)
    return -EINVAL;
  if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == -1)
    return -errno;
  *on = lg.l_onoff != 0;
  /* Linux keeps the last time set even after linger is turned off */
  *sec = *on ? lg.l_linger : 0;
  return 0;
}

int llsock_opt_set_linger(int fd, int on, int sec) {
  struct linger lg = {.l_onoff = on != 0, .l_linger = on ? sec : 0};

  /* Linux would read a negative time as a huge unsigned one */
  if (on && sec < 0)
    return -EINVAL;
  if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1)
    return -errno;
  return 0;
}

int llsock_opt_get_mark(int fd, unsigned int *mark) {
#ifdef SO_MARK
  socklen_t len = sizeof(*mark);

  if (mark == NULL)
    return -EINVAL;
  if (getsockopt(fd, SOL_SOCKET, SO_MARK, mark, &len) == -1)
    return -errno;
  return 0;
#else
  (void)fd, (void)mark;
  return -ENOPROTOOPT;
#endif
}

int llsock_opt_set_mark(int fd, unsigned int mark) {
#ifdef SO_MARK
  if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) == -1)
    return -errno;
  return 0;
#else
  (void)fd, (void)mark;
  return -ENOPROTOOPT;
#endif
}

/* Copy the n bytes of s and a NUL into buf; n, or -ENOSPC. */
static int copy_string(char *buf, size_t size, const char *s, size_t n) {
  if (buf == NULL || n >= size)
    return -ENOSPC;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return (int)n;
}

int llsock_opt_get_bindtodevice(int fd, char *buf, size_t size) {
#ifdef SO_BINDTODEVICE
  char name[IFNAMSIZ];
  socklen_t len = sizeof(name);

  if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len) == -1)
    return -errno;
  /* the kernel counts the NUL, and writes nothing when unbound */
  return copy_string(buf, size, name, len > 0 ? strnlen(name, len) : 0);
#else
  (void)fd, (void)buf, (void)size;
  return -ENOPROTOOPT;
#endif
}

int llsock_opt_set_bindtodevice(int fd, const char *ifname) {
#ifdef SO_BINDTODEVICE
  size_t len = ifname == NULL ? 0 : strlen(ifname);

  /* Linux would bind to a truncated name instead */
  if (len >= IFNAMSIZ)
    return -ENAMETOOLONG;
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, len ? ifname : "",
                 (socklen_t)len) == -1)
    return -errno;
  return 0;
#else
  (void)fd, (void)ifname;
  return -ENOPROTOOPT;
#endif
}

/* fcntl flags: get_cmd reads the word that holds bit, set_cmd writes it */
static int get_fd_flag(int fd, int get_cmd, int bit) {
  int fl = fcntl(fd, get_cmd);
  return fl == -1 ? -errno : (fl & bit) != 0;
}

static int set_fd_flag(int fd, int get_cmd, int set_cmd, int bit, int on) {
  int fl = fcntl(fd, get_cmd);

  if (fl == -1)
    return -errno;
  if (((fl & bit) != 0) == (on != 0))
    return 0;
  if (fcntl(fd, set_cmd, on ? fl | bit : fl & ~bit) == -1)
    return -errno;
  return 0;
}

int llsock_opt_get_cloexec(int fd) {
  return get_fd_flag(fd, F_GETFD, FD_CLOEXEC);
}

int llsock_opt_set_cloexec(int fd, int on) {
  return set_fd_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on);
}

int llsock_opt_get_nonblock(int fd) {
  return get_fd_flag(fd, F_GETFL, O_NONBLOCK);
}

int llsock_opt_set_nonblock(int fd, int on) {
  return set_fd_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

static int get_timeout(int fd, int name, double *sec) {
  struct timeval tv;
  socklen_t len = sizeof(tv);

  if (sec == NULL)
    return -EINVAL;
  if (getsockopt(fd, SOL_SOCKET, name, &tv, &len) == -1)
    return -errno;
  *sec = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
  return 0;
}

static int set_timeout(int fd, int name, double sec) {
  struct timeval tv;

  /* !(sec >= 0) also refuses NaN; the bound keeps the cast defined */
  if (!(sec >= 0) || sec >= 2147483647.0)
    return -EINVAL;
  tv.tv_sec = (time_t)sec;
  /* to the nearest microsecond: (sec - tv_sec) * 1e6 carries binary noise
   * that rounding up would turn into a whole extra kernel tick */
  tv.tv_usec = (suseconds_t)((sec - (double)tv.tv_sec) * 1e6 + 0.5);
  if (tv.tv_usec >= 1000000) {
    tv.tv_sec++;
    tv.tv_usec -= 1000000;
  }
  /* a tiny positive timeout must not become 0, which means "no timeout" */
  if (tv.tv_sec == 0 && tv.tv_usec == 0 && sec > 0)
    tv.tv_usec = 1;
  if (setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)) == -1)
    return -errno;
  return 0;
}

#define DEFINE_TIMEOUT(name, optname)              \
  int llsock_opt_get_##name(int fd, double *sec) { \
    return get_timeout(fd, optname, sec);          \
  }                                                \
  int llsock_opt_set_##name(int fd, double sec) {  \
    return set_timeout(fd, optname, sec);          \
  }
LLSOCK_TIMEOUT_OPTIONS(DEFINE_TIMEOUT)

/* ---- multicast ----------------------------------------------------------- */

int llsock_iface_parse(llsock_iface *iface, const char *text) {
  if (iface == NULL)
    return -EINVAL;
  memset(iface, 0, sizeof(*iface));
  if (text == NULL || text[0] == '\0')
    return 0;
  if (strspn(text, "0123456789") == strlen(text)) {
    char *end;
    unsigned long index;
    errno = 0;
    index = strtoul(text, &end, 10);
    if (errno != 0 || index > UINT_MAX)
      return -ENODEV;
    iface->index = (unsigned int)index;
    return 0;
  }
  if (inet_pton(AF_INET, text, &iface->addr) == 1)
    return 0;
  iface->index = if_nametoindex(text);
  return iface->index == 0 ? -ENODEV : 0;
}

/* The kernel's choice for a NULL interface; -EINVAL for one named both by
 * index and by address. */
static int check_iface(const llsock_iface **iface) {
  static const llsock_iface any;

  if (*iface == NULL)
    *iface = &any;
  if ((*iface)->index != 0 && (*iface)->addr.s_addr != htonl(INADDR_ANY))
    return -EINVAL;
  return 0;
}

static int by_addr(const llsock_iface *iface) {
  return iface->addr.s_addr != htonl(INADDR_ANY);
}

/* A numeric IPv4 or IPv6 address into ss; its family, or -EINVAL. */
static int parse_group(const char *host, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof(*ss));
  if (host == NULL)
    return -EINVAL;
  if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
    ss->ss_family = AF_INET;
    return AF_INET;
  }
  if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) ==
      1) {
    ss->ss_family = AF_INET6;
    return AF_INET6;
  }
  return -EINVAL;
}

int llsock_opt_get_multicast_if(int fd, llsock_iface *iface) {
  int family = inet_family(fd);
  socklen_t len;

  if (family < 0)
    return family;
  if (iface == NULL)
    return -EINVAL;
  memset(iface, 0, sizeof(*iface));
  if (family == AF_INET6) {
    len = sizeof(iface->index);
    if (getsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &iface->index,
                   &len) == -1)
      return -errno;
  } else {
    len = sizeof(iface->addr);
    if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &iface->addr, &len) == -1)
      return -errno;
  }
  return family;
}

int llsock_opt_set_multicast_if(int fd, const llsock_iface *iface) {
  int family = inet_family(fd), rc;

  if (family < 0)
    return family;
  rc = check_iface(&iface);
  if (rc < 0)
    return rc;
  if (family == AF_INET6) {
    if (by_addr(iface))
      return -EINVAL;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &iface->index,
                   sizeof(iface->index)) == -1)
      return -errno;
    return 0;
  }
  if (iface->index != 0) {
#ifdef __linux__
    struct ip_mreqn mreqn = {.imr_ifindex = (int)iface->index};
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreqn, sizeof(mreqn)) ==
        -1)
      return -errno;
    return 0;
#else
    return -ENOPROTOOPT;
#endif
  }
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &iface->addr,
                 sizeof(iface->addr)) == -1)
    return -errno;
  return 0;
}

enum mcast_op {
  MCAST_OP_JOIN,
  MCAST_OP_LEAVE,
  MCAST_OP_JOIN_SOURCE,
  MCAST_OP_LEAVE_SOURCE,
  MCAST_OP_BLOCK_SOURCE,
  MCAST_OP_UNBLOCK_SOURCE
};

/* The option names of each operation; -1 where the platform lacks one. */
#ifdef MCAST_JOIN_GROUP
static const int mcast_names[] = {
  MCAST_JOIN_GROUP,        MCAST_LEAVE_GROUP,  MCAST_JOIN_SOURCE_GROUP,
  MCAST_LEAVE_SOURCE_GROUP, MCAST_BLOCK_SOURCE, MCAST_UNBLOCK_SOURCE,
};
#endif

static const int ipv4_names[] = {
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
#ifdef IP_ADD_SOURCE_MEMBERSHIP
  IP_ADD_SOURCE_MEMBERSHIP,
  IP_DROP_SOURCE_MEMBERSHIP,
  IP_BLOCK_SOURCE,
  IP_UNBLOCK_SOURCE,
#else
  -1, -1, -1, -1,
#endif
};

/* The IPv4-only calls, which name the interface by its address. */
static int mcast_ipv4(int fd, enum mcast_op op, const struct sockaddr_in *group,
                      const struct sockaddr_in *source, struct in_addr iface) {
  int rc;

  if (ipv4_names[op] == -1)
    return -ENOPROTOOPT;
  if (source == NULL) {
    struct ip_mreq mreq = {.imr_multiaddr = group->sin_addr,
                           .imr_interface = iface};
    rc = setsockopt(fd, IPPROTO_IP, ipv4_names[op], &mreq, sizeof(mreq));
  } else {
#ifdef IP_ADD_SOURCE_MEMBERSHIP
    struct ip_mreq_source mreq = {.imr_multiaddr = group->sin_addr,
                                  .imr_interface = iface,
                                  .imr_sourceaddr = source->sin_addr};
    rc = setsockopt(fd, IPPROTO_IP, ipv4_names[op], &mreq, sizeof(mreq));
#else
    return -ENOPROTOOPT;
#endif
  }
  return rc == -1 ? -errno : 0;
}

#ifdef MCAST_JOIN_GROUP
/* The protocol-independent calls, which name the interface by index. */
static int mcast_by_index(int fd, int level, enum mcast_op op,
                          const struct sockaddr_storage *group,
                          const struct sockaddr_storage *source,
                          unsigned int index) {
  int rc;

  if (source == NULL) {
    struct group_req req = {.gr_interface = index, .gr_group = *group};
    rc = setsockopt(fd, level, mcast_names[op], &req, sizeof(req));
  } else {
    struct group_source_req req = {
      .gsr_interface = index, .gsr_group = *group, .gsr_source = *source};
    rc = setsockopt(fd, level, mcast_names[op], &req, sizeof(req));
  }
  return rc == -1 ? -errno : 0;
}
#else
/* Without MCAST_*: any-source IPv6 membership still has its own calls. */
static int mcast_by_index(int fd, int level, enum mcast_op op,
                          const struct sockaddr_storage *group,
                          const struct sockaddr_storage *source,
                          unsigned int index) {
  struct ipv6_mreq mreq;

  if (group->ss_family == AF_INET && index == 0) {
    struct in_addr any = {.s_addr = htonl(INADDR_ANY)};
    return mcast_ipv4(fd, op, (const struct sockaddr_in *)group,
                      (const struct sockaddr_in *)source, any);
  }
  if (level != IPPROTO_IPV6 || group->ss_family != AF_INET6 ||
      source != NULL)
    return -ENOPROTOOPT;
  mreq.ipv6mr_multiaddr = ((const struct sockaddr_in6 *)group)->sin6_addr;
  mreq.ipv6mr_interface = index;
  if (setsockopt(fd, level,
                 op == MCAST_OP_JOIN ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
                 &mreq, sizeof(mreq)) == -1)
    return -errno;
  return 0;
}
#endif

static int mcast(int fd, enum mcast_op op, const char *group_host,
                 const char *source_host, const llsock_iface *iface) {
  struct sockaddr_storage group, source;
  int family, group_family, rc;

  group_family = parse_group(group_host, &group);
  if (group_family < 0)
    return group_family;
  if (op >= MCAST_OP_JOIN_SOURCE &&
      parse_group(source_host, &source) != group_family)
    return -EINVAL;
  rc = check_iface(&iface);
  if (rc < 0)
    return rc;
  family = inet_family(fd);
  if (family < 0)
    return family;
  if (by_addr(iface)) {
    /* an interface address exists only in the IPv4 calls */
    if (family != AF_INET || group_family != AF_INET)
      return -EINVAL;
    return mcast_ipv4(fd, op, (const struct sockaddr_in *)&group,
                      op >= MCAST_OP_JOIN_SOURCE
                          ? (const struct sockaddr_in *)&source
                          : NULL,
                      iface->addr);
  }
  return mcast_by_index(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
                        op, &group,
                        op >= MCAST_OP_JOIN_SOURCE ? &source : NULL,
                        iface->index);
}

int llsock_mcast_join(int fd, const char *group, const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_JOIN, group, NULL, iface);
}

int llsock_mcast_leave(int fd, const char *group, const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_LEAVE, group, NULL, iface);
}

int llsock_mcast_join_source(int fd, const char *group, const char *source,
                             const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_JOIN_SOURCE, group, source, iface);
}

int llsock_mcast_leave_source(int fd, const char *group, const char *source,
                              const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_LEAVE_SOURCE, group, source, iface);
}

int llsock_mcast_block_source(int fd, const char *group, const char *source,
                              const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_BLOCK_SOURCE, group, source, iface);
}

int llsock_mcast_unblock_source(int fd, const char *group, const char *source,
                                const llsock_iface *iface) {
  return mcast(fd, MCAST_OP_UNBLOCK_SOURCE, group, source, iface);
}

/* ---- TCP_INFO ------------------------------------------------------------ */

int llsock_opt_get_tcpinfo(int fd, llsock_tcpinfo *info) {
#if defined(__linux__) && defined(TCP_INFO)
  struct tcp_info ti;
  socklen_t len = sizeof(ti);

  if (info == NULL)
    return -EINVAL;
  /* an older kernel fills less of the struct than these headers know */
  memset(&ti, 0, sizeof(ti));
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
    return -errno;
  memset(info, 0, sizeof(*info));
  info->state = ti.tcpi_state;
  info->retransmits = ti.tcpi_retransmits;
  info->probes = ti.tcpi_probes;
  info->backoff = ti.tcpi_backoff;
  info->rto_us = ti.tcpi_rto;
  info->rtt_us = ti.tcpi_rtt;
  info->rttvar_us = ti.tcpi_rttvar;
  info->snd_mss = ti.tcpi_snd_mss;
  info->rcv_mss = ti.tcpi_rcv_mss;
  info->snd_cwnd = ti.tcpi_snd_cwnd;
  info->snd_ssthresh = ti.tcpi_snd_ssthresh;
  info->unacked = ti.tcpi_unacked;
  info->lost = ti.tcpi_lost;
  info->retrans = ti.tcpi_retrans;
  info->total_retrans = ti.tcpi_total_retrans;
  info->pmtu = ti.tcpi_pmtu;
  return 0;
#else
  (void)fd, (void)info;
  return -ENOPROTOOPT;
#endif
}
