#include "llsock-int.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/time.h>

int llsock_opt_getint(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof(value);

  if (getsockopt(fd, level, name, &value, &len) == -1)
    return -errno;
  return value;
}

int llsock_opt_setint(int fd, int level, int name, int value) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) == -1)
    return -errno;
  return 0;
}

static int get_flag(int fd, int level, int name) {
  int rc = llsock_opt_getint(fd, level, name);
  return rc < 0 ? rc : rc != 0;
}

static int set_size(int fd, int level, int name, int bytes) {
  return bytes < 0 ? -EINVAL : llsock_opt_setint(fd, level, name, bytes);
}

#define FLAG_OPTION(option, level, name)                       \
  int llsock_opt_get_##option(int fd) {                        \
    return get_flag(fd, level, name);                          \
  }                                                            \
  int llsock_opt_set_##option(int fd, int on) {                \
    return llsock_opt_setint(fd, level, name, on != 0);        \
  }

#define SIZE_OPTION(option, level, name)                       \
  int llsock_opt_get_##option(int fd) {                        \
    return llsock_opt_getint(fd, level, name);                 \
  }                                                            \
  int llsock_opt_set_##option(int fd, int bytes) {             \
    return set_size(fd, level, name, bytes);                   \
  }

FLAG_OPTION(nodelay, IPPROTO_TCP, TCP_NODELAY)
FLAG_OPTION(reuseaddr, SOL_SOCKET, SO_REUSEADDR)
FLAG_OPTION(broadcast, SOL_SOCKET, SO_BROADCAST)
FLAG_OPTION(debug, SOL_SOCKET, SO_DEBUG)
FLAG_OPTION(keepalive, SOL_SOCKET, SO_KEEPALIVE)
FLAG_OPTION(oobinline, SOL_SOCKET, SO_OOBINLINE)
FLAG_OPTION(timestamp, SOL_SOCKET, SO_TIMESTAMP)
SIZE_OPTION(rcvbuf, SOL_SOCKET, SO_RCVBUF)
SIZE_OPTION(rcvlowat, SOL_SOCKET, SO_RCVLOWAT)
SIZE_OPTION(sndbuf, SOL_SOCKET, SO_SNDBUF)
SIZE_OPTION(sndlowat, SOL_SOCKET, SO_SNDLOWAT)

/* fcntl flags: get_cmd reads the word that holds bit, set_cmd writes it */
static int get_fd_flag(int fd, int get_cmd, int bit) {
  int fl = fcntl(fd, get_cmd);
  return fl == -1 ? -errno : (fl & bit) != 0;
}

static int set_fd_flag(int fd, int get_cmd, int set_cmd, int bit, int on) {
  int fl = fcntl(fd, get_cmd);

  if (fl == -1)
    return -errno;
  if (((fl & bit) != 0) == (on != 0))
    return 0;
  if (fcntl(fd, set_cmd, on ? fl | bit : fl & ~bit) == -1)
    return -errno;
  return 0;
}

int llsock_opt_get_cloexec(int fd) {
  return get_fd_flag(fd, F_GETFD, FD_CLOEXEC);
}

int llsock_opt_set_cloexec(int fd, int on) {
  return set_fd_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on);
}

int llsock_opt_get_nonblock(int fd) {
  return get_fd_flag(fd, F_GETFL, O_NONBLOCK);
}

int llsock_opt_set_nonblock(int fd, int on) {
  return set_fd_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

static int get_timeout(int fd, int name, double *sec) {
  struct timeval tv;
  socklen_t len = sizeof(tv);

  if (sec == NULL)
    return -EINVAL;
  if (getsockopt(fd, SOL_SOCKET, name, &tv, &len) == -1)
    return -errno;
  *sec = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
  return 0;
}

static int set_timeout(int fd, int name, double sec) {
  struct timeval tv;

  /* !(sec >= 0) also refuses NaN; the bound keeps the cast defined */
  if (!(sec >= 0) || sec >= 2147483647.0)
    return -EINVAL;
  tv.tv_sec = (time_t)sec;
  /* to the nearest microsecond: (sec - tv_sec) * 1e6 carries binary noise
   * that rounding up would turn into a whole extra kernel tick */
  tv.tv_usec = (suseconds_t)((sec - (double)tv.tv_sec) * 1e6 + 0.5);
  if (tv.tv_usec >= 1000000) {
    tv.tv_sec++;
    tv.tv_usec -= 1000000;
  }
  /* a tiny positive timeout must not become 0, which means "no timeout" */
  if (tv.tv_sec == 0 && tv.tv_usec == 0 && sec > 0)
    tv.tv_usec = 1;
  if (setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)) == -1)
    return -errno;
  return 0;
}

int llsock_opt_get_rcvtimeo(int fd, double *sec) {
  return get_timeout(fd, SO_RCVTIMEO, sec);
}

int llsock_opt_set_rcvtimeo(int fd, double sec) {
  return set_timeout(fd, SO_RCVTIMEO, sec);
}

int llsock_opt_get_sndtimeo(int fd, double *sec) {
  return get_timeout(fd, SO_SNDTIMEO, sec);
}

int llsock_opt_set_sndtimeo(int fd, double sec) {
  return set_timeout(fd, SO_SNDTIMEO, sec);
}

int llsock_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
#ifdef SO_PEERCRED
  struct ucred cred;
  socklen_t len = sizeof(cred);

  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
    return -errno;
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
