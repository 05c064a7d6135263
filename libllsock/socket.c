#include "llsock-int.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *llsock_version(void) {
  return LLSOCK_VERSION_STRING;
}

#if !HAVE_DECL_SOCK_CLOEXEC
static int set_fd_flags(int fd, int nonblock) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
    return -errno;
  fl = fcntl(fd, F_GETFL);
  if (nonblock && (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1))
    return -errno;
  return 0;
}
#endif

int llsock_socket(int family, int socktype, int protocol, int flags) {
  int fd, rc, on = 1;

  if (flags & ~(LLSOCK_NONBLOCK | LLSOCK_REUSEADDR))
    return -EINVAL;
#if HAVE_DECL_SOCK_CLOEXEC
  fd = socket(family,
              socktype | SOCK_CLOEXEC |
                  ((flags & LLSOCK_NONBLOCK) ? SOCK_NONBLOCK : 0),
              protocol);
  if (fd == -1)
    return -errno;
#else
  /* not atomic: platforms without SOCK_CLOEXEC offer nothing better */
  fd = socket(family, socktype, protocol);
  if (fd == -1)
    return -errno;
  rc = set_fd_flags(fd, flags & LLSOCK_NONBLOCK);
  if (rc < 0)
    goto fail;
#endif
#ifdef SO_NOSIGPIPE
  if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) == -1) {
    rc = -errno;
    goto fail;
  }
#endif
  if ((flags & LLSOCK_REUSEADDR) &&
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1) {
    rc = -errno;
    goto fail;
  }
  return fd;

fail:
  close(fd);
  return rc;
}

int llsock_bind(int fd, const llsock_addr *addr) {
  if (addr == NULL)
    return -EINVAL;
  if (bind(fd, &addr->u.sa, addr->len) == -1)
    return -errno;
  return 0;
}

int llsock_connect(int fd, const llsock_addr *addr) {
  if (addr == NULL)
    return -EINVAL;
  if (connect(fd, &addr->u.sa, addr->len) == 0)
    return 0;
  if (errno != EINPROGRESS)
    return -errno;
  /* a blocking socket says EINPROGRESS only when SO_SNDTIMEO ran out */
  return llsock_opt_get_nonblock(fd) == 1 ? 0 : -ETIMEDOUT;
}

int llsock_sockname(int fd, llsock_addr *addr) {
  if (addr == NULL)
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  addr->len = sizeof(addr->u.storage);
  if (getsockname(fd, &addr->u.sa, &addr->len) == -1) {
    addr->len = 0;
    return -errno;
  }
  return 0;
}

int llsock_peername(int fd, llsock_addr *addr) {
  if (addr == NULL)
    return -EINVAL;
  memset(addr, 0, sizeof(*addr));
  addr->len = sizeof(addr->u.storage);
  if (getpeername(fd, &addr->u.sa, &addr->len) == -1) {
    addr->len = 0;
    return -errno;
  }
  return 0;
}

int llsock_atmark(int fd) {
  int rc = sockatmark(fd);
  return rc == -1 ? -errno : rc;
}

static int valid_how(int how) {
  return how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR;
}

int llsock_shutdown(int fd, int how) {
  if (!valid_how(how))
    return -EINVAL;
  if (shutdown(fd, how) == -1)
    return -errno;
  return 0;
}

int llsock_close(int fd, int how) {
  int rc = 0;

  if (fd < 0)
    return -EBADF;
  if (how != LLSOCK_SHUT_NONE) {
    rc = llsock_shutdown(fd, how);
    if (rc == -EINVAL)
      return rc;
  }
  /* Linux releases the fd even when close fails with EINTR: a retry could
   * close an fd another thread just opened */
  if (close(fd) == -1 && errno != EINTR && rc == 0)
    rc = -errno;
  return rc;
}

int llsock_listen(int fd, int backlog) {
  if (backlog < 0)
    return -EINVAL;
  if (listen(fd, backlog) == -1)
    return -errno;
  return 0;
}

static int accept_with(int fd, llsock_addr *peer, int nonblock) {
  struct sockaddr_storage ignored;
  struct sockaddr *sa = peer ? &peer->u.sa : (struct sockaddr *)&ignored;
  socklen_t len = sizeof(ignored);
  int cfd;

#if HAVE_ACCEPT4
  cfd = accept4(fd, sa, &len, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
  if (cfd == -1)
    return -errno;
#else
  int fl;
  cfd = accept(fd, sa, &len);
  if (cfd == -1)
    return -errno;
  /* BSD accept() copies O_NONBLOCK from the listener; set it as asked */
  if (fcntl(cfd, F_SETFD, FD_CLOEXEC) == -1 ||
      (fl = fcntl(cfd, F_GETFL)) == -1 ||
      fcntl(cfd, F_SETFL, nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) ==
          -1) {
    int rc = -errno;
    close(cfd);
    return rc;
  }
#endif
  if (peer != NULL)
    peer->len = len;
  return cfd;
}

int llsock_accept(int fd, llsock_addr *peer) {
  return accept_with(fd, peer, 0);
}

int llsock_accept_inherit(int fd, llsock_addr *peer) {
  int fl = fcntl(fd, F_GETFL);

  if (fl == -1)
    return -errno;
  return accept_with(fd, peer, fl & O_NONBLOCK);
}

int llsock_socketpair(int family, int socktype, int flags, int fds[2]) {
  int type = socktype, pair[2];

  if (fds == NULL || (flags & ~LLSOCK_NONBLOCK))
    return -EINVAL;
#if HAVE_DECL_SOCK_CLOEXEC
  type |= SOCK_CLOEXEC | ((flags & LLSOCK_NONBLOCK) ? SOCK_NONBLOCK : 0);
#endif
  /* into a local array: a failing call may have written to it */
  if (socketpair(family, type, 0, pair) == -1)
    return -errno;
#if !HAVE_DECL_SOCK_CLOEXEC
  {
    int rc = set_fd_flags(pair[0], flags & LLSOCK_NONBLOCK);
    if (rc == 0)
      rc = set_fd_flags(pair[1], flags & LLSOCK_NONBLOCK);
    if (rc < 0) {
      close(pair[0]);
      close(pair[1]);
      return rc;
    }
  }
#endif
  fds[0] = pair[0];
  fds[1] = pair[1];
  return 0;
}

int llsock_socket_id(int fd, uint64_t *id) {
  struct stat st;

  if (id == NULL)
    return -EINVAL;
  if (fstat(fd, &st) == -1)
    return -errno;
  if (!S_ISSOCK(st.st_mode))
    return -ENOTSOCK;
  /* every socket lives on the one sockfs device: the inode tells them apart */
  *id = (uint64_t)st.st_ino;
  return 0;
}
