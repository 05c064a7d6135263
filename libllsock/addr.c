#include "llsock-int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_LINUX_NETLINK_H
#include <linux/netlink.h>
#endif
#ifdef HAVE_LINUX_IF_PACKET_H
#include <linux/if_packet.h>
#endif
#ifdef HAVE_LINUX_VM_SOCKETS_H
#include <linux/vm_sockets.h>
#endif

#define SUN_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

int llsock_addr_set(llsock_addr *addr, const struct sockaddr *sa,
                    socklen_t len) {
  if (addr == NULL || (sa == NULL && len > 0) ||
      len > sizeof(addr->u.storage))
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  if (len > 0)
    memcpy(&addr->u, sa, len);
  addr->len = len;
  return 0;
}

int llsock__check_port(const char *port) {
  unsigned long value;
  char *end;

  if (port == NULL || *port == '\0')
    return port == NULL ? 0 : -EINVAL;
  if (!isdigit((unsigned char)*port)) {
    /* a service name; but a sign or blank in front of digits is no name */
    return (*port == '-' || *port == '+' || isspace((unsigned char)*port))
               ? -EINVAL
               : 0;
  }
  errno = 0;
  value = strtoul(port, &end, 10);
  if (errno != 0 || *end != '\0' || value > 65535)
    return -EINVAL;
  return 0;
}

/* llsock_addr_inet() with the port as text (port_text, NULL for 0) or,
 * when port_text is NULL, as a number. */
static int addr_inet(llsock_addr *addr, const char *host,
                     const char *port_text, int port) {
  struct addrinfo hints, *res;
  int rc;

  if (addr == NULL || host == NULL)
    return -EINVAL;
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  rc = getaddrinfo(host, port_text, &hints, &res);
  if (rc != 0)
    return llsock__eai(rc, errno);
  rc = llsock_addr_set(addr, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc == 0 && port_text == NULL)
    llsock__addr_set_port(addr, port);
  return rc;
}

int llsock_addr_inet(llsock_addr *addr, const char *host, const char *port) {
  int rc = llsock__check_port(port);

  if (rc < 0)
    return rc;
  return addr_inet(addr, host, port ? port : "0", 0);
}

int llsock_addr_inet_port(llsock_addr *addr, const char *host, int port) {
  if (port < 0 || port > 65535)
    return -EINVAL;
  return addr_inet(addr, host, NULL, port);
}

void llsock__addr_set_port(llsock_addr *addr, int port) {
  switch (llsock_addr_family(addr)) {
  case AF_INET:
    addr->u.in.sin_port = htons((uint16_t)port);
    break;
  case AF_INET6:
    addr->u.in6.sin6_port = htons((uint16_t)port);
    break;
  default:
    break;
  }
}

int llsock_addr_unix(llsock_addr *addr, const char *path, size_t len) {
  int abstract;

  if (addr == NULL || (path == NULL && len > 0))
    return -EINVAL;
  abstract = len > 0 && path[0] == '\0';
  if (!abstract && len > 0 && memchr(path, '\0', len) != NULL)
    return -EINVAL;
  /* a filesystem path keeps a byte for its terminating NUL */
  if (len > SUN_PATH_SIZE - (abstract ? 0 : 1))
    return -ENAMETOOLONG;
  memset(addr, 0, sizeof(*addr));
  addr->u.un.sun_family = AF_UNIX;
  if (len > 0)
    memcpy(addr->u.un.sun_path, path, len);
  addr->len = SUN_PATH_OFFSET + len + (len > 0 && !abstract);
  return 0;
}

int llsock_addr_family(const llsock_addr *addr) {
  if (addr == NULL ||
      addr->len < offsetof(struct sockaddr, sa_family) + sizeof(sa_family_t))
    return AF_UNSPEC;
  return addr->u.sa.sa_family;
}

/*
 * AF_INET or AF_INET6 when addr is a whole inet address, else AF_UNSPEC:
 * an address cut short (llsock_addr_set() takes any length) has no port
 * or host to read, only the zeros past its end.
 */
static int inet_family(const llsock_addr *addr) {
  int family = llsock_addr_family(addr);

  if ((family == AF_INET && addr->len >= sizeof(struct sockaddr_in)) ||
      (family == AF_INET6 && addr->len >= sizeof(struct sockaddr_in6)))
    return family;
  return AF_UNSPEC;
}

int llsock_addr_port(const llsock_addr *addr) {
  switch (inet_family(addr)) {
  case AF_INET:
    return ntohs(addr->u.in.sin_port);
  case AF_INET6:
    return ntohs(addr->u.in6.sin6_port);
  default:
    return -EAFNOSUPPORT;
  }
}

static int names_scope(const struct in6_addr *a) {
  return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a) ||
         IN6_IS_ADDR_MC_NODELOCAL(a);
}

int llsock_addr_host(const llsock_addr *addr, char *buf, size_t size) {
  char ifname[IF_NAMESIZE];
  size_t n;

  if (buf == NULL)
    return -EINVAL;
  switch (inet_family(addr)) {
  case AF_INET:
    if (inet_ntop(AF_INET, &addr->u.in.sin_addr, buf, size) == NULL)
      return -ENOSPC;
    return (int)strlen(buf);
  case AF_INET6:
    if (inet_ntop(AF_INET6, &addr->u.in6.sin6_addr, buf, size) == NULL)
      return -ENOSPC;
    n = strlen(buf);
    if (addr->u.in6.sin6_scope_id != 0) {
      int extra;
      /* a name only where getaddrinfo(3) takes one back: glibc looks
       * names up for link-local scopes, other addresses need the number */
      if (names_scope(&addr->u.in6.sin6_addr) &&
          if_indextoname(addr->u.in6.sin6_scope_id, ifname) != NULL)
        extra = snprintf(buf + n, size - n, "%%%s", ifname);
      else
        extra = snprintf(buf + n, size - n, "%%%u",
                         (unsigned)addr->u.in6.sin6_scope_id);
      if (extra < 0 || (size_t)extra >= size - n)
        return -ENOSPC;
      n += (size_t)extra;
    }
    return (int)n;
  default:
    return -EAFNOSUPPORT;
  }
}

const char *llsock_addr_path(const llsock_addr *addr, size_t *len) {
  size_t n;

  if (len == NULL || llsock_addr_family(addr) != AF_UNIX)
    return NULL;
  n = addr->len > SUN_PATH_OFFSET ? addr->len - SUN_PATH_OFFSET : 0;
  if (n > SUN_PATH_SIZE)
    n = SUN_PATH_SIZE;
  /* the kernel counts a filesystem path's terminating NUL; callers don't */
  if (n > 0 && addr->u.un.sun_path[0] != '\0')
    n = strnlen(addr->u.un.sun_path, n);
  *len = n;
  return addr->u.un.sun_path;
}

static int format_unix(const llsock_addr *addr, char *buf, size_t size) {
  const char *path;
  size_t len, i, n = 0;

  path = llsock_addr_path(addr, &len);
  if (len == 0)
    return snprintf(buf, size, "(unnamed)");
  if (path[0] != '\0')
    return snprintf(buf, size, "%.*s", (int)len, path);
  /* abstract names are raw bytes: show them as printable text */
  n = (size_t)snprintf(buf, size, "@");
  for (i = 1; i < len && n < size; i++) {
    unsigned char c = (unsigned char)path[i];
    n += (size_t)(isprint(c) && c != '\\'
                      ? snprintf(buf + n, size - n, "%c", c)
                      : snprintf(buf + n, size - n, "\\x%02x", c));
  }
  return (int)n;
}

/* ---- Linux's other families: netlink, packet, vsock ---------------------- */

/* The first len bytes of addr are a sockaddr of family holding need bytes. */
static int holds(const llsock_addr *addr, int family, size_t need) {
  return llsock_addr_family(addr) == family && addr->len >= need;
}

int llsock_addr_netlink(llsock_addr *addr, uint32_t pid, uint32_t groups) {
#ifdef HAVE_LINUX_NETLINK_H
  if (addr == NULL)
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  memcpy(&addr->u.storage, &(struct sockaddr_nl){.nl_family = AF_NETLINK,
                                                 .nl_pid = pid,
                                                 .nl_groups = groups},
         sizeof(struct sockaddr_nl));
  addr->len = sizeof(struct sockaddr_nl);
  return 0;
#else
  (void)addr, (void)pid, (void)groups;
  return -EAFNOSUPPORT;
#endif
}

int llsock_addr_netlink_info(const llsock_addr *addr, uint32_t *pid,
                             uint32_t *groups) {
#ifdef HAVE_LINUX_NETLINK_H
  struct sockaddr_nl nl;

  if (!holds(addr, AF_NETLINK, sizeof(nl)))
    return -EAFNOSUPPORT;
  memcpy(&nl, &addr->u.storage, sizeof(nl));
  if (pid != NULL)
    *pid = nl.nl_pid;
  if (groups != NULL)
    *groups = nl.nl_groups;
  return 0;
#else
  (void)addr, (void)pid, (void)groups;
  return -EAFNOSUPPORT;
#endif
}

int llsock_addr_vsock(llsock_addr *addr, uint32_t cid, uint32_t port) {
#ifdef HAVE_LINUX_VM_SOCKETS_H
  if (addr == NULL)
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  memcpy(&addr->u.storage, &(struct sockaddr_vm){.svm_family = AF_VSOCK,
                                                 .svm_cid = cid,
                                                 .svm_port = port},
         sizeof(struct sockaddr_vm));
  addr->len = sizeof(struct sockaddr_vm);
  return 0;
#else
  (void)addr, (void)cid, (void)port;
  return -EAFNOSUPPORT;
#endif
}

int llsock_addr_vsock_info(const llsock_addr *addr, uint32_t *cid,
                           uint32_t *port) {
#ifdef HAVE_LINUX_VM_SOCKETS_H
  struct sockaddr_vm vm;

  if (!holds(addr, AF_VSOCK,
             offsetof(struct sockaddr_vm, svm_cid) + sizeof(vm.svm_cid)))
    return -EAFNOSUPPORT;
  memset(&vm, 0, sizeof(vm));
  memcpy(&vm, &addr->u.storage, addr->len < sizeof(vm) ? addr->len : sizeof(vm));
  if (cid != NULL)
    *cid = vm.svm_cid;
  if (port != NULL)
    *port = vm.svm_port;
  return 0;
#else
  (void)addr, (void)cid, (void)port;
  return -EAFNOSUPPORT;
#endif
}

#ifdef HAVE_LINUX_IF_PACKET_H
#define SLL_ADDR_OFFSET offsetof(struct sockaddr_ll, sll_addr)
#endif

int llsock_addr_packet(llsock_addr *addr, const llsock_packet_addr *pkt) {
#ifdef HAVE_LINUX_IF_PACKET_H
  struct sockaddr_ll *ll;
  size_t len;

  if (addr == NULL || pkt == NULL || pkt->protocol > 0xffff ||
      pkt->hatype > 0xffff || pkt->pkttype > 0xff || pkt->ifindex < 0 ||
      pkt->halen > LLSOCK_HWADDR_MAX)
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  /* hardware addresses longer than sll_addr run on into the storage, as
   * the kernel's own do; the kernel wants at least a whole sockaddr_ll */
  ll = (struct sockaddr_ll *)&addr->u.storage;
  ll->sll_family = AF_PACKET;
  ll->sll_protocol = htons((uint16_t)pkt->protocol);
  ll->sll_ifindex = pkt->ifindex;
  ll->sll_hatype = (unsigned short)pkt->hatype;
  ll->sll_pkttype = (unsigned char)pkt->pkttype;
  ll->sll_halen = (unsigned char)pkt->halen;
  memcpy((char *)&addr->u.storage + SLL_ADDR_OFFSET, pkt->hwaddr, pkt->halen);
  len = SLL_ADDR_OFFSET + pkt->halen;
  addr->len = len > sizeof(*ll) ? len : sizeof(*ll);
  return 0;
#else
  (void)addr, (void)pkt;
  return -EAFNOSUPPORT;
#endif
}

int llsock_addr_packet_info(const llsock_addr *addr, llsock_packet_addr *pkt) {
#ifdef HAVE_LINUX_IF_PACKET_H
  struct sockaddr_ll ll;
  size_t room;

  if (!holds(addr, AF_PACKET, SLL_ADDR_OFFSET))
    return -EAFNOSUPPORT;
  if (pkt == NULL)
    return 0;
  memcpy(&ll, &addr->u.storage, SLL_ADDR_OFFSET);
  memset(pkt, 0, sizeof(*pkt));
  pkt->protocol = ntohs(ll.sll_protocol);
  pkt->ifindex = ll.sll_ifindex;
  pkt->hatype = ll.sll_hatype;
  pkt->pkttype = ll.sll_pkttype;
  room = addr->len - SLL_ADDR_OFFSET;
  pkt->halen = ll.sll_halen;
  if (pkt->halen > room)
    pkt->halen = (unsigned int)room;
  if (pkt->halen > LLSOCK_HWADDR_MAX)
    pkt->halen = LLSOCK_HWADDR_MAX;
  memcpy(pkt->hwaddr, (const char *)&addr->u.storage + SLL_ADDR_OFFSET,
         pkt->halen);
  return 0;
#else
  (void)addr, (void)pkt;
  return -EAFNOSUPPORT;
#endif
}

static int format_packet(const llsock_addr *addr, char *buf, size_t size) {
  llsock_packet_addr pkt;
  char ifname[IF_NAMESIZE];
  size_t n, i;
  int rc;

  if (llsock_addr_packet_info(addr, &pkt) < 0)
    return -EAFNOSUPPORT;
  if (pkt.ifindex == 0)
    rc = snprintf(buf, size, "packet:any");
  else if (if_indextoname((unsigned)pkt.ifindex, ifname) != NULL)
    rc = snprintf(buf, size, "packet:%s", ifname);
  else
    rc = snprintf(buf, size, "packet:%d", pkt.ifindex);
  if (rc < 0 || (size_t)rc >= size)
    return -ENOSPC;
  n = (size_t)rc;
  rc = snprintf(buf + n, size - n, "/0x%04x", pkt.protocol);
  for (i = 0; rc >= 0 && (size_t)rc < size - n && i < pkt.halen; i++) {
    n += (size_t)rc;
    rc = snprintf(buf + n, size - n, "%c%02x", i == 0 ? '/' : ':',
                  pkt.hwaddr[i]);
  }
  if (rc < 0 || (size_t)rc >= size - n)
    return -ENOSPC;
  return (int)(n + (size_t)rc);
}

/* netlink, packet and vsock; -EAFNOSUPPORT for any other family. */
static int format_linux_family(const llsock_addr *addr, char *buf,
                               size_t size) {
  uint32_t a, b;

  if (llsock_addr_netlink_info(addr, &a, &b) == 0)
    return b == 0 ? snprintf(buf, size, "netlink:%" PRIu32, a)
                  : snprintf(buf, size, "netlink:%" PRIu32 "/0x%" PRIx32, a,
                             b);
  if (llsock_addr_vsock_info(addr, &a, &b) == 0)
    return snprintf(buf, size, "vsock:%" PRIu32 ":%" PRIu32, a, b);
  return format_packet(addr, buf, size);
}

int llsock_addr_format(const llsock_addr *addr, char *buf, size_t size) {
  char host[LLSOCK_ADDRSTRLEN];
  int family = llsock_addr_family(addr), n;

  if (buf == NULL || size == 0)
    return -EINVAL;
  /* an inet address cut short has no host to show: "(family 2)" */
  switch ((family == AF_INET || family == AF_INET6) &&
                  inet_family(addr) == AF_UNSPEC
              ? -1
              : family) {
  case AF_INET:
  case AF_INET6:
    n = llsock_addr_host(addr, host, sizeof(host));
    if (n < 0)
      return n;
    n = snprintf(buf, size, family == AF_INET6 ? "[%s]:%d" : "%s:%d", host,
                 llsock_addr_port(addr));
    break;
  case AF_UNIX:
    n = format_unix(addr, buf, size);
    break;
  case AF_UNSPEC:
    n = snprintf(buf, size, "(unspecified)");
    break;
  default:
    n = format_linux_family(addr, buf, size);
    if (n != -EAFNOSUPPORT)
      break;
    n = snprintf(buf, size, "(family %d)", family);
    break;
  }
  if (n < 0 || (size_t)n >= size)
    return -ENOSPC;
  return n;
}

int llsock_addr_equal(const llsock_addr *a, const llsock_addr *b) {
  if (a == NULL || b == NULL)
    return a == b;
  return a->len == b->len && memcmp(&a->u, &b->u, a->len) == 0;
}

int llsock_getaddrinfo(const char *host, const char *port,
                       const struct addrinfo *hints, struct addrinfo **res) {
  int rc;

  if (res == NULL)
    return -EINVAL;
  rc = llsock__check_port(port);
  if (rc < 0)
    return rc;
  rc = getaddrinfo(host, port, hints, res);
  return llsock__eai(rc, errno);
}

int llsock_addr_nameinfo(const llsock_addr *addr, char *host, size_t hostlen,
                         char *serv, size_t servlen, int flags) {
  int rc;

  if (addr == NULL || (host == NULL && hostlen > 0) ||
      (serv == NULL && servlen > 0) || hostlen > UINT_MAX ||
      servlen > UINT_MAX)
    return -EINVAL;
  rc = getnameinfo(&addr->u.sa, addr->len, host, (socklen_t)hostlen, serv,
                   (socklen_t)servlen, flags);
  return llsock__eai(rc, errno);
}
