#include "llsock-int.h"

#include <string.h>
#include <unistd.h>

static int inet_open(const char *host, const char *port, int socktype,
                     int flags, int passive) {
  struct addrinfo hints, *res, *ai;
  llsock_addr addr;
  int rc, fd;

  if (socktype <= 0 || (flags & ~(LLSOCK_NONBLOCK | LLSOCK_REUSEADDR)))
    return -EINVAL;
  rc = llsock__check_port(port);
  if (rc < 0)
    return rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = socktype;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  /* no port: "0" for the ephemeral one, but none at all for a named host,
   * since SOCK_RAW has no ports and refuses a service */
  rc = getaddrinfo(host, port ? port : host ? NULL : "0", &hints, &res);
  if (rc != 0)
    return llsock__eai(rc, errno);

  rc = LLSOCK_EAI_NONAME;
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    fd = llsock_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol,
                       flags);
    if (fd < 0) {
      rc = fd;
      continue;
    }
    rc = llsock_addr_set(&addr, ai->ai_addr, ai->ai_addrlen);
    if (rc == 0)
      rc = passive ? llsock_bind(fd, &addr) : llsock_connect(fd, &addr);
    if (rc == 0)
      break;
    close(fd);
  }
  freeaddrinfo(res);
  return rc == 0 ? fd : rc;
}

int llsock_inet_bind(const char *host, const char *port, int socktype,
                     int flags) {
  return inet_open(host, port, socktype, flags, 1);
}

int llsock_inet_connect(const char *host, const char *port, int socktype,
                        int flags) {
  return inet_open(host, port, socktype, flags, 0);
}
