/*
 * The socket options that hold one int, listed once.  llsock.h declares a
 * getter and a setter for each, libllsock defines them, the llsocket Lua
 * module makes llsocket.opt.<name> of each, and the tests walk the list.
 *
 * X(name, level, optname, kind, min, max):
 *   llsock_opt_get_<name>(fd) returns the value, or a negative code;
 *   llsock_opt_set_<name>(fd, value) sets it, except for read-only kinds.
 * kind:
 *   FLAG            a boolean: any nonzero value sets it, it reads 0 or 1
 *   FLAG_GET        the same, read only (no setter)
 *   INT             an integer from min to max
 *   INT_OR_DEFAULT  the same, or -1 for the system's default
 * A setter refuses a value outside its range with -EINVAL before the kernel
 * sees it, and the Lua module raises an error for it.  The level and optname
 * are only expanded where the system headers are included.
 */
#ifndef LLSOCK_OPTS_H
#define LLSOCK_OPTS_H

#include <limits.h>

enum llsock_opt_kind {
  LLSOCK_OPT_FLAG,
  LLSOCK_OPT_FLAG_GET,
  LLSOCK_OPT_INT,
  LLSOCK_OPT_INT_OR_DEFAULT
};

#define LLSOCK_OPTIONS(X)                                                    \
  X(nodelay, IPPROTO_TCP, TCP_NODELAY, FLAG, 0, 1)                           \
  X(reuseaddr, SOL_SOCKET, SO_REUSEADDR, FLAG, 0, 1)                         \
  X(broadcast, SOL_SOCKET, SO_BROADCAST, FLAG, 0, 1)                         \
  X(debug, SOL_SOCKET, SO_DEBUG, FLAG, 0, 1)                                 \
  X(keepalive, SOL_SOCKET, SO_KEEPALIVE, FLAG, 0, 1)                         \
  X(oobinline, SOL_SOCKET, SO_OOBINLINE, FLAG, 0, 1)                         \
  X(timestamp, SOL_SOCKET, SO_TIMESTAMP, FLAG, 0, 1)                         \
  X(reuseport, SOL_SOCKET, SO_REUSEPORT, FLAG, 0, 1)                         \
  X(dontroute, SOL_SOCKET, SO_DONTROUTE, FLAG, 0, 1)                         \
  X(timestampns, SOL_SOCKET, SO_TIMESTAMPNS, FLAG, 0, 1)                     \
  /* SCM_CREDENTIALS come with every message received */                    \
  X(passcred, SOL_SOCKET, SO_PASSCRED, FLAG, 0, 1)                           \
  /* TCP_NOPUSH on the BSDs */                                               \
  X(cork, IPPROTO_TCP, TCP_CORK, FLAG, 0, 1)                                 \
  /* before connect */                                                       \
  X(fastopen_connect, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, FLAG, 0, 1)         \
  /* before bind */                                                          \
  X(v6only, IPPROTO_IPV6, IPV6_V6ONLY, FLAG, 0, 1)                           \
  X(pktinfo, IPPROTO_IP, IP_PKTINFO, FLAG, 0, 1)                             \
  X(recvpktinfo, IPPROTO_IPV6, IPV6_RECVPKTINFO, FLAG, 0, 1)                 \
  X(freebind, IPPROTO_IP, IP_FREEBIND, FLAG, 0, 1)                           \
  /* sends with MSG_ZEROCOPY may skip the copy (Linux 4.14) */               \
  X(zerocopy, SOL_SOCKET, SO_ZEROCOPY, FLAG, 0, 1)                           \
  /* receives may coalesce datagrams (see llsock_recv_segments()) */         \
  X(udp_gro, IPPROTO_UDP, UDP_GRO, FLAG, 0, 1)                               \
  /* 1 on a listening socket */                                              \
  X(acceptconn, SOL_SOCKET, SO_ACCEPTCONN, FLAG_GET, 0, 1)                   \
  /* bytes */                                                                \
  X(rcvbuf, SOL_SOCKET, SO_RCVBUF, INT, 0, INT_MAX)                          \
  X(rcvlowat, SOL_SOCKET, SO_RCVLOWAT, INT, 0, INT_MAX)                      \
  X(sndbuf, SOL_SOCKET, SO_SNDBUF, INT, 0, INT_MAX)                          \
  X(sndlowat, SOL_SOCKET, SO_SNDLOWAT, INT, 0, INT_MAX)                      \
  /* seconds and probes, within Linux's limits; TCP_KEEPALIVE on macOS */    \
  X(keepidle, IPPROTO_TCP, TCP_KEEPIDLE, INT, 1, 32767)                      \
  X(keepintvl, IPPROTO_TCP, TCP_KEEPINTVL, INT, 1, 32767)                    \
  X(keepcnt, IPPROTO_TCP, TCP_KEEPCNT, INT, 1, 127)                          \
  /* the length of a server's queue of fast-open requests */                 \
  X(fastopen, IPPROTO_TCP, TCP_FASTOPEN, INT, 0, INT_MAX)                    \
  /* seconds; Linux rounds up to a retransmission step */                    \
  X(defer_accept, IPPROTO_TCP, TCP_DEFER_ACCEPT, INT, 0, INT_MAX)            \
  /* milliseconds */                                                         \
  X(user_timeout, IPPROTO_TCP, TCP_USER_TIMEOUT, INT, 0, INT_MAX)            \
  X(notsent_lowat, IPPROTO_TCP, TCP_NOTSENT_LOWAT, INT, 0, INT_MAX)         \
  /* the GSO segment size of every send (0: off) */                          \
  X(udp_segment, IPPROTO_UDP, UDP_SEGMENT, INT, 0, 65535)                    \
  /* header fields */                                                        \
  X(tos, IPPROTO_IP, IP_TOS, INT, 0, 255)                                    \
  X(ttl, IPPROTO_IP, IP_TTL, INT_OR_DEFAULT, 1, 255)                         \
  X(multicast_ttl, IPPROTO_IP, IP_MULTICAST_TTL, INT_OR_DEFAULT, 0, 255)     \
  X(tclass, IPPROTO_IPV6, IPV6_TCLASS, INT_OR_DEFAULT, 0, 255)               \
  X(hoplimit, IPPROTO_IPV6, IPV6_UNICAST_HOPS, INT_OR_DEFAULT, 0, 255)       \
  X(multicast_hops, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, INT_OR_DEFAULT, 0, 255)


/* Whether a setter of kind with range min..max takes value; a flag takes
 * any value. */
#define LLSOCK_OPT_TAKES(kind, min, max, value)                             \
  ((kind) == LLSOCK_OPT_FLAG || (kind) == LLSOCK_OPT_FLAG_GET ||            \
   ((value) >= (min) && (value) <= (max)) ||                                \
   ((kind) == LLSOCK_OPT_INT_OR_DEFAULT && (value) == -1))

/* The setter of a listed option, or NULL for a read-only one. */
#define LLSOCK_OPT_SETTER(name, kind) LLSOCK__SETTER_##kind(name)
#define LLSOCK__SETTER_FLAG(name) llsock_opt_set_##name
#define LLSOCK__SETTER_FLAG_GET(name) NULL
#define LLSOCK__SETTER_INT(name) llsock_opt_set_##name
#define LLSOCK__SETTER_INT_OR_DEFAULT(name) llsock_opt_set_##name

/*
 * Flags that live at IPPROTO_IP or IPPROTO_IPV6 by the socket's family,
 * X(name, ipv4_optname, ipv6_optname): llsock_opt_get_<name>(fd) and
 * llsock_opt_set_<name>(fd, on) as for a FLAG; on a socket that is not
 * inet, -EOPNOTSUPP.
 */
#define LLSOCK_FAMILY_FLAGS(X)                               \
  X(multicast_loop, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP)  \
  /* errors about datagrams sent queue up (Linux) */         \
  X(recverr, IP_RECVERR, IPV6_RECVERR)

/*
 * Timeouts at SOL_SOCKET, in seconds as a double: X(name, optname) gives
 * llsock_opt_get_<name>(fd, &sec) and llsock_opt_set_<name>(fd, sec).
 */
#define LLSOCK_TIMEOUT_OPTIONS(X) \
  X(rcvtimeo, SO_RCVTIMEO)        \
  X(sndtimeo, SO_SNDTIMEO)

#endif /* LLSOCK_OPTS_H */
