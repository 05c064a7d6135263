/* Private helpers shared by the libllsock sources; never installed. */
#ifndef LLSOCK_INT_H
#define LLSOCK_INT_H

#include "config.h"

#include <errno.h>
#include <netdb.h>

#include "llsock.h"

#if !HAVE_DECL_MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* SO_NOSIGPIPE is set at socket creation instead */
#endif

/* The code for a getaddrinfo()/getnameinfo() result; errnum is errno right
 * after the call, used for EAI_SYSTEM. */
int llsock__eai(int gai_rc, int errnum);

/* -EINVAL unless port is NULL, a decimal 0..65535 or a service name. */
int llsock__check_port(const char *port);

/* Sets the port (0..65535, checked by the caller) of an inet address;
 * other families are left as they are. */
void llsock__addr_set_port(llsock_addr *addr, int port);

/* A timeout in seconds as milliseconds for poll(2): -1 for a negative one
 * (for ever), rounded up, capped at INT_MAX; -2 for NaN. */
int llsock__timeout_ms(double sec);

/* llsock_connect_timeout() with a share of the time left until deadline
 * (llsock_clock() seconds, negative for none): what remains divided by
 * attempts_left, so later addresses of a name get their turn. */
int llsock__connect_until(int fd, const llsock_addr *addr, double deadline,
                          int attempts_left);

/* Close every descriptor the SCM_RIGHTS messages of msg brought, leaving
 * -1 in each slot; or make each close-on-exec. */
void llsock__cmsg_close_fds(struct msghdr *msg);
void llsock__cmsg_cloexec_fds(struct msghdr *msg);

#endif /* LLSOCK_INT_H */
