#include "llsock-int.h"

#include <limits.h>
#include <string.h>

/* Resolver codes some systems' headers lack; their LLSOCK_EAI_* codes
 * are then never produced. */
#define NO_SUCH_EAI INT_MIN
#ifndef EAI_OVERFLOW
#define EAI_OVERFLOW NO_SUCH_EAI
#endif
#ifndef EAI_NODATA
#define EAI_NODATA NO_SUCH_EAI
#endif
#ifndef EAI_ADDRFAMILY
#define EAI_ADDRFAMILY NO_SUCH_EAI
#endif

static const struct {
  int code;
  int eai;
  const char *name;
} eai_errors[] = {
#define EAI_ERROR(name, n) {LLSOCK_EAI_##name, EAI_##name, "EAI_" #name},
  LLSOCK_EAI_CODES(EAI_ERROR)
#undef EAI_ERROR
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
/* Where libc cannot name an errno value, name the ones sockets meet; the
 * first of two aliases wins. */
static const char *errno_name(int e) {
  static const struct {
    int value;
    const char *name;
  } names[] = {
#define ERRNO_NAME(name) {name, #name},
    LLSOCK_ERRNO_NAMES(ERRNO_NAME)
#undef ERRNO_NAME
  };
  size_t i;

  for (i = 0; i < COUNT(names); i++)
    if (names[i].value == e)
      return names[i].name;
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
      if (eai_errors[i].code == code && eai_errors[i].eai != NO_SUCH_EAI)
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
