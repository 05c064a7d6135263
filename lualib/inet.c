#include "llsocket-int.h"

#include <limits.h>

typedef int (*inet_open_fn)(const char *, const char *, int, int);

/* (host, port, socktype, nonblock, reuseaddr) -> fd | nil, err */
static int inet_open(lua_State *L, inet_open_fn open_fn) {
  const char *host = llsocket__opthost(L, 1);
  char portbuf[LLSOCKET_PORTBUFSIZ];
  const char *port = llsocket__optport(L, 2, portbuf);
  int socktype, flags = 0;

  socktype = llsocket__checkint(L, 3, 1, INT_MAX, "socket type");
  if (llsocket__optboolean(L, 4))
    flags |= LLSOCK_NONBLOCK;
  if (llsocket__optboolean(L, 5))
    flags |= LLSOCK_REUSEADDR;
  return llsocket__pushint(L, open_fn(host, port, socktype, flags));
}

static int inet_bind(lua_State *L) {
  return inet_open(L, llsock_inet_bind);
}

static int inet_connect(lua_State *L) {
  return inet_open(L, llsock_inet_connect);
}

void llsocket__open_inet(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"bind", inet_bind},
    {"connect", inet_connect},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
}
