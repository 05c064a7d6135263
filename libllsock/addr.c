#include "llsock-int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int llsock_addr_inet(llsock_addr *addr, const char *host, const char *port) {
  struct addrinfo hints, *res;
  int rc;

  if (addr == NULL || host == NULL)
    return -EINVAL;
  rc = llsock__check_port(port);
  if (rc < 0)
    return rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  rc = getaddrinfo(host, port ? port : "0", &hints, &res);
  if (rc != 0)
    return llsock__eai(rc, errno);
  rc = llsock_addr_set(addr, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return rc;
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

int llsock_addr_port(const llsock_addr *addr) {
  switch (llsock_addr_family(addr)) {
  case AF_INET:
    return ntohs(addr->u.in.sin_port);
  case AF_INET6:
    return ntohs(addr->u.in6.sin6_port);
  default:
    return -EAFNOSUPPORT;
  }
}

int llsock_addr_host(const llsock_addr *addr, char *buf, size_t size) {
  char ifname[IF_NAMESIZE];
  size_t n;

  if (buf == NULL)
    return -EINVAL;
  switch (llsock_addr_family(addr)) {
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
      if (if_indextoname(addr->u.in6.sin6_scope_id, ifname) != NULL)
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

int llsock_addr_format(const llsock_addr *addr, char *buf, size_t size) {
  char host[LLSOCK_ADDRSTRLEN];
  int family = llsock_addr_family(addr), n;

  if (buf == NULL || size == 0)
    return -EINVAL;
  switch (family) {
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
