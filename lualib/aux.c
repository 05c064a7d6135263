/*
 * The binding's shared helpers: argument checks, the result shapes every
 * function returns, and the llsocket.addr userdata.
 */
#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---- arguments ------------------------------------------------------------ */

/* Kept apart so the checks on every call stay short. */
static int bad_int(lua_State *L, int arg, const char *what) {
  luaL_argexpected(L, lua_type(L, arg) == LUA_TNUMBER, arg, "number");
  luaL_checkinteger(L, arg); /* 1.5: "number has no integer representation" */
  return luaL_argerror(L, arg, lua_pushfstring(L, "%s out of range", what));
}

/*
 * Unlike luaL_checkinteger, a numeric string is refused: close("1") is a
 * bug, and would otherwise close stdout.
 */
lua_Integer llsocket__checkinteger(lua_State *L, int arg, lua_Integer min,
                                   lua_Integer max, const char *what) {
  int isint;
  lua_Integer value = lua_tointegerx(L, arg, &isint);

  if (isint && value >= min && value <= max && lua_type(L, arg) == LUA_TNUMBER)
    return value;
  return bad_int(L, arg, what);
}

int llsocket__checkint(lua_State *L, int arg, lua_Integer min,
                       lua_Integer max, const char *what) {
  return (int)llsocket__checkinteger(L, arg, min, max, what);
}

int llsocket__checkfd(lua_State *L, int arg) {
  return llsocket__checkint(L, arg, 0, INT_MAX, "fd");
}

const char *llsocket__checkcstring(lua_State *L, int arg, const char *what) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);

  if (strlen(s) != len)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s contains a NUL byte", what));
  return s;
}

const char *llsocket__optport(lua_State *L, int arg,
                              char buf[LLSOCKET_PORTBUFSIZ]) {
  switch (lua_type(L, arg)) {
  case LUA_TNONE:
  case LUA_TNIL:
    return NULL;
  case LUA_TNUMBER:
    snprintf(buf, LLSOCKET_PORTBUFSIZ, "%d",
             llsocket__checkint(L, arg, 0, 65535, "port"));
    return buf;
  default:
    return llsocket__checkcstring(L, arg, "port");
  }
}

size_t llsocket__optlen(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg))
    return LLSOCKET_RECV_DEFAULT;
  return (size_t)llsocket__checkint(L, arg, 1, LLSOCKET_RECV_MAX, "length");
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

  u->socktype = u->protocol = 0;
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

llsock_addr *llsocket__toaddr_mt(lua_State *L, int idx, int mt) {
  llsock_addr *addr = lua_touserdata(L, idx);

  if (addr != NULL && lua_getmetatable(L, idx)) {
    int same = lua_rawequal(L, -1, mt);
    lua_pop(L, 1);
    if (same)
      return addr;
  }
  return NULL;
}

llsock_addr *llsocket__checkaddr_mt(lua_State *L, int arg, int mt) {
  llsock_addr *addr = llsocket__toaddr_mt(L, arg, mt);

  return addr != NULL ? addr : llsocket__checkaddr(L, arg);
}

void llsocket__pushaddr_mt(lua_State *L, const llsock_addr *addr, int mt) {
  llsocket_addr *u;

  if (addr->len == 0) {
    lua_pushnil(L);
    return;
  }
  u = lua_newuserdatauv(L, sizeof(*u), 1);
  u->addr = *addr;
  u->socktype = u->protocol = 0;
  lua_pushvalue(L, mt);
  lua_setmetatable(L, -2);
}
