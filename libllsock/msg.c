#include "llsock-int.h"

#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0 /* received fds get FD_CLOEXEC just after */
#define NEED_CLOEXEC_AFTER 1
#endif

/*
 * Control room that fds cannot use: what a socket may deliver besides
 * them (credentials, up to two kinds of timestamps, a security label).
 * Without it those take the fds' room first, and the fds are cut.
 */
#define OTHER_CONTROL 1024

/* Room for the largest SCM_RIGHTS message and the rest, aligned for
 * struct cmsghdr. */
typedef union fd_control {
  struct cmsghdr align;
  char buf[CMSG_SPACE(sizeof(int) * LLSOCK_MAX_FDS) + OTHER_CONTROL];
} fd_control;

ssize_t llsock_sendmsg(int fd, const struct msghdr *msg, int flags) {
  ssize_t n;

  if (msg == NULL)
    return -EINVAL;
  n = sendmsg(fd, msg, flags | MSG_NOSIGNAL);
  return n == -1 ? -errno : n;
}

/* The decoders here and the caller's CMSG_* walk need an aligned block. */
static int misaligned_control(const struct msghdr *msg) {
  return msg->msg_control != NULL &&
         (uintptr_t)msg->msg_control % _Alignof(struct cmsghdr) != 0;
}

ssize_t llsock_recvmsg(int fd, struct msghdr *msg, int flags) {
  ssize_t n;

  if (msg == NULL || misaligned_control(msg))
    return -EINVAL;
  n = recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC);
  if (n == -1)
    return -errno;
  msg->msg_flags &= ~MSG_CMSG_CLOEXEC; /* our flag, echoed by the kernel */
  if (msg->msg_flags & MSG_CTRUNC)
    llsock__cmsg_close_fds(msg);
#ifdef NEED_CLOEXEC_AFTER
  else
    llsock__cmsg_cloexec_fds(msg);
#endif
  return n;
}

ssize_t llsock_sendfds(int fd, const void *buf, size_t len, const int *fds,
                       size_t nfds, int flags) {
  fd_control control;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

  if ((buf == NULL && len > 0) || (fds == NULL && nfds > 0) ||
      nfds > LLSOCK_MAX_FDS)
    return -EINVAL;
  if (len == 0 && nfds > 0 && llsock_type(fd) == SOCK_STREAM)
    return -EINVAL; /* the kernel would drop them without a word */
  if (nfds > 0) {
    llsock_cmsg_item rights = {SOL_SOCKET, SCM_RIGHTS, fds,
                               sizeof(int) * nfds};
    ssize_t used = llsock_cmsg_build(control.buf, sizeof(control.buf),
                                     &rights, 1);
    if (used < 0)
      return used;
    msg.msg_control = control.buf;
    msg.msg_controllen = (size_t)used;
  }
  return llsock_sendmsg(fd, &msg, flags);
}

ssize_t llsock_recvfds(int fd, void *buf, size_t len, int *fds, size_t *nfds,
                       int *msgflags, int flags) {
  fd_control control;
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  const struct cmsghdr *cmsg;
  size_t room, got = 0;
  ssize_t n;

  if ((buf == NULL && len > 0) || nfds == NULL || (fds == NULL && *nfds > 0))
    return -EINVAL;
  room = *nfds < LLSOCK_MAX_FDS ? *nfds : LLSOCK_MAX_FDS;
  /* More fds than room can fit now: the loop below drops them all. */
  msg.msg_control = control.buf;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * room) + OTHER_CONTROL;
  n = llsock_recvmsg(fd, &msg, flags);
  if (n < 0)
    return n;
  for (cmsg = llsock_cmsg_first(&msg);
       cmsg != NULL && !(msg.msg_flags & MSG_CTRUNC);
       cmsg = llsock_cmsg_next(&msg, cmsg)) {
    int count = llsock_cmsg_fds(cmsg, fds == NULL ? NULL : fds + got,
                                room - got);
    if (count < 0)
      continue;
    if ((size_t)count > room - got) {
      /* more than asked for: drop them all rather than half a message */
      msg.msg_flags |= MSG_CTRUNC;
      llsock__cmsg_close_fds(&msg);
      got = 0;
      break;
    }
    got += (size_t)count;
  }
  *nfds = got;
  if (msgflags != NULL)
    *msgflags = msg.msg_flags;
  return n;
}

#if HAVE_SENDMMSG && HAVE_RECVMMSG
_Static_assert(sizeof(llsock_mmsg) == sizeof(struct mmsghdr) &&
                   offsetof(llsock_mmsg, len) ==
                       offsetof(struct mmsghdr, msg_len),
               "llsock_mmsg must match struct mmsghdr");
#endif

static int bad_batch(const llsock_mmsg *msgs, unsigned int n) {
  return (msgs == NULL && n > 0) || n > LLSOCK_MAX_BATCH;
}

int llsock_sendmmsg(int fd, llsock_mmsg *msgs, unsigned int n, int flags) {
  int done;

  if (bad_batch(msgs, n))
    return -EINVAL;
#if HAVE_SENDMMSG
  done = sendmmsg(fd, (struct mmsghdr *)msgs, n, flags | MSG_NOSIGNAL);
  return done == -1 ? -errno : done;
#else
  for (done = 0; (unsigned int)done < n; done++) {
    ssize_t sent = llsock_sendmsg(fd, &msgs[done].hdr, flags);
    if (sent < 0)
      return done > 0 ? done : (int)sent;
    msgs[done].len = (unsigned int)sent;
  }
  return done;
#endif
}

int llsock_recvmmsg(int fd, llsock_mmsg *msgs, unsigned int n, int flags) {
  int done;

  if (bad_batch(msgs, n))
    return -EINVAL;
  for (unsigned int i = 0; i < n; i++)
    if (misaligned_control(&msgs[i].hdr))
      return -EINVAL;
#if HAVE_RECVMMSG
  done = recvmmsg(fd, (struct mmsghdr *)msgs, n, flags | MSG_CMSG_CLOEXEC,
                  NULL);
  if (done == -1)
    return -errno;
  for (int i = 0; i < done; i++) {
    msgs[i].hdr.msg_flags &= ~MSG_CMSG_CLOEXEC;
    if (msgs[i].hdr.msg_flags & MSG_CTRUNC)
      llsock__cmsg_close_fds(&msgs[i].hdr);
  }
  return done;
#else
  for (done = 0; (unsigned int)done < n; done++) {
    ssize_t got = llsock_recvmsg(fd, &msgs[done].hdr, flags);
    if (got < 0)
      return done > 0 ? done : (int)got;
    msgs[done].len = (unsigned int)got;
#ifdef MSG_WAITFORONE
    if (flags & MSG_WAITFORONE)
      flags |= MSG_DONTWAIT;
#endif
  }
  return done;
#endif
}
