/*
 * The error names llsock knows, listed once.  llsock.h numbers the
 * resolver codes from this list, libllsock names and describes both kinds,
 * the llsocket Lua module builds llsocket.errno from both lists, and the
 * tests walk them.
 */
#ifndef LLSOCK_ERRORS_H
#define LLSOCK_ERRORS_H

/*
 * errno values socket calls meet, X(name).  llsock_errname() names these
 * even where libc cannot name an errno value.  An alias (EWOULDBLOCK,
 * ENOTSUP) comes after its twin, whose name it is given.
 */
#define LLSOCK_ERRNO_NAMES(X)                                                \
  X(EPERM) X(ENOENT) X(EINTR) X(EIO) X(EBADF) X(EAGAIN) X(EWOULDBLOCK)       \
  X(ENOMEM) X(EACCES) X(EFAULT) X(EEXIST) X(ENOTDIR) X(EISDIR) X(EINVAL)     \
  X(ENFILE) X(EMFILE) X(ENOSPC) X(EPIPE) X(ERANGE) X(ENAMETOOLONG)           \
  X(ENOSYS) X(ELOOP) X(ENOTSOCK) X(EDESTADDRREQ) X(EMSGSIZE) X(EPROTOTYPE)   \
  X(ENOPROTOOPT) X(EPROTONOSUPPORT) X(ESOCKTNOSUPPORT) X(EOPNOTSUPP)         \
  X(ENOTSUP) X(EAFNOSUPPORT) X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN)      \
  X(ENETUNREACH) X(ECONNABORTED) X(ECONNRESET) X(ENOBUFS) X(EISCONN)         \
  X(ENOTCONN) X(ETIMEDOUT) X(ECONNREFUSED) X(EHOSTDOWN) X(EHOSTUNREACH)      \
  X(EALREADY) X(EINPROGRESS) X(ENODEV) X(ENXIO)

/*
 * Resolver failures, X(name, n): LLSOCK_EAI_<name> is LLSOCK_EAI_BASE - n,
 * the code for getaddrinfo()'s EAI_<name>.  LLSOCK_EAI_UNKNOWN, which no
 * resolver result maps to, comes after them.
 */
#define LLSOCK_EAI_CODES(X)                                                  \
  X(AGAIN, 1) X(BADFLAGS, 2) X(FAIL, 3) X(FAMILY, 4) X(MEMORY, 5)            \
  X(NONAME, 6) X(SERVICE, 7) X(SOCKTYPE, 8) X(OVERFLOW, 9) X(NODATA, 10)     \
  X(ADDRFAMILY, 11)

#endif /* LLSOCK_ERRORS_H */
