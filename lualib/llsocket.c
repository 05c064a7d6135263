#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

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

int llsocket__pusherror(lua_State *L, int code) {
  lua_pushnil(L);
  lua_pushinteger(L, -code);
  return 2;
}

int llsocket__pushioerror(lua_State *L, int code) {
  lua_pushnil(L);
  lua_pushinteger(L, -code);
  lua_pushboolean(L, code == -EAGAIN || code == -EWOULDBLOCK);
  return 3;
}

int llsocket__pushint(lua_State *L, int rc) {
  if (rc < 0)
    return llsocket__pusherror(L, rc);
  lua_pushinteger(L, rc);
  return 1;
}

int llsocket__pushcount(lua_State *L, ssize_t n) {
  if (n < 0)
    return llsocket__pushioerror(L, (int)n);
  lua_pushinteger(L, n);
  return 1;
}

int llsocket__pushstatus(lua_State *L, int code) {
  if (code >= 0)
    return 0;
  lua_pushinteger(L, -code);
  return 1;
}

/*
 * Lists the sub-tables in package.loaded too, so that argument errors name
 * their functions ("llsocket.opt.nodelay") instead of '?'.
 */
static void register_subtables(lua_State *L) {
  static const char *const names[] = {"addr", "inet", "opt", "unix"};
  size_t i;

  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    lua_pushfstring(L, "llsocket.%s", names[i]);
    lua_getfield(L, -3, names[i]);
    lua_settable(L, -3);
  }
  lua_pop(L, 1);
}

int luaopen_llsocket(lua_State *L) {
  lua_newtable(L);
  llsocket__open_addr(L); /* first: others use its metatable */
  lua_setfield(L, -2, "addr");
  llsocket__open_socket(L);
  llsocket__open_io(L);
  llsocket__open_msg(L);
  llsocket__open_poll(L);
  llsocket__open_resolver(L);
  llsocket__open_sockopt_funcs(L);
  llsocket__open_errors(L);
  llsocket__open_inet(L);
  lua_setfield(L, -2, "inet");
  llsocket__open_unix(L);
  lua_setfield(L, -2, "unix");
  llsocket__open_opt(L);
  llsocket__open_poll_constants(L);
  llsocket__set_family_constants(L);
  lua_setfield(L, -2, "opt");
  lua_pushstring(L, llsock_version());
  lua_setfield(L, -2, "version");
  register_subtables(L);
  return 1;
}
