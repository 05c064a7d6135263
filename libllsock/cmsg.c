/* Ancillary data: laying control messages out, walking them, decoding. */
#include "llsock-int.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int aligned(const void *p) {
  return (uintptr_t)p % _Alignof(struct cmsghdr) == 0;
}

/* The bytes of data cmsg holds; 0 for a header too short to hold any. */
static size_t data_len(const struct cmsghdr *cmsg) {
  return cmsg->cmsg_len >= CMSG_LEN(0) ? cmsg->cmsg_len - CMSG_LEN(0) : 0;
}

size_t llsock_cmsg_space(const llsock_cmsg_item *items, size_t n) {
  size_t total = 0, i;

  if (items == NULL && n > 0)
    return 0;
  for (i = 0; i < n; i++) {
    size_t room = CMSG_SPACE(items[i].len);
    if (items[i].len > SIZE_MAX / 2 || total > SIZE_MAX - room)
      return 0;
    total += room;
  }
  return total;
}

ssize_t llsock_cmsg_build(void *buf, size_t size, const llsock_cmsg_item *items,
                          size_t n) {
  struct cmsghdr header;
  char *at = buf;
  size_t need, i;

  if (buf == NULL || !aligned(buf) || (items == NULL && n > 0))
    return -EINVAL;
  for (i = 0; i < n; i++)
    if (items[i].data == NULL && items[i].len > 0)
      return -EINVAL;
  need = llsock_cmsg_space(items, n);
  if (need == 0 && n > 0)
    return -EINVAL;
  if (need > size || need > SSIZE_MAX)
    return -ENOSPC;
  memset(buf, 0, need);
  for (i = 0; i < n; i++) {
    memset(&header, 0, sizeof(header));
    header.cmsg_level = items[i].level;
    header.cmsg_type = items[i].type;
    header.cmsg_len = CMSG_LEN(items[i].len);
    memcpy(at, &header, sizeof(header));
    if (items[i].len > 0)
      memcpy(CMSG_DATA((struct cmsghdr *)at), items[i].data, items[i].len);
    at += CMSG_SPACE(items[i].len);
  }
  return (ssize_t)need;
}

/* cmsg when it lies whole inside msg's control data, else NULL. */
static const struct cmsghdr *whole(const struct msghdr *msg,
                                   const struct cmsghdr *cmsg) {
  const char *start = msg->msg_control, *at = (const char *)cmsg;
  size_t left;

  if (start == NULL || at < start ||
      (size_t)(at - start) >= msg->msg_controllen)
    return NULL;
  left = msg->msg_controllen - (size_t)(at - start);
  if (left < sizeof(struct cmsghdr) || cmsg->cmsg_len < CMSG_LEN(0) ||
      cmsg->cmsg_len > left)
    return NULL;
  return cmsg;
}

const struct cmsghdr *llsock_cmsg_first(const struct msghdr *msg) {
  if (msg == NULL || !aligned(msg->msg_control))
    return NULL;
  return whole(msg, msg->msg_control);
}

const struct cmsghdr *llsock_cmsg_next(const struct msghdr *msg,
                                       const struct cmsghdr *cmsg) {
  size_t step;

  if (msg == NULL || cmsg == NULL || whole(msg, cmsg) == NULL)
    return NULL;
  step = CMSG_ALIGN(cmsg->cmsg_len);
  /* the padding of the last message may be cut from msg_controllen */
  if (step >= msg->msg_controllen -
                  (size_t)((const char *)cmsg -
                           (const char *)msg->msg_control))
    return NULL;
  return whole(msg, (const struct cmsghdr *)((const char *)cmsg + step));
}

void llsock_cmsg_item_of(const struct cmsghdr *cmsg, llsock_cmsg_item *item) {
  item->level = cmsg->cmsg_level;
  item->type = cmsg->cmsg_type;
  item->len = data_len(cmsg);
  item->data = CMSG_DATA((struct cmsghdr *)cmsg);
}

int llsock_cmsg_fds(const struct cmsghdr *cmsg, int *fds, size_t max) {
  size_t count;

  if (cmsg == NULL || (fds == NULL && max > 0) ||
      cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    return -EINVAL;
  count = data_len(cmsg) / sizeof(int);
  if (count > INT_MAX)
    return -EINVAL;
  if (max > 0)
    memcpy(fds, CMSG_DATA((struct cmsghdr *)cmsg),
           (count < max ? count : max) * sizeof(int));
  return (int)count;
}

/* Each descriptor slot of the SCM_RIGHTS messages of msg, in turn. */
static void each_fd_slot(struct msghdr *msg, void (*fn)(unsigned char *slot)) {
  const struct cmsghdr *cmsg;

  for (cmsg = llsock_cmsg_first(msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(msg, cmsg)) {
    int i, count = llsock_cmsg_fds(cmsg, NULL, 0);
    for (i = 0; i < count; i++)
      fn(CMSG_DATA((struct cmsghdr *)cmsg) + (size_t)i * sizeof(int));
  }
}

static void close_slot(unsigned char *slot) {
  int fd, none = -1;

  memcpy(&fd, slot, sizeof(fd));
  if (fd >= 0)
    close(fd);
  memcpy(slot, &none, sizeof(none));
}

void llsock__cmsg_close_fds(struct msghdr *msg) {
  each_fd_slot(msg, close_slot);
}

static void cloexec_slot(unsigned char *slot) {
  int fd;

  memcpy(&fd, slot, sizeof(fd));
  llsock_opt_set_cloexec(fd, 1);
}

void llsock__cmsg_cloexec_fds(struct msghdr *msg) {
  each_fd_slot(msg, cloexec_slot);
}

int llsock_cmsg_pktinfo(const struct cmsghdr *cmsg, int *ifindex,
                        llsock_addr *dst) {
  size_t len;

  if (cmsg == NULL || ifindex == NULL || dst == NULL)
    return -EINVAL;
  len = data_len(cmsg);
  memset(dst, 0, sizeof(*dst));
#ifdef IP_PKTINFO
  if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO &&
      len >= sizeof(struct in_pktinfo)) {
    struct in_pktinfo info;
    memcpy(&info, CMSG_DATA((struct cmsghdr *)cmsg), sizeof(info));
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
    memcpy(&info, CMSG_DATA((struct cmsghdr *)cmsg), sizeof(info));
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
  len = data_len(cmsg);
  if (cmsg->cmsg_type == SCM_TIMESTAMP && len >= sizeof(struct timeval)) {
    struct timeval tv;
    memcpy(&tv, CMSG_DATA((struct cmsghdr *)cmsg), sizeof(tv));
    *sec = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    return 0;
  }
#ifdef SCM_TIMESTAMPNS
  if (cmsg->cmsg_type == SCM_TIMESTAMPNS && len >= sizeof(struct timespec)) {
    struct timespec ts;
    memcpy(&ts, CMSG_DATA((struct cmsghdr *)cmsg), sizeof(ts));
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
      cmsg->cmsg_type != SCM_CREDENTIALS || data_len(cmsg) < sizeof(cred))
    return -EINVAL;
  memcpy(&cred, CMSG_DATA((struct cmsghdr *)cmsg), sizeof(cred));
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
