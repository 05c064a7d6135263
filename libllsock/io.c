#include "llsock-int.h"

#include <limits.h>
#include <string.h>

static int bad_buffer(const void *buf, size_t len) {
  return (buf == NULL && len > 0) || len > SSIZE_MAX;
}

ssize_t llsock_recv(int fd, void *buf, size_t len, int flags) {
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  LLSOCK__RETRY(n, recv(fd, buf, len, flags));
  return n == -1 ? -errno : n;
}

ssize_t llsock_recvfrom(int fd, void *buf, size_t len, int flags,
                        llsock_addr *from) {
  struct sockaddr *sa = NULL;
  socklen_t *salen = NULL;
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  if (from != NULL) {
    memset(from, 0, sizeof(*from));
    sa = &from->u.sa;
    salen = &from->len;
  }
  do {
    if (from != NULL)
      from->len = sizeof(from->u.storage);
    n = recvfrom(fd, buf, len, flags, sa, salen);
  } while (n == -1 && errno == EINTR);
  if (n == -1) {
    if (from != NULL)
      from->len = 0;
    return -errno;
  }
  return n;
}

ssize_t llsock_send(int fd, const void *buf, size_t len, int flags) {
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  LLSOCK__RETRY(n, send(fd, buf, len, flags | MSG_NOSIGNAL));
  return n == -1 ? -errno : n;
}

ssize_t llsock_sendto(int fd, const void *buf, size_t len, int flags,
                      const llsock_addr *to) {
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  LLSOCK__RETRY(n, sendto(fd, buf, len, flags | MSG_NOSIGNAL,
                          to ? &to->u.sa : NULL, to ? to->len : 0));
  return n == -1 ? -errno : n;
}
