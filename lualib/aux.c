/*
 * The binding's shared helpers: argument checks, the result shapes every
 * function returns, and the llsocket.addr userdata.
 */
#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- arguments ------------------------------------------------------------ */

int llsocket__badint(lua_State *L, int arg, const char *what) {
  luaL_argexpected(L, lua_type(L, arg) == LUA_TNUMBER, arg, "number");
  luaL_checkinteger(L, arg); /* 1.5: "number has no integer representation" */
  return luaL_argerror(L, arg, lua_pushfstring(L, "%s out of range", what));
}

const char *llsocket__checkcstring(lua_State *L, int arg, const char *what) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);

  if (strlen(s) != len)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s contains a NUL byte", what));
  return s;
}

int llsocket__optportnum(lua_State *L, int arg, const char **text) {
  *text = NULL;
  switch (lua_type(L, arg)) {
  case LUA_TNONE:
  case LUA_TNIL:
    return -1;
  case LUA_TNUMBER:
    return llsocket__checkint(L, arg, 0, 65535, "port");
  default:
    *text = llsocket__checkcstring(L, arg, "port");
    return -1;
  }
}

const char *llsocket__optport(lua_State *L, int arg,
                              char buf[LLSOCKET_PORTBUFSIZ]) {
  const char *text;
  int port = llsocket__optportnum(L, arg, &text);

  if (port < 0)
    return text;
  snprintf(buf, LLSOCKET_PORTBUFSIZ, "%u", (unsigned)(uint16_t)port);
  return buf;
}

const char *llsocket__opthost(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg))
    return NULL;
  luaL_argexpected(L, lua_type(L, arg) == LUA_TSTRING, arg, "string or nil");
  return llsocket__checkcstring(L, arg, "host");
}

const char *llsocket__checkpath(lua_State *L, int arg, size_t *len) {
  luaL_argexpected(L, lua_type(L, arg) == LUA_TSTRING, arg, "string");
  return lua_tolstring(L, arg, len);
}

int llsocket__optboolean(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg))
    return 0;
  luaL_checktype(L, arg, LUA_TBOOLEAN);
  return lua_toboolean(L, arg);
}

int llsocket__optflags(lua_State *L, int first) {
  int top = lua_gettop(L), flags = 0, arg;

  for (arg = first; arg <= top; arg++)
    if (!lua_isnil(L, arg))
      flags |= llsocket__checkint(L, arg, INT_MIN, INT_MAX, "flag");
  return flags;
}

double llsocket__opttimeout(lua_State *L, int arg) {
  lua_Number sec;

  if (lua_isnoneornil(L, arg))
    return -1;
  luaL_argexpected(L, lua_type(L, arg) == LUA_TNUMBER, arg, "number or nil");
  sec = lua_tonumber(L, arg);
  luaL_argcheck(L, sec == sec, arg, "timeout is NaN");
  return sec < 0 ? -1 : (double)sec;
}

/* ---- results -------------------------------------------------------------- */

int llsocket__result(lua_State *L, int rc) {
  if (rc < 0) {
    lua_pushnil(L);
    lua_pushinteger(L, -rc);
    return 2;
  }
  lua_pushinteger(L, rc);
  return 1;
}

int llsocket__ioresult(lua_State *L, ssize_t n) {
  if (n < 0) {
    lua_pushnil(L);
    lua_pushinteger(L, -n);
    lua_pushboolean(L, n == -EAGAIN || n == -EWOULDBLOCK);
    return 3;
  }
  lua_pushinteger(L, n);
  return 1;
}

int llsocket__status(lua_State *L, int rc) {
  if (rc >= 0)
    return 0;
  lua_pushinteger(L, -rc);
  return 1;
}

/* ---- llsocket.addr userdata ------------------------------------------------ */

static llsocket_addr *new_udata(lua_State *L) {
  llsocket_addr *u = lua_newuserdatauv(L, sizeof(*u), 1);

  u->socktype = u->protocol = u->has_canonname = 0;
  luaL_setmetatable(L, LLSOCKET_ADDR_MT);
  return u;
}

llsock_addr *llsocket__newaddr(lua_State *L) {
  llsock_addr *addr = &new_udata(L)->addr;

  memset(addr, 0, sizeof(*addr));
  return addr;
}

llsock_addr *llsocket__checkaddr(lua_State *L, int arg) {
  return luaL_checkudata(L, arg, LLSOCKET_ADDR_MT);
}

void llsocket__pushaddr(lua_State *L, const llsock_addr *addr) {
  if (addr->len == 0)
    lua_pushnil(L);
  else
    new_udata(L)->addr = *addr;
}

/* Whether the userdata at idx has the metatable at mt: pointers compared,
 * which costs less than lua_rawequal with a pseudo-index. */
static int has_addr_mt(lua_State *L, int idx, int mt) {
  int same = 0;

  if (lua_getmetatable(L, idx)) {
    same = lua_topointer(L, -1) == lua_topointer(L, mt);
    lua_pop(L, 1);
  }
  return same;
}

llsock_addr *llsocket__toaddr_mt(lua_State *L, int idx, int mt) {
  llsock_addr *addr = lua_touserdata(L, idx);

  return addr != NULL && has_addr_mt(L, idx, mt) ? addr : NULL;
}

void llsocket__newseen(lua_State *L) {
  llsocket_seen *seen = lua_newuserdatauv(L, sizeof(*seen), 0);

  memset(seen, 0, sizeof(*seen));
}

llsock_addr *llsocket__toaddr_keep(lua_State *L, int idx, int mt, int kept,
                                   int seen) {
  llsock_addr *addr = llsocket__toaddr_mt(L, idx, mt);
  llsocket_seen *s;

  if (addr == NULL)
    return NULL;
  s = lua_touserdata(L, seen);
  if (s->arg == addr) {
    lua_pushvalue(L, idx);
    lua_replace(L, kept);
  } else {
    s->arg = addr;
  }
  return addr;
}

void llsocket__setaddr(lua_State *L, int idx, llsocket_addr *u,
                       const llsock_addr *addr) {
  u->addr = *addr;
  u->socktype = u->protocol = 0;
  if (u->has_canonname) {
    lua_pushnil(L);
    lua_setiuservalue(L, idx, 1);
    u->has_canonname = 0;
  }
  lua_pushvalue(L, idx);
}

/* Whether addr is the sender s saw last; if not, it is from now on. */
static int seen_again(llsocket_seen *s, const llsock_addr *addr) {
  size_t used = offsetof(llsock_addr, u) + addr->len;

  if (llsock_addr_equal(&s->sender, addr))
    return 1;
  memcpy(&s->sender, addr, used < sizeof(*addr) ? used : sizeof(*addr));
  return 0;
}

/* Keeps the new addr on top in upvalue kept. */
static void keep(lua_State *L, llsocket_seen *s, int kept) {
  s->kept = lua_touserdata(L, -1);
  lua_pushvalue(L, -1);
  lua_replace(L, kept);
}

void llsocket__pushsender(lua_State *L, const llsock_addr *addr, int mt,
                          int kept, int seen) {
  llsocket_seen *s = lua_touserdata(L, seen);

  if (addr->len == 0 || !seen_again(s, addr)) {
    llsocket__pushaddr_mt(L, addr, mt);
  } else if (s->kept != NULL && llsock_addr_equal(s->kept, addr)) {
    lua_pushvalue(L, kept);
  } else {
    llsocket__pushaddr_mt(L, addr, mt);
    keep(L, s, kept);
  }
}

void llsocket__keepsender(lua_State *L, int kept, int seen) {
  llsocket_seen *s = lua_touserdata(L, seen);

  if (seen_again(s, lua_touserdata(L, -1)))
    keep(L, s, kept);
}

void llsocket__pushaddr_mt(lua_State *L, const llsock_addr *addr, int mt) {
  llsocket_addr *u;

  if (addr->len == 0) {
    lua_pushnil(L);
    return;
  }
  u = lua_newuserdatauv(L, sizeof(*u), 0);
  u->addr = *addr;
  u->socktype = u->protocol = u->has_canonname = 0;
  lua_pushvalue(L, mt);
  lua_setmetatable(L, -2);
}
