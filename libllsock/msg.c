#include "llsock-int.h"

#include <string.h>
#include <unistd.h>

#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0 /* not atomic there; nothing better exists */
#endif

/* Room for the largest SCM_RIGHTS message, aligned for struct cmsghdr. */
typedef union fd_control {
  struct cmsghdr align;
  char buf[CMSG_SPACE(sizeof(int) * LLSOCK_MAX_FDS)];
} fd_control;

ssize_t llsock_sendmsg(int fd, const struct msghdr *msg, int flags) {
  ssize_t n;

  if (msg == NULL)
    return -EINVAL;
  n = sendmsg(fd, msg, flags | MSG_NOSIGNAL);
  return n == -1 ? -errno : n;
}

static int rights_count(const struct cmsghdr *cmsg) {
  return (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
}

/* Close every fd a truncated message brought, leaving -1 in its slot. */
static void close_received_fds(struct msghdr *msg) {
  struct cmsghdr *cmsg;
  int i, rfd, none = -1;

  for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL; cmsg = CMSG_NXTHDR(msg, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
      continue;
    for (i = 0; i < rights_count(cmsg); i++) {
      unsigned char *slot = CMSG_DATA(cmsg) + i * sizeof(int);
      memcpy(&rfd, slot, sizeof(rfd));
      if (rfd >= 0)
        close(rfd);
      memcpy(slot, &none, sizeof(none));
    }
  }
}

ssize_t llsock_recvmsg(int fd, struct msghdr *msg, int flags) {
  ssize_t n;

  if (msg == NULL)
    return -EINVAL;
  n = recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC);
  if (n == -1)
    return -errno;
  msg->msg_flags &= ~MSG_CMSG_CLOEXEC; /* our flag, echoed by the kernel */
  if (msg->msg_flags & MSG_CTRUNC)
    close_received_fds(msg);
  return n;
}

ssize_t llsock_sendfds(int fd, const void *buf, size_t len, const int *fds,
                       size_t nfds, int flags) {
  fd_control control;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;

  if ((buf == NULL && len > 0) || (fds == NULL && nfds > 0) ||
      nfds > LLSOCK_MAX_FDS)
    return -EINVAL;
  if (nfds > 0) {
    memset(&control, 0, sizeof(control));
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
  }
  return llsock_sendmsg(fd, &msg, flags);
}

ssize_t llsock_recvfds(int fd, void *buf, size_t len, int *fds, size_t *nfds,
                       int *msgflags, int flags) {
  fd_control control;
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;
  size_t room, got = 0;
  ssize_t n;

  if ((buf == NULL && len > 0) || nfds == NULL || (fds == NULL && *nfds > 0))
    return -EINVAL;
  room = *nfds < LLSOCK_MAX_FDS ? *nfds : LLSOCK_MAX_FDS;
  if (room > 0) {
    msg.msg_control = control.buf;
    /* CMSG_LEN, not CMSG_SPACE: the padding could take one fd too many */
    msg.msg_controllen = CMSG_LEN(sizeof(int) * room);
  }
  n = llsock_recvmsg(fd, &msg, flags);
  if (n < 0)
    return n;
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL && !(msg.msg_flags & MSG_CTRUNC);
       cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    size_t count;
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
      continue;
    count = (size_t)rights_count(cmsg);
    if (count > room - got) {
      /* more than asked for: drop them all rather than half a message */
      msg.msg_flags |= MSG_CTRUNC;
      close_received_fds(&msg);
      got = 0;
      break;
    }
    memcpy(fds + got, CMSG_DATA(cmsg), count * sizeof(int));
    got += count;
  }
  *nfds = got;
  if (msgflags != NULL)
    *msgflags = msg.msg_flags;
  return n;
}
