/*
 * The integer constants of llsocket.opt: socket types, families, levels,
 * option names, message and resolver flags.  Each is set where the system
 * defines it, with the system's value.
 */
#include "llsocket-int.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#ifdef HAVE_LINUX_NETLINK_H
#include <linux/netlink.h>
#endif
#ifdef HAVE_LINUX_IF_PACKET_H
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if_arp.h>
#endif
#ifdef HAVE_LINUX_VM_SOCKETS_H
#include <linux/vm_sockets.h>
#endif

void llsocket__set_constants(lua_State *L) {
  static const struct {
    const char *name;
    lua_Integer value;
  } constants[] = {
#define C(name) {#name, name},
    C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_SEQPACKET) C(SOCK_RAW)
    C(SHUT_RD) C(SHUT_WR) C(SHUT_RDWR)
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6) C(AF_UNIX)
    C(NI_NUMERICHOST) C(NI_NUMERICSERV) C(NI_NAMEREQD) C(NI_NOFQDN)
    C(NI_DGRAM) C(SOMAXCONN)
    C(AI_PASSIVE) C(AI_CANONNAME) C(AI_NUMERICHOST) C(AI_NUMERICSERV)
    C(AI_V4MAPPED) C(AI_ALL) C(AI_ADDRCONFIG)
    C(SOL_SOCKET) C(SCM_RIGHTS) C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP)
    C(IPPROTO_UDP)
#ifdef SCM_CREDENTIALS
    C(SCM_CREDENTIALS)
#endif
    /* levels and names for llsocket.getsockopt/setsockopt */
#ifdef SO_ACCEPTCONN
    C(SO_ACCEPTCONN)
#endif
#ifdef SO_BINDTODEVICE
    C(SO_BINDTODEVICE)
#endif
#ifdef SO_BROADCAST
    C(SO_BROADCAST)
#endif
#ifdef SO_BUSY_POLL
    C(SO_BUSY_POLL)
#endif
#ifdef SO_DEBUG
    C(SO_DEBUG)
#endif
#ifdef SO_DOMAIN
    C(SO_DOMAIN)
#endif
#ifdef SO_DONTROUTE
    C(SO_DONTROUTE)
#endif
#ifdef SO_ERROR
    C(SO_ERROR)
#endif
#ifdef SO_INCOMING_CPU
    C(SO_INCOMING_CPU)
#endif
#ifdef SO_KEEPALIVE
    C(SO_KEEPALIVE)
#endif
#ifdef SO_LINGER
    C(SO_LINGER)
#endif
#ifdef SO_MARK
    C(SO_MARK)
#endif
#ifdef SO_OOBINLINE
    C(SO_OOBINLINE)
#endif
#ifdef SO_PASSCRED
    C(SO_PASSCRED)
#endif
#ifdef SO_PEERCRED
    C(SO_PEERCRED)
#endif
#ifdef SO_PRIORITY
    C(SO_PRIORITY)
#endif
#ifdef SO_PROTOCOL
    C(SO_PROTOCOL)
#endif
#ifdef SO_RCVBUF
    C(SO_RCVBUF)
#endif
#ifdef SO_RCVBUFFORCE
    C(SO_RCVBUFFORCE)
#endif
#ifdef SO_RCVLOWAT
    C(SO_RCVLOWAT)
#endif
#ifdef SO_RCVTIMEO
    C(SO_RCVTIMEO)
#endif
#ifdef SO_REUSEADDR
    C(SO_REUSEADDR)
#endif
#ifdef SO_REUSEPORT
    C(SO_REUSEPORT)
#endif
#ifdef SO_SNDBUF
    C(SO_SNDBUF)
#endif
#ifdef SO_SNDBUFFORCE
    C(SO_SNDBUFFORCE)
#endif
#ifdef SO_SNDLOWAT
    C(SO_SNDLOWAT)
#endif
#ifdef SO_SNDTIMEO
    C(SO_SNDTIMEO)
#endif
#ifdef SO_TIMESTAMP
    C(SO_TIMESTAMP)
#endif
#ifdef SO_TIMESTAMPNS
    C(SO_TIMESTAMPNS)
#endif
#ifdef SO_TYPE
    C(SO_TYPE)
#endif
#ifdef SO_ZEROCOPY
    C(SO_ZEROCOPY)
#endif
#ifdef SO_NOSIGPIPE
    C(SO_NOSIGPIPE)
#endif
#ifdef SCM_TIMESTAMP
    C(SCM_TIMESTAMP)
#endif
#ifdef SCM_TIMESTAMPNS
    C(SCM_TIMESTAMPNS)
#endif
#ifdef TCP_CONGESTION
    C(TCP_CONGESTION)
#endif
#ifdef TCP_CORK
    C(TCP_CORK)
#endif
#ifdef TCP_DEFER_ACCEPT
    C(TCP_DEFER_ACCEPT)
#endif
#ifdef TCP_FASTOPEN
    C(TCP_FASTOPEN)
#endif
#ifdef TCP_FASTOPEN_CONNECT
    C(TCP_FASTOPEN_CONNECT)
#endif
#ifdef TCP_INFO
    C(TCP_INFO)
#endif
#ifdef TCP_KEEPALIVE
    C(TCP_KEEPALIVE)
#endif
#ifdef TCP_KEEPCNT
    C(TCP_KEEPCNT)
#endif
#ifdef TCP_KEEPIDLE
    C(TCP_KEEPIDLE)
#endif
#ifdef TCP_KEEPINTVL
    C(TCP_KEEPINTVL)
#endif
#ifdef TCP_LINGER2
    C(TCP_LINGER2)
#endif
#ifdef TCP_MAXSEG
    C(TCP_MAXSEG)
#endif
#ifdef TCP_NODELAY
    C(TCP_NODELAY)
#endif
#ifdef TCP_NOPUSH
    C(TCP_NOPUSH)
#endif
#ifdef TCP_NOTSENT_LOWAT
    C(TCP_NOTSENT_LOWAT)
#endif
#ifdef TCP_QUICKACK
    C(TCP_QUICKACK)
#endif
#ifdef TCP_SYNCNT
    C(TCP_SYNCNT)
#endif
#ifdef TCP_USER_TIMEOUT
    C(TCP_USER_TIMEOUT)
#endif
#ifdef TCP_WINDOW_CLAMP
    C(TCP_WINDOW_CLAMP)
#endif
#ifdef IP_ADD_MEMBERSHIP
    C(IP_ADD_MEMBERSHIP)
#endif
#ifdef IP_ADD_SOURCE_MEMBERSHIP
    C(IP_ADD_SOURCE_MEMBERSHIP)
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
    C(IP_BIND_ADDRESS_NO_PORT)
#endif
#ifdef IP_BLOCK_SOURCE
    C(IP_BLOCK_SOURCE)
#endif
#ifdef IP_DROP_MEMBERSHIP
    C(IP_DROP_MEMBERSHIP)
#endif
#ifdef IP_DROP_SOURCE_MEMBERSHIP
    C(IP_DROP_SOURCE_MEMBERSHIP)
#endif
#ifdef IP_FREEBIND
    C(IP_FREEBIND)
#endif
#ifdef IP_HDRINCL
    C(IP_HDRINCL)
#endif
#ifdef IP_MTU
    C(IP_MTU)
#endif
#ifdef IP_MTU_DISCOVER
    C(IP_MTU_DISCOVER)
#endif
#ifdef IP_PMTUDISC_DO
    C(IP_PMTUDISC_DONT) C(IP_PMTUDISC_WANT) C(IP_PMTUDISC_DO)
    C(IP_PMTUDISC_PROBE)
#endif
#ifdef IPV6_PMTUDISC_DO
    C(IPV6_PMTUDISC_DONT) C(IPV6_PMTUDISC_WANT) C(IPV6_PMTUDISC_DO)
    C(IPV6_PMTUDISC_PROBE)
#endif
#ifdef IP_MULTICAST_ALL
    C(IP_MULTICAST_ALL)
#endif
#ifdef IP_MULTICAST_IF
    C(IP_MULTICAST_IF)
#endif
#ifdef IP_MULTICAST_LOOP
    C(IP_MULTICAST_LOOP)
#endif
#ifdef IP_MULTICAST_TTL
    C(IP_MULTICAST_TTL)
#endif
#ifdef IP_OPTIONS
    C(IP_OPTIONS)
#endif
#ifdef IP_PKTINFO
    C(IP_PKTINFO)
#endif
#ifdef IP_RECVERR
    C(IP_RECVERR)
#endif
#ifdef IP_RECVTOS
    C(IP_RECVTOS)
#endif
#ifdef IP_RECVTTL
    C(IP_RECVTTL)
#endif
#ifdef IP_TOS
    C(IP_TOS)
#endif
#ifdef IP_TRANSPARENT
    C(IP_TRANSPARENT)
#endif
#ifdef IP_TTL
    C(IP_TTL)
#endif
#ifdef IP_UNBLOCK_SOURCE
    C(IP_UNBLOCK_SOURCE)
#endif
#ifdef IPV6_CHECKSUM
    C(IPV6_CHECKSUM)
#endif
#ifdef IPV6_DONTFRAG
    C(IPV6_DONTFRAG)
#endif
#ifdef IPV6_HOPLIMIT
    C(IPV6_HOPLIMIT)
#endif
#ifdef IPV6_JOIN_GROUP
    C(IPV6_JOIN_GROUP)
#endif
#ifdef IPV6_LEAVE_GROUP
    C(IPV6_LEAVE_GROUP)
#endif
#ifdef IPV6_MTU
    C(IPV6_MTU)
#endif
#ifdef IPV6_MTU_DISCOVER
    C(IPV6_MTU_DISCOVER)
#endif
#ifdef IPV6_MULTICAST_HOPS
    C(IPV6_MULTICAST_HOPS)
#endif
#ifdef IPV6_MULTICAST_IF
    C(IPV6_MULTICAST_IF)
#endif
#ifdef IPV6_MULTICAST_LOOP
    C(IPV6_MULTICAST_LOOP)
#endif
#ifdef IPV6_PKTINFO
    C(IPV6_PKTINFO)
#endif
#ifdef IPV6_RECVERR
    C(IPV6_RECVERR)
#endif
#ifdef IPV6_RECVHOPLIMIT
    C(IPV6_RECVHOPLIMIT)
#endif
#ifdef IPV6_RECVPKTINFO
    C(IPV6_RECVPKTINFO)
#endif
#ifdef IPV6_RECVTCLASS
    C(IPV6_RECVTCLASS)
#endif
#ifdef IPV6_TCLASS
    C(IPV6_TCLASS)
#endif
#ifdef IPV6_UNICAST_HOPS
    C(IPV6_UNICAST_HOPS)
#endif
#ifdef IPV6_V6ONLY
    C(IPV6_V6ONLY)
#endif
#ifdef MCAST_BLOCK_SOURCE
    C(MCAST_BLOCK_SOURCE)
#endif
#ifdef MCAST_JOIN_GROUP
    C(MCAST_JOIN_GROUP)
#endif
#ifdef MCAST_JOIN_SOURCE_GROUP
    C(MCAST_JOIN_SOURCE_GROUP)
#endif
#ifdef MCAST_LEAVE_GROUP
    C(MCAST_LEAVE_GROUP)
#endif
#ifdef MCAST_LEAVE_SOURCE_GROUP
    C(MCAST_LEAVE_SOURCE_GROUP)
#endif
#ifdef MCAST_UNBLOCK_SOURCE
    C(MCAST_UNBLOCK_SOURCE)
#endif
#ifdef UDP_SEGMENT
    C(SOL_UDP) C(UDP_SEGMENT)
#endif
#ifdef UDP_GRO
    C(UDP_GRO)
#endif
#ifdef IPPROTO_ICMP
    C(IPPROTO_ICMP)
#endif
#ifdef IPPROTO_ICMPV6
    C(IPPROTO_ICMPV6)
#endif
#ifdef IPPROTO_RAW
    C(IPPROTO_RAW)
#endif
#ifdef IPPROTO_UDPLITE
    C(IPPROTO_UDPLITE)
#endif
#ifdef IPPROTO_SCTP
    C(IPPROTO_SCTP)
#endif
    C(MSG_OOB) C(MSG_PEEK) C(MSG_DONTROUTE) C(MSG_CTRUNC) C(MSG_TRUNC)
    C(MSG_DONTWAIT) C(MSG_EOR) C(MSG_WAITALL)
#ifdef MSG_NOSIGNAL
    C(MSG_NOSIGNAL)
#endif
#ifdef MSG_MORE
    C(MSG_MORE)
#endif
#ifdef MSG_CONFIRM
    C(MSG_CONFIRM)
#endif
#ifdef MSG_ERRQUEUE
    C(MSG_ERRQUEUE)
#endif
#ifdef MSG_PROXY
    C(MSG_PROXY)
#endif
#ifdef MSG_FIN
    C(MSG_FIN)
#endif
#ifdef MSG_SYN
    C(MSG_SYN)
#endif
#ifdef MSG_RST
    C(MSG_RST)
#endif
#ifdef MSG_WAITFORONE
    C(MSG_WAITFORONE)
#endif
#ifdef MSG_BATCH
    C(MSG_BATCH)
#endif
#ifdef MSG_ZEROCOPY
    C(MSG_ZEROCOPY)
#endif
#ifdef MSG_FASTOPEN
    C(MSG_FASTOPEN)
#endif
#ifdef MSG_CMSG_CLOEXEC
    C(MSG_CMSG_CLOEXEC)
#endif
#ifdef MSG_EOF
    C(MSG_EOF)
#endif
#ifdef MSG_NOTIFICATION
    C(MSG_NOTIFICATION)
#endif
    /* the families of llsocket.addr.netlink, .packet and .vsock */
#ifdef HAVE_LINUX_NETLINK_H
    C(AF_NETLINK) C(NETLINK_ROUTE) C(NETLINK_GENERIC) C(NETLINK_SOCK_DIAG)
    C(NETLINK_NETFILTER) C(NETLINK_KOBJECT_UEVENT) C(NETLINK_AUDIT)
    C(NETLINK_XFRM)
#endif
#ifdef HAVE_LINUX_IF_PACKET_H
    C(AF_PACKET) C(ETH_P_ALL) C(ETH_P_IP) C(ETH_P_IPV6) C(ETH_P_ARP)
    C(ETH_P_8021Q) C(PACKET_HOST) C(PACKET_BROADCAST) C(PACKET_MULTICAST)
    C(PACKET_OTHERHOST) C(PACKET_OUTGOING) C(ARPHRD_ETHER) C(ARPHRD_LOOPBACK)
    C(ARPHRD_NONE)
#endif
#ifdef HAVE_LINUX_VM_SOCKETS_H
    C(AF_VSOCK) C(VMADDR_CID_ANY) C(VMADDR_CID_HYPERVISOR) C(VMADDR_CID_HOST)
#ifdef VMADDR_CID_LOCAL
    C(VMADDR_CID_LOCAL)
#endif
    C(VMADDR_PORT_ANY)
#endif
#undef C
  };
  size_t i;

  for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
    lua_pushinteger(L, constants[i].value);
    lua_setfield(L, -2, constants[i].name);
  }
}
