#include "llsock-int.h"

#include <math.h>
#include <unistd.h>

/* Connects with no time limit unless timeout >= 0. */
static int unix_open(const char *path, size_t len, int socktype, int flags,
                     int passive, double timeout) {
  llsock_addr addr;
  int fd, rc;

  if (socktype <= 0 || (flags & ~LLSOCK_NONBLOCK) || isnan(timeout))
    return -EINVAL;
  rc = llsock_addr_unix(&addr, path, len);
  if (rc < 0)
    return rc;
  fd = llsock_socket(AF_UNIX, socktype, 0, flags);
  if (fd < 0)
    return fd;
  if (passive)
    rc = llsock_bind(fd, &addr);
  else if (timeout >= 0)
    rc = llsock_connect_timeout(fd, &addr, timeout);
  else
    rc = llsock_connect(fd, &addr);
  if (rc < 0) {
    close(fd);
    return rc;
  }
  return fd;
}

int llsock_unix_bind(const char *path, size_t len, int socktype, int flags) {
  return unix_open(path, len, socktype, flags, 1, -1);
}

int llsock_unix_connect(const char *path, size_t len, int socktype,
                        int flags) {
  return unix_open(path, len, socktype, flags, 0, -1);
}

int llsock_unix_connect_timeout(const char *path, size_t len, int socktype,
                                int flags, double timeout) {
  return unix_open(path, len, socktype, flags, 0, timeout < 0 ? -1 : timeout);
}

int llsock_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
#ifdef SO_PEERCRED
  struct ucred cred;
  socklen_t len = sizeof(cred);

  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
    return -errno;
  /* what Linux reports, without an error, for a socket that recorded no
   * peer: a real peer has a uid, even an unmapped one (the overflow uid) */
  if (cred.pid == 0 && cred.uid == (uid_t)-1 && cred.gid == (gid_t)-1)
    return -ENOTCONN;
  if (pid != NULL)
    *pid = cred.pid;
  if (uid != NULL)
    *uid = cred.uid;
  if (gid != NULL)
    *gid = cred.gid;
  return 0;
#else
  (void)fd, (void)pid, (void)uid, (void)gid;
  return -ENOPROTOOPT;
#endif
}
