#include "llsocket-int.h"

#include <limits.h>

/* (path, socktype [, nonblock [, timeout]]) -> fd | nil, err; the
 * timeout is connect's */
static int unix_open(lua_State *L, int passive) {
  size_t len;
  const char *path = llsocket__checkpath(L, 1, &len);
  int socktype = llsocket__checkint(L, 2, 1, INT_MAX, "socket type");
  int flags = llsocket__optboolean(L, 3) ? LLSOCK_NONBLOCK : 0;
  if (passive)
    return llsocket__result(L, llsock_unix_bind(path, len, socktype, flags));
  return llsocket__result(L, llsock_unix_connect_timeout(
                                  path, len, socktype, flags,
                                  llsocket__opttimeout(L, 4)));
}

static int unix_bind(lua_State *L) {
  return unix_open(L, 1);
}

static int unix_connect(lua_State *L) {
  return unix_open(L, 0);
}

/* peercred(fd) -> pid, uid, gid | nil, err */
static int unix_peercred(lua_State *L) {
  pid_t pid;
  uid_t uid;
  gid_t gid;
  int rc = llsock_peercred(llsocket__checkfd(L, 1), &pid, &uid, &gid);

  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushinteger(L, pid);
  lua_pushinteger(L, uid);
  lua_pushinteger(L, gid);
  return 3;
}

void llsocket__open_unix_funcs(lua_State *L) {
  lua_pushcfunction(L, unix_peercred);
  lua_setfield(L, -2, "peercred");
}

void llsocket__open_unix(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"bind", unix_bind},
    {"connect", unix_connect},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);
}
