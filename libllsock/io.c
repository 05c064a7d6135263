#include "llsock-int.h"

#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/ioctl.h>
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

/*
 * sendfile(2) for a file it cannot take that can seek: copy through a
 * buffer, and seek back over whatever the socket did not take, so that no
 * byte is consumed from the file without being sent.
 */
static ssize_t sendfile_copy(int fd, int file_fd, off_t *offset, size_t len) {
  char buf[16384];
  size_t total = 0;
  ssize_t got, sent;

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
    sent = llsock_send(fd, buf, (size_t)got, 0);
    if (sent < 0) {
      if (offset == NULL)
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

/*
 * From a stream socket: peek, send, then take from the source exactly what
 * was sent.  As for a pipe, a non-blocking socket makes an empty source
 * end the call instead of waiting for it, and takes no more than the
 * source held when the call began: what arrives meanwhile may be what the
 * call itself sent (the source is the socket's own peer), and a call that
 * must not wait must not run on for ever either.
 */
static ssize_t sendfile_peek(int fd, int src_fd, size_t len) {
  char buf[16384];
  size_t total = 0;
  int wait = llsock_opt_get_nonblock(fd) == 0 ? 0 : MSG_DONTWAIT;
  int queued;
  ssize_t got, sent;

  if (wait && ioctl(src_fd, FIONREAD, &queued) == 0 && queued > 0 &&
      (size_t)queued < len)
    len = (size_t)queued;

  while (total < len) {
    size_t want = len - total < sizeof(buf) ? len - total : sizeof(buf);
    got = llsock_recv(src_fd, buf, want, MSG_PEEK | wait);
    if (got <= 0)
      return total > 0 || got == 0 ? (ssize_t)total : got;
    sent = llsock_send(fd, buf, (size_t)got, 0);
    if (sent < 0)
      return total > 0 ? (ssize_t)total : sent;
    /* what was peeked is still queued, so this takes just it at once
     * (another reader of the source would race any scheme) */
    if (sent > 0)
      llsock_recv(src_fd, buf, (size_t)sent, MSG_DONTWAIT);
    total += (size_t)sent;
    if (sent < got)
      break;
  }
  return (ssize_t)total;
}

#ifdef __linux__
typedef ssize_t (*transfer_fn)(int fd, int file_fd, off_t *offset,
                               size_t len);

static ssize_t sendfile_call(int fd, int file_fd, off_t *offset, size_t len) {
  return sendfile(fd, file_fd, offset, len);
}

/* Bytes the socket does not take stay in the pipe: nothing is lost. */
static ssize_t splice_call(int fd, int file_fd, off_t *offset, size_t len) {
  (void)offset;
  return splice(file_fd, NULL, fd, NULL, len, SPLICE_F_MOVE);
}

/*
 * sendfile(2) and splice(2) have no MSG_NOSIGNAL: block SIGPIPE in this
 * thread for the call and swallow the one it raised, leaving the
 * process's disposition alone (a SIGPIPE already pending stays pending).
 * Returns the call's result, or -errno.
 */
static ssize_t without_sigpipe(transfer_fn call, int fd, int file_fd,
                               off_t *offset, size_t len) {
  static const struct timespec no_wait = {0, 0};
  sigset_t sigpipe_set, old_mask, pending;
  int already_pending, saved_errno;
  ssize_t n;

  sigemptyset(&sigpipe_set);
  sigaddset(&sigpipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe_set, &old_mask);
  already_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
  n = call(fd, file_fd, offset, len);
  saved_errno = errno;
  if (n == -1 && saved_errno == EPIPE && !already_pending)
    while (sigtimedwait(&sigpipe_set, NULL, &no_wait) == -1 && errno == EINTR)
      ;
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  return n == -1 ? -saved_errno : n;
}

/*
 * From a pipe, splice(2) moves bytes straight into the socket.  It
 * returns once the pipe runs dry after moving some; go on until len or
 * end of file, as the copy loop would.
 */
static ssize_t sendfile_splice(int fd, int pipe_fd, size_t len) {
  size_t total = 0;
  ssize_t n;

  while (total < len) {
    n = without_sigpipe(splice_call, fd, pipe_fd, NULL, len - total);
    if (n < 0)
      return total > 0 ? (ssize_t)total : n;
    if (n == 0)
      break;
    total += (size_t)n;
  }
  return (ssize_t)total;
}
#endif

ssize_t llsock_sendfile(int fd, int file_fd, off_t *offset, size_t len) {
  if (len > SSIZE_MAX || (offset != NULL && *offset < 0))
    return -EINVAL;
#ifdef __linux__
  {
    ssize_t n = without_sigpipe(sendfile_call, fd, file_fd, offset, len);
    if (n >= 0 || (n != -EINVAL && n != -ENOSYS && n != -EOPNOTSUPP))
      return n;
  }
#endif
  if (offset != NULL || lseek(file_fd, 0, SEEK_CUR) != -1)
    return sendfile_copy(fd, file_fd, offset, len);
  if (llsock_type(file_fd) == SOCK_STREAM)
    return sendfile_peek(fd, file_fd, len);
#ifdef __linux__
  /* anything else that is no pipe gives -EINVAL, as the header says */
  return sendfile_splice(fd, file_fd, len);
#else
  return -EINVAL;
#endif
}
