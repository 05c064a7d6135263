#include "llsocket-int.h"

#include <errno.h>

/* llsocket.strerror(err) -> message */
static int error_strerror(lua_State *L) {
  lua_Integer err = luaL_checkinteger(L, 1);

  lua_pushstring(L, err < 0 || err > -(lua_Integer)LLSOCK_EAI_UNKNOWN
                        ? "Unknown error"
                        : llsock_strerror(-(int)err));
  return 1;
}

/* llsocket.errname(err) -> "ECONNREFUSED", "EAI_NONAME", ... */
static int error_errname(lua_State *L) {
  lua_Integer err = luaL_checkinteger(L, 1);

  lua_pushstring(L, err < 0 || err > -(lua_Integer)LLSOCK_EAI_UNKNOWN
                        ? "UNKNOWN"
                        : llsock_errname(-(int)err));
  return 1;
}

/* llsocket.errno: names for the numbers scripts compare err against */
static void push_errno_table(lua_State *L) {
  static const struct {
    const char *name;
    int err;
  } names[] = {
#define ERRNO(e) {#e, e},
#define EAI(e) {#e, -LLSOCK_##e},
    ERRNO(EPERM) ERRNO(ENOENT) ERRNO(EINTR) ERRNO(EIO) ERRNO(EBADF)
    ERRNO(EAGAIN) ERRNO(EWOULDBLOCK) ERRNO(ENOMEM) ERRNO(EACCES)
    ERRNO(EFAULT) ERRNO(EEXIST) ERRNO(ENOTDIR) ERRNO(EISDIR) ERRNO(EINVAL)
    ERRNO(ENFILE) ERRNO(EMFILE) ERRNO(ENOSPC) ERRNO(EPIPE) ERRNO(ERANGE)
    ERRNO(ENAMETOOLONG) ERRNO(ENOSYS) ERRNO(ELOOP) ERRNO(ENOTSOCK)
    ERRNO(EDESTADDRREQ) ERRNO(EMSGSIZE) ERRNO(EPROTOTYPE) ERRNO(ENOPROTOOPT)
    ERRNO(EPROTONOSUPPORT) ERRNO(EOPNOTSUPP) ERRNO(EAFNOSUPPORT)
    ERRNO(EADDRINUSE) ERRNO(EADDRNOTAVAIL) ERRNO(ENETDOWN) ERRNO(ENETUNREACH)
    ERRNO(ECONNABORTED) ERRNO(ECONNRESET) ERRNO(ENOBUFS) ERRNO(EISCONN)
    ERRNO(ENOTCONN) ERRNO(ETIMEDOUT) ERRNO(ECONNREFUSED) ERRNO(EHOSTUNREACH)
    ERRNO(EALREADY) ERRNO(EINPROGRESS) ERRNO(ENODEV) ERRNO(ENXIO)
#ifdef ENOTSUP
    ERRNO(ENOTSUP)
#endif
#ifdef ESOCKTNOSUPPORT
    ERRNO(ESOCKTNOSUPPORT)
#endif
#ifdef EHOSTDOWN
    ERRNO(EHOSTDOWN)
#endif
    EAI(EAI_AGAIN) EAI(EAI_BADFLAGS) EAI(EAI_FAIL) EAI(EAI_FAMILY)
    EAI(EAI_MEMORY) EAI(EAI_NONAME) EAI(EAI_SERVICE) EAI(EAI_SOCKTYPE)
    EAI(EAI_OVERFLOW) EAI(EAI_NODATA) EAI(EAI_ADDRFAMILY) EAI(EAI_UNKNOWN)
#undef ERRNO
#undef EAI
  };
  size_t i;

  lua_createtable(L, 0, sizeof(names) / sizeof(names[0]));
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    lua_pushinteger(L, names[i].err);
    lua_setfield(L, -2, names[i].name);
  }
}

void llsocket__open_errors(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"strerror", error_strerror},
    {"errname", error_errname},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
  push_errno_table(L);
  lua_setfield(L, -2, "errno");
}
