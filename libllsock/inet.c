#include "llsock-int.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

/*
 * Connects with no time limit unless timeout >= 0.  The port is the text
 * port_text, or when that is NULL the number port (-1 for none), set in
 * each address getaddrinfo gives: no text is made of it.
 */
static int inet_open(const char *host, const char *port_text, int port,
                     int socktype, int flags, int passive, double timeout) {
  struct addrinfo hints, *res, *ai;
  llsock_addr addr;
  double deadline = -1;
  int rc, fd, attempts = 0;

  if (socktype <= 0 || (flags & ~(LLSOCK_NONBLOCK | LLSOCK_REUSEADDR)) ||
      isnan(timeout) || port > 65535)
    return -EINVAL;
  rc = llsock__check_port(port_text);
  if (rc < 0)
    return rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = socktype;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  /* no port: "0" for the ephemeral one, but none at all for a named host,
   * since SOCK_RAW has no ports and refuses a service */
  rc = getaddrinfo(host, port_text ? port_text : host ? NULL : "0", &hints,
                   &res);
  if (rc != 0)
    return llsock__eai(rc, errno);

  if (timeout >= 0) {
    deadline = llsock_clock() + timeout;
    for (ai = res; ai != NULL; ai = ai->ai_next)
      attempts++;
  }
  rc = LLSOCK_EAI_NONAME;
  for (ai = res; ai != NULL; ai = ai->ai_next, attempts--) {
    if (ai != res && timeout >= 0 && llsock_clock() >= deadline) {
      rc = -ETIMEDOUT; /* the budget is spent */
      break;
    }
    fd = llsock_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol,
                       flags);
    if (fd < 0) {
      rc = fd;
      continue;
    }
    rc = llsock_addr_set(&addr, ai->ai_addr, ai->ai_addrlen);
    if (rc == 0 && port > 0)
      llsock__addr_set_port(&addr, port);
    if (rc == 0 && passive)
      rc = llsock_bind(fd, &addr);
    else if (rc == 0 && timeout >= 0)
      rc = llsock__connect_until(fd, &addr, deadline, attempts);
    else if (rc == 0)
      rc = llsock_connect(fd, &addr);
    if (rc == 0)
      break;
    close(fd);
    if (rc == -EINTR)
      break; /* the caller asked to be interrupted: no next address */
  }
  freeaddrinfo(res);
  return rc == 0 ? fd : rc;
}

int llsock_inet_bind(const char *host, const char *port, int socktype,
                     int flags) {
  return inet_open(host, port, -1, socktype, flags, 1, -1);
}

int llsock_inet_connect(const char *host, const char *port, int socktype,
                        int flags) {
  return inet_open(host, port, -1, socktype, flags, 0, -1);
}

int llsock_inet_connect_timeout(const char *host, const char *port,
                                int socktype, int flags, double timeout) {
  return inet_open(host, port, -1, socktype, flags, 0,
                   timeout < 0 ? -1 : timeout);
}

int llsock_inet_bind_port(const char *host, int port, int socktype,
                          int flags) {
  if (port < 0)
    return -EINVAL;
  return inet_open(host, NULL, port, socktype, flags, 1, -1);
}

int llsock_inet_connect_port(const char *host, int port, int socktype,
                             int flags, double timeout) {
  if (port < 0)
    return -EINVAL;
  return inet_open(host, NULL, port, socktype, flags, 0,
                   timeout < 0 ? -1 : timeout);
}
