#include "llsocket-int.h"

#include <limits.h>

typedef int (*unix_open_fn)(const char *, size_t, int, int);

/* (path, socktype, nonblock) -> fd | nil, err */
static int unix_open(lua_State *L, unix_open_fn open_fn) {
  size_t len;
  const char *path = llsocket__checkpath(L, 1, &len);
  int socktype = llsocket__checkint(L, 2, 1, INT_MAX, "socket type");
  int flags = llsocket__optboolean(L, 3) ? LLSOCK_NONBLOCK : 0;
  return llsocket__pushint(L, open_fn(path, len, socktype, flags));
}

static int unix_bind(lua_State *L) {
  return unix_open(L, llsock_unix_bind);
}

static int unix_connect(lua_State *L) {
  return unix_open(L, llsock_unix_connect);
}

void llsocket__open_unix(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"bind", unix_bind},
    {"connect", unix_connect},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
}
