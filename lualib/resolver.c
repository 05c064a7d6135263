/* The resolver: llsocket.getaddrinfo and llsocket.getnameinfo. */
#include "llsocket-int.h"

#include <limits.h>
#include <netdb.h>
#include <string.h>

/* Owns a getaddrinfo list while Lua objects are made from it, so a memory
 * error on the way cannot leak it. */
#define ADDRINFO_GUARD_MT "llsocket.addrinfo"

static int addrinfo_guard_gc(lua_State *L) {
  struct addrinfo **res = lua_touserdata(L, 1);

  if (*res != NULL) {
    freeaddrinfo(*res);
    *res = NULL;
  }
  return 0;
}

/*
 * getaddrinfo(host, port [, socktype [, family [, flag, ...]]])
 *   -> {addr, ...} | nil, err
 */
static int resolver_getaddrinfo(lua_State *L) {
  const char *host = llsocket__opthost(L, 1);
  char portbuf[LLSOCKET_PORTBUFSIZ];
  const char *port = llsocket__optport(L, 2, portbuf);
  struct addrinfo hints, **res, *ai;
  lua_Integer i = 0;
  int rc;

  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = lua_isnoneornil(L, 3)
                          ? 0
                          : llsocket__checkint(L, 3, 0, INT_MAX, "socket type");
  hints.ai_family = lua_isnoneornil(L, 4)
                        ? AF_UNSPEC
                        : llsocket__checkint(L, 4, 0, INT_MAX, "family");
  hints.ai_flags = llsocket__optflags(L, 5);
  luaL_argcheck(L, host != NULL || port != NULL, 1,
                "host and port cannot both be nil");
  res = lua_newuserdatauv(L, sizeof(*res), 0);
  *res = NULL;
  luaL_setmetatable(L, ADDRINFO_GUARD_MT);
  rc = llsock_getaddrinfo(host, port, &hints, res);
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_newtable(L);
  for (ai = *res; ai != NULL; ai = ai->ai_next) {
    llsocket_addr *u = lua_newuserdatauv(L, sizeof(*u), 1);
    if (llsock_addr_set(&u->addr, ai->ai_addr, ai->ai_addrlen) < 0)
      memset(&u->addr, 0, sizeof(u->addr));
    u->socktype = ai->ai_socktype;
    u->protocol = ai->ai_protocol;
    u->has_canonname = ai->ai_canonname != NULL;
    if (u->has_canonname) {
      lua_pushstring(L, ai->ai_canonname);
      lua_setiuservalue(L, -2, 1);
    }
    luaL_setmetatable(L, LLSOCKET_ADDR_MT);
    lua_rawseti(L, -2, ++i);
  }
  freeaddrinfo(*res);
  *res = NULL;
  return 1;
}

int llsocket__pushnameinfo(lua_State *L, int as_table) {
  const llsock_addr *addr = llsocket__checkaddr(L, 1);
  int flags = llsocket__optflags(L, 2);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  int rc = llsock_addr_nameinfo(addr, host, sizeof(host), serv, sizeof(serv),
                                flags);

  if (rc < 0)
    return llsocket__result(L, rc);
  if (!as_table) {
    lua_pushstring(L, host);
    lua_pushstring(L, serv);
    return 2;
  }
  lua_createtable(L, 0, 2);
  lua_pushstring(L, host);
  lua_setfield(L, -2, "host");
  lua_pushstring(L, serv);
  lua_setfield(L, -2, "service");
  return 1;
}

/* getnameinfo(addr [, flag, ...]) -> host, service | nil, err */
static int resolver_getnameinfo(lua_State *L) {
  return llsocket__pushnameinfo(L, 0);
}

void llsocket__open_resolver(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"getaddrinfo", resolver_getaddrinfo},
    {"getnameinfo", resolver_getnameinfo},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
  luaL_newmetatable(L, ADDRINFO_GUARD_MT);
  lua_pushcfunction(L, addrinfo_guard_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
}
