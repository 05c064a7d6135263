#include "llsock-int.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>
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
  n = recv(fd, buf, len, flags);
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
    /* no memset on this hot path: every reader stops at from->len */
    sa = &from->u.sa;
    salen = &from->len;
    from->len = sizeof(from->u.storage);
  }
  n = recvfrom(fd, buf, len, flags, sa, salen);
  if (n == -1) {
    if (from != NULL)
      from->len = 0;
    return -errno;
  }
  return n;
}

/*
 * MSG_TRUNC discards the bytes on TCP (and MPTCP); elsewhere it reports a
 * datagram's length or is ignored.  When in doubt, say discarded: showing
 * no bytes beats showing bytes the kernel never wrote.
 */
static int trunc_discards(int fd) {
  int type = llsock_type(fd), protocol = IPPROTO_TCP;

#ifdef SO_PROTOCOL
  protocol = llsock_opt_getint(fd, SOL_SOCKET, SO_PROTOCOL);
#endif
  if (type < 0 || protocol < 0)
    return 1;
#ifdef IPPROTO_MPTCP
  if (protocol == IPPROTO_MPTCP)
    protocol = IPPROTO_TCP;
#endif
  return type == SOCK_STREAM && protocol == IPPROTO_TCP;
}

size_t llsock_recv_stored(int fd, size_t len, ssize_t n, int flags) {
  if (n <= 0 || ((flags & MSG_TRUNC) && trunc_discards(fd)))
    return 0;
  return (size_t)n < len ? (size_t)n : len;
}

ssize_t llsock_send(int fd, const void *buf, size_t len, int flags) {
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  n = send(fd, buf, len, flags | MSG_NOSIGNAL);
  return n == -1 ? -errno : n;
}

ssize_t llsock_sendto(int fd, const void *buf, size_t len, int flags,
                      const llsock_addr *to) {
  ssize_t n;

  if (bad_buffer(buf, len))
    return -EINVAL;
  n = sendto(fd, buf, len, flags | MSG_NOSIGNAL, to ? &to->u.sa : NULL,
             to ? to->len : 0);
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
      if (poll(&pfd, 1, -1) == -1)
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
      got = pread(file_fd, buf, want, *offset);
    else
      got = read(file_fd, buf, want);
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

#ifdef __linux__
/*
 * sendfile(2) has no MSG_NOSIGNAL: block SIGPIPE in this thread for the
 * call and swallow the one it raised, leaving the process's disposition
 * alone (a SIGPIPE already pending stays pending).
 */
static ssize_t sendfile_nosigpipe(int fd, int file_fd, off_t *offset,
                                  size_t len) {
  static const struct timespec no_wait = {0, 0};
  sigset_t sigpipe_set, old_mask, pending;
  int already_pending, saved_errno;
  ssize_t n;

  sigemptyset(&sigpipe_set);
  sigaddset(&sigpipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe_set, &old_mask);
  already_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
  n = sendfile(fd, file_fd, offset, len);
  saved_errno = errno;
  if (n == -1 && saved_errno == EPIPE && !already_pending)
    while (sigtimedwait(&sigpipe_set, NULL, &no_wait) == -1 && errno == EINTR)
      ;
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  errno = saved_errno;
  return n;
}
#endif

ssize_t llsock_sendfile(int fd, int file_fd, off_t *offset, size_t len) {
  if (len > SSIZE_MAX || (offset != NULL && *offset < 0))
    return -EINVAL;
#ifdef __linux__
  {
    ssize_t n;
    n = sendfile_nosigpipe(fd, file_fd, offset, len);
    if (n >= 0)
      return n;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
      return -errno;
  }
#endif
  return sendfile_copy(fd, file_fd, offset, len);
}
