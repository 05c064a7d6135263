#include "llsocket-int.h"

#include <limits.h>

/* (host, port, socktype [, nonblock [, reuseaddr [, timeout]]])
 * -> fd | nil, err; the timeout is connect's.  A port given as a number
 * goes to libllsock as one. */
static int inet_open(lua_State *L, int passive) {
  const char *host = llsocket__opthost(L, 1), *port_text;
  int port = llsocket__optportnum(L, 2, &port_text);
  int socktype, flags = 0;
  double timeout;

  socktype = llsocket__checkint(L, 3, 1, INT_MAX, "socket type");
  if (llsocket__optboolean(L, 4))
    flags |= LLSOCK_NONBLOCK;
  if (llsocket__optboolean(L, 5))
    flags |= LLSOCK_REUSEADDR;
  if (passive)
    return llsocket__result(
        L, port >= 0 ? llsock_inet_bind_port(host, port, socktype, flags)
                     : llsock_inet_bind(host, port_text, socktype, flags));
  timeout = llsocket__opttimeout(L, 6);
  return llsocket__result(
      L, port >= 0 ? llsock_inet_connect_port(host, port, socktype, flags,
                                              timeout)
                   : llsock_inet_connect_timeout(host, port_text, socktype,
                                                 flags, timeout));
}

static int inet_bind(lua_State *L) {
  return inet_open(L, 1);
}

static int inet_connect(lua_State *L) {
  return inet_open(L, 0);
}

void llsocket__open_inet(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"bind", inet_bind},
    {"connect", inet_connect},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
}
