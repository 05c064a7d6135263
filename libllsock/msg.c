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

static size_t cmsg_data_len(const struct cmsghdr *cmsg);

static int rights_count(const struct cmsghdr *cmsg) {
  return (int)(cmsg_data_len(cmsg) / sizeof(int));
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

#ifdef NEED_CLOEXEC_AFTER
/* Not atomic: another thread's fork+exec in between can still see them. */
static void cloexec_received_fds(struct msghdr *msg) {
  struct cmsghdr *cmsg;
  int i, rfd;

  for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL; cmsg = CMSG_NXTHDR(msg, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
      continue;
    for (i = 0; i < rights_count(cmsg); i++) {
      memcpy(&rfd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(rfd));
      llsock_opt_set_cloexec(rfd, 1);
    }
  }
}
#endif

/* The decoders here and the caller's CMSG_* walk need an aligned block. */
static int misaligned_control(const struct msghdr *msg) {
  return msg->msg_control != NULL &&
         (uintptr_t)msg->msg_control % _Alignof(struct cmsghdr) != 0;
}

size_t llsock_msg_space(size_t datalen, size_t controllen) {
  size_t room = CMSG_ALIGN(controllen);

  if (room < controllen || datalen > SIZE_MAX - room)
    return 0;
  return room + datalen;
}

void *llsock_msg_layout(struct msghdr *msg, void *block, size_t controllen) {
  msg->msg_control = controllen > 0 ? block : NULL;
  msg->msg_controllen = controllen;
  return (char *)block + CMSG_ALIGN(controllen);
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
    close_received_fds(msg);
#ifdef NEED_CLOEXEC_AFTER
  else
    cloexec_received_fds(msg);
#endif
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
  if (len == 0 && nfds > 0 && llsock_type(fd) == SOCK_STREAM)
    return -EINVAL; /* the kernel would drop them without a word */
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
  /* More fds than room can fit now: the loop below drops them all. */
  msg.msg_control = control.buf;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * room) + OTHER_CONTROL;
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
      close_received_fds(&msgs[i].hdr);
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

static size_t cmsg_data_len(const struct cmsghdr *cmsg) {
  return cmsg->cmsg_len >= CMSG_LEN(0) ? cmsg->cmsg_len - CMSG_LEN(0) : 0;
}

int llsock_cmsg_pktinfo(const struct cmsghdr *cmsg, int *ifindex,
                        llsock_addr *dst) {
  size_t len;

  if (cmsg == NULL || ifindex == NULL || dst == NULL)
    return -EINVAL;
  len = cmsg_data_len(cmsg);
  memset(dst, 0, sizeof(*dst));
#ifdef IP_PKTINFO
  if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO &&
      len >= sizeof(struct in_pktinfo)) {
    struct in_pktinfo info;
    memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
    *ifindex = info.ipi_ifindex;
    dst->u.in.sin_family = AF_INET;
    dst->u.in.sin_addr = info.ipi_addr;
    dst->len = sizeof(dst->u.in);
    return 0;
  }
#endif
#ifdef IPV6_PKTINFO
  if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO &&
      len >= sizeof(struct in6_pktinfo)) {
    struct in6_pktinfo info;
    memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
    *ifindex = (int)info.ipi6_ifindex;
    dst->u.in6.sin6_family = AF_INET6;
    dst->u.in6.sin6_addr = info.ipi6_addr;
    dst->len = sizeof(dst->u.in6);
    return 0;
  }
#endif
  return -EINVAL;
}

int llsock_cmsg_timestamp(const struct cmsghdr *cmsg, double *sec) {
  size_t len;

  if (cmsg == NULL || sec == NULL || cmsg->cmsg_level != SOL_SOCKET)
    return -EINVAL;
  len = cmsg_data_len(cmsg);
  if (cmsg->cmsg_type == SCM_TIMESTAMP && len >= sizeof(struct timeval)) {
    struct timeval tv;
    memcpy(&tv, CMSG_DATA(cmsg), sizeof(tv));
    *sec = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    return 0;
  }
#ifdef SCM_TIMESTAMPNS
  if (cmsg->cmsg_type == SCM_TIMESTAMPNS && len >= sizeof(struct timespec)) {
    struct timespec ts;
    memcpy(&ts, CMSG_DATA(cmsg), sizeof(ts));
    *sec = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    return 0;
  }
#endif
  return -EINVAL;
}

int llsock_cmsg_cred(const struct cmsghdr *cmsg, pid_t *pid, uid_t *uid,
                     gid_t *gid) {
#ifdef SCM_CREDENTIALS
  struct ucred cred;

  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET ||
      cmsg->cmsg_type != SCM_CREDENTIALS || cmsg_data_len(cmsg) < sizeof(cred))
    return -EINVAL;
  memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
  if (pid != NULL)
    *pid = cred.pid;
  if (uid != NULL)
    *uid = cred.uid;
  if (gid != NULL)
    *gid = cred.gid;
  return 0;
#else
  (void)cmsg, (void)pid, (void)uid, (void)gid;
  return -EINVAL;
#endif
}
