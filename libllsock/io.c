#include "llsock-int.h"

#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif

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

/* Send all n bytes of buf, waiting for room if the socket is non-blocking:
 * bytes already taken from a file that cannot seek back must not be lost. */
static ssize_t send_all(int fd, const char *buf, size_t n) {
  struct pollfd pfd = {.fd = fd, .events = POLLOUT};
  size_t done = 0;
  ssize_t rc;

  while (done < n) {
    rc = llsock_send(fd, buf + done, n - done, 0);
    if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
      LLSOCK__RETRY(rc, poll(&pfd, 1, -1));
      if (rc == -1)
        return done > 0 ? (ssize_t)done : -errno;
      continue;
    }
    if (rc < 0)
      return done > 0 ? (ssize_t)done : rc;
    done += (size_t)rc;
  }
  return (ssize_t)done;
}

/* sendfile(2) for files it cannot take: copy through a buffer. */
static ssize_t sendfile_copy(int fd, int file_fd, off_t *offset, size_t len) {
  char buf[16384];
  size_t total = 0;
  ssize_t got, sent;
  int seekable = offset != NULL || lseek(file_fd, 0, SEEK_CUR) != -1;

  while (total < len) {
    size_t want = len - total < sizeof(buf) ? len - total : sizeof(buf);
    if (offset != NULL)
      LLSOCK__RETRY(got, pread(file_fd, buf, want, *offset));
    else
      LLSOCK__RETRY(got, read(file_fd, buf, want));
    if (got == -1)
      return total > 0 ? (ssize_t)total : -errno;
    if (got == 0)
      break;
    sent = seekable ? llsock_send(fd, buf, (size_t)got, 0)
                    : send_all(fd, buf, (size_t)got);
    if (sent < 0) {
      if (offset == NULL && seekable)
        lseek(file_fd, -(off_t)got, SEEK_CUR);
      return total > 0 ? (ssize_t)total : sent;
    }
    total += (size_t)sent;
    if (offset != NULL)
      *offset += sent;
    else if (sent < got)
      lseek(file_fd, -(off_t)(got - sent), SEEK_CUR);
    if (sent < got)
      break; /* the socket is full: report the honest count */
  }
  return (ssize_t)total;
}

ssize_t llsock_sendfile(int fd, int file_fd, off_t *offset, size_t len) {
  if (len > SSIZE_MAX || (offset != NULL && *offset < 0))
    return -EINVAL;
#ifdef __linux__
  {
    ssize_t n;
    LLSOCK__RETRY(n, sendfile(fd, file_fd, offset, len));
    if (n >= 0)
      return n;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
      return -errno;
  }
#endif
  return sendfile_copy(fd, file_fd, offset, len);
}
