#include "llsocket-int.h"

#include <limits.h>
#include <unistd.h>

/* socketpair(socktype [, nonblock [, family]]) -> fd1, fd2 | nil, err */
static int msg_socketpair(lua_State *L) {
  int socktype = llsocket__checkint(L, 1, 1, INT_MAX, "socket type");
  int flags = llsocket__optboolean(L, 2) ? LLSOCK_NONBLOCK : 0;
  int family = lua_isnoneornil(L, 3)
                   ? AF_UNIX
                   : llsocket__checkint(L, 3, 0, INT_MAX, "family");
  int fds[2], rc = llsock_socketpair(family, socktype, flags, fds);

  if (rc < 0)
    return llsocket__pusherror(L, rc);
  lua_pushinteger(L, fds[0]);
  lua_pushinteger(L, fds[1]);
  return 2;
}

/* sendfds(fd, msg, fds [, flag, ...]) -> bytes | nil, err, again */
static int msg_sendfds(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  int fds[LLSOCK_MAX_FDS];
  lua_Integer i, nfds;
  int flags;
  ssize_t n;

  luaL_checktype(L, 3, LUA_TTABLE);
  nfds = luaL_len(L, 3);
  luaL_argcheck(L, nfds <= LLSOCK_MAX_FDS, 3, "too many fds");
  for (i = 1; i <= nfds; i++) {
    lua_Integer v;
    int isint;
    /* a string such as "3" is not an fd, even if Lua would convert it */
    int isnumber = lua_geti(L, 3, i) == LUA_TNUMBER;
    v = lua_tointegerx(L, -1, &isint);
    if (!isnumber || !isint || v < 0 || v > INT_MAX)
      return luaL_argerror(
          L, 3, lua_pushfstring(L, "fds[%d] is not an fd", (int)i));
    fds[i - 1] = (int)v;
    lua_pop(L, 1);
  }
  flags = llsocket__optflags(L, 4);
  n = llsock_sendfds(fd, msg, len, fds, (size_t)nfds, flags);
  if (n < 0)
    return llsocket__pushioerror(L, (int)n);
  lua_pushinteger(L, n);
  return 1;
}

/*
 * recvfds(fd [, len [, maxfds [, flag, ...]]])
 *   -> str, fds, truncated | nil, err, again
 * The fds table is presized before the receive, so storing the fds that
 * arrived cannot fail.
 */
static int msg_recvfds(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len = llsocket__optlen(L, 2);
  size_t nfds = lua_isnoneornil(L, 3)
                    ? LLSOCK_MAX_FDS
                    : (size_t)llsocket__checkint(L, 3, 0, LLSOCK_MAX_FDS,
                                                 "maxfds");
  int flags = llsocket__optflags(L, 4);
  int fds[LLSOCK_MAX_FDS], msgflags = 0;
  luaL_Buffer b;
  char *buf;
  size_t i;
  ssize_t n;

  lua_createtable(L, (int)nfds, 0);
  buf = luaL_buffinitsize(L, &b, len);
  n = llsock_recvfds(fd, buf, len, fds, &nfds, &msgflags, flags);
  if (n < 0)
    return llsocket__pushioerror(L, (int)n);
  for (i = 0; i < nfds; i++) {
    lua_pushinteger(L, fds[i]);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
  }
  luaL_pushresultsize(&b, (size_t)n);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, (msgflags & MSG_CTRUNC) != 0);
  return 3;
}

/* peercred(fd) -> pid, uid, gid | nil, err */
static int msg_peercred(lua_State *L) {
  pid_t pid;
  uid_t uid;
  gid_t gid;
  int rc = llsock_peercred(llsocket__checkfd(L, 1), &pid, &uid, &gid);

  if (rc < 0)
    return llsocket__pusherror(L, rc);
  lua_pushinteger(L, pid);
  lua_pushinteger(L, uid);
  lua_pushinteger(L, gid);
  return 3;
}

void llsocket__open_msg(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"socketpair", msg_socketpair},
    {"sendfds", msg_sendfds},
    {"recvfds", msg_recvfds},
    {"peercred", msg_peercred},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
}
