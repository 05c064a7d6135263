#include "llsock-int.h"

#include <unistd.h>

static int unix_open(const char *path, size_t len, int socktype, int flags,
                     int passive) {
  llsock_addr addr;
  int fd, rc;

  if (socktype <= 0 || (flags & ~LLSOCK_NONBLOCK))
    return -EINVAL;
  rc = llsock_addr_unix(&addr, path, len);
  if (rc < 0)
    return rc;
  fd = llsock_socket(AF_UNIX, socktype, 0, flags);
  if (fd < 0)
    return fd;
  rc = passive ? llsock_bind(fd, &addr) : llsock_connect(fd, &addr);
  if (rc < 0) {
    close(fd);
    return rc;
  }
  return fd;
}

int llsock_unix_bind(const char *path, size_t len, int socktype, int flags) {
  return unix_open(path, len, socktype, flags, 1);
}

int llsock_unix_connect(const char *path, size_t len, int socktype,
                        int flags) {
  return unix_open(path, len, socktype, flags, 0);
}
