#include "llsock-int.h"

#include <limits.h>
#include <string.h>

static const struct {
  int code;
  int eai;
  const char *name;
} eai_errors[] = {
  {LLSOCK_EAI_AGAIN, EAI_AGAIN, "EAI_AGAIN"},
  {LLSOCK_EAI_BADFLAGS, EAI_BADFLAGS, "EAI_BADFLAGS"},
  {LLSOCK_EAI_FAIL, EAI_FAIL, "EAI_FAIL"},
  {LLSOCK_EAI_FAMILY, EAI_FAMILY, "EAI_FAMILY"},
  {LLSOCK_EAI_MEMORY, EAI_MEMORY, "EAI_MEMORY"},
  {LLSOCK_EAI_NONAME, EAI_NONAME, "EAI_NONAME"},
  {LLSOCK_EAI_SERVICE, EAI_SERVICE, "EAI_SERVICE"},
  {LLSOCK_EAI_SOCKTYPE, EAI_SOCKTYPE, "EAI_SOCKTYPE"},
#ifdef EAI_OVERFLOW
  {LLSOCK_EAI_OVERFLOW, EAI_OVERFLOW, "EAI_OVERFLOW"},
#endif
#ifdef EAI_NODATA
  {LLSOCK_EAI_NODATA, EAI_NODATA, "EAI_NODATA"},
#endif
#ifdef EAI_ADDRFAMILY
  {LLSOCK_EAI_ADDRFAMILY, EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
#endif
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int llsock__eai(int gai_rc, int errnum) {
  size_t i;

  if (gai_rc == 0)
    return 0;
  if (gai_rc == EAI_SYSTEM)
    return errnum > 0 ? -errnum : LLSOCK_EAI_UNKNOWN;
  for (i = 0; i < COUNT(eai_errors); i++)
    if (eai_errors[i].eai == gai_rc)
      return eai_errors[i].code;
  return LLSOCK_EAI_UNKNOWN;
}

#if !HAVE_STRERRORNAME_NP
/* Where libc cannot name an errno value, name the ones sockets meet. */
static const char *errno_name(int e) {
  switch (e) {
#define NAME(x) case x: return #x;
    NAME(EPERM) NAME(ENOENT) NAME(EINTR) NAME(EIO) NAME(EBADF) NAME(EAGAIN)
    NAME(ENOMEM) NAME(EACCES) NAME(EFAULT) NAME(EEXIST) NAME(ENOTDIR)
    NAME(EINVAL) NAME(ENFILE) NAME(EMFILE) NAME(ENOSPC) NAME(EPIPE)
    NAME(ERANGE) NAME(ENAMETOOLONG) NAME(ENOSYS) NAME(ELOOP) NAME(ENOTSOCK)
    NAME(EDESTADDRREQ) NAME(EMSGSIZE) NAME(EPROTOTYPE) NAME(ENOPROTOOPT)
    NAME(EPROTONOSUPPORT) NAME(EOPNOTSUPP) NAME(EAFNOSUPPORT)
    NAME(EADDRINUSE) NAME(EADDRNOTAVAIL) NAME(ENETDOWN) NAME(ENETUNREACH)
    NAME(ECONNABORTED) NAME(ECONNRESET) NAME(ENOBUFS) NAME(EISCONN)
    NAME(ENOTCONN) NAME(ETIMEDOUT) NAME(ECONNREFUSED) NAME(EHOSTUNREACH)
    NAME(EALREADY) NAME(EINPROGRESS)
#undef NAME
  }
  return NULL;
}
#endif

const char *llsock_strerror(int code) {
  const char *msg = NULL;
  size_t i;

  if (code == 0)
    return "Success";
  if (LLSOCK_IS_EAI(code)) {
    if (code == LLSOCK_EAI_UNKNOWN)
      return "Unknown resolver error";
    for (i = 0; i < COUNT(eai_errors); i++)
      if (eai_errors[i].code == code)
        return gai_strerror(eai_errors[i].eai);
    return "Resolver error not supported on this platform";
  }
  if (code < 0 && code != INT_MIN) { /* -INT_MIN overflows */
#if HAVE_STRERRORDESC_NP
    msg = strerrordesc_np(-code);
#else
    msg = strerror(-code);
#endif
  }
  return msg ? msg : "Unknown error";
}

const char *llsock_errname(int code) {
  const char *name = NULL;
  size_t i;

  if (code == 0)
    return "OK";
  if (code == LLSOCK_EAI_UNKNOWN)
    return "EAI_UNKNOWN";
  if (LLSOCK_IS_EAI(code)) {
    for (i = 0; i < COUNT(eai_errors); i++)
      if (eai_errors[i].code == code)
        return eai_errors[i].name;
    return "EAI_UNKNOWN";
  }
  if (code < 0 && code != INT_MIN) { /* -INT_MIN overflows */
#if HAVE_STRERRORNAME_NP
    name = strerrorname_np(-code);
#else
    name = errno_name(-code);
#endif
  }
  return name ? name : "UNKNOWN";
}
