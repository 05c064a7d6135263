/*
 * The Lua 5.4 C API the binding is written against, on Lua 5.1, 5.2, 5.3
 * and LuaJIT 2.1.  Each shim keeps 5.4's behaviour, so the binding reads as
 * plain 5.4 and no version check appears outside this file:
 *
 * - integers: before 5.3 every number is a double.  lua_tointegerx and
 *   luaL_checkinteger accept only an integral value that fits lua_Integer,
 *   as 5.4 does ("number has no integer representation" for 1.5), rather
 *   than truncate it as 5.1 and 5.2 do.
 * - uservalues: before 5.4 a userdata has at most one (5.1: its
 *   environment table, 5.2: a table).  The binding only ever uses value 1,
 *   kept in a marked table so an unset one reads as nil.
 * - buffers: luaL_buffinitsize always takes exactly one stack slot, as in
 *   5.4, whatever the size, until luaL_pushresultsize replaces it.
 * - metatables made with luaL_newmetatable carry __name, as from 5.3 on,
 *   so type errors name llsocket's types on every version.
 * - to-be-closed slots (lua_toclose): before 5.4 the value's __gc does
 *   the closing, at the next collection rather than during the unwind.
 *
 * Everything here is static, so the module exports no symbol but its
 * luaopen function.
 */
#ifndef LLSOCKET_COMPAT_H
#define LLSOCKET_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "llsocket.h"

#if LUA_VERSION_NUM < 504

/* the registry key of the table package.loaded is */
#ifndef LUA_LOADED_TABLE
#define LUA_LOADED_TABLE "_LOADED"
#endif

static inline int llsocket_compat_typeerror(lua_State *L, int arg,
                                            const char *tname) {
  const char *got = luaL_typename(L, arg);

  if (luaL_getmetafield(L, arg, "__name")) {
    if (lua_type(L, -1) == LUA_TSTRING)
      got = lua_tostring(L, -1);
  } else if (lua_type(L, arg) == LUA_TLIGHTUSERDATA) {
    got = "light userdata";
  }
  return luaL_argerror(L, arg,
                       lua_pushfstring(L, "%s expected, got %s", tname, got));
}
#define luaL_typeerror llsocket_compat_typeerror
#define luaL_argexpected(L, cond, arg, tname)                                 \
  ((void)((cond) || luaL_typeerror(L, (arg), (tname))))

static inline int llsocket_compat_newmetatable(lua_State *L,
                                               const char *tname) {
  if (!luaL_newmetatable(L, tname))
    return 0;
  lua_pushstring(L, tname);
  lua_setfield(L, -2, "__name");
  return 1;
}
#define luaL_newmetatable llsocket_compat_newmetatable

/*
 * See the top of the file: uservalue 1 lives in a table marked with this
 * key.  It must be one address across every source file, hence the one
 * function the module exports.
 */
#define LLSOCKET_COMPAT_UVMARK ((void *)(uintptr_t)luaopen_llsocket)

static inline void *llsocket_compat_newuserdatauv(lua_State *L, size_t size,
                                                  int nuvalue) {
  (void)nuvalue;
  return lua_newuserdata(L, size);
}
#define lua_newuserdatauv llsocket_compat_newuserdatauv

static inline int llsocket_compat_setiuservalue(lua_State *L, int idx,
                                                int n) {
  idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
  if (n != 1) {
    lua_pop(L, 1);
    return 0;
  }
  lua_createtable(L, 1, 1);
  lua_insert(L, -2);
  lua_rawseti(L, -2, 1);
  lua_pushlightuserdata(L, LLSOCKET_COMPAT_UVMARK);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
#if LUA_VERSION_NUM == 501
  lua_setfenv(L, idx);
#else
  lua_setuservalue(L, idx);
#endif
  return 1;
}
#define lua_setiuservalue llsocket_compat_setiuservalue

static inline int llsocket_compat_getiuservalue(lua_State *L, int idx,
                                                int n) {
  int marked;

#if LUA_VERSION_NUM == 501
  lua_getfenv(L, idx);
#else
  lua_getuservalue(L, idx);
#endif
  if (n != 1 || lua_type(L, -1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return n == 1 ? LUA_TNIL : LUA_TNONE;
  }
  lua_pushlightuserdata(L, LLSOCKET_COMPAT_UVMARK);
  lua_rawget(L, -2);
  marked = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (marked)
    lua_rawgeti(L, -1, 1);
  else
    lua_pushnil(L);
  lua_remove(L, -2);
  return lua_type(L, -1);
}
#define lua_getiuservalue llsocket_compat_getiuservalue

static inline char *llsocket_compat_buffinitsize(lua_State *L, luaL_Buffer *B,
                                                 size_t size) {
  char *box = lua_newuserdata(L, size > 0 ? size : 1);

  memset(B, 0, sizeof(*B));
  B->L = L;
#if LUA_VERSION_NUM == 501
  B->p = box;
#else
  B->b = box;
  B->size = size;
#endif
  return box;
}
#define luaL_buffinitsize llsocket_compat_buffinitsize

static inline void llsocket_compat_pushresultsize(luaL_Buffer *B,
                                                  size_t size) {
#if LUA_VERSION_NUM == 501
  lua_pushlstring(B->L, B->p, size);
#else
  lua_pushlstring(B->L, B->b, size);
#endif
  lua_remove(B->L, -2);
}
#undef luaL_pushresultsize
#define luaL_pushresultsize llsocket_compat_pushresultsize

/*
 * No to-be-closed slots before 5.4: a value marked so is closed by its
 * __gc instead, when collected after the error that would have closed it.
 * Whatever the binding marks has a __gc doing what its __close does.
 */
#define lua_toclose(L, idx) ((void)(L), (void)(idx))

#endif /* LUA_VERSION_NUM < 504 */

#if LUA_VERSION_NUM < 503

/* lua_Integer is ptrdiff_t before 5.3 */
#ifndef LUA_MAXINTEGER
#define LUA_MAXINTEGER PTRDIFF_MAX
#define LUA_MININTEGER PTRDIFF_MIN
#endif

static inline int llsocket_compat_rawgeti(lua_State *L, int idx,
                                          lua_Integer n) {
  lua_rawgeti(L, idx, (int)n);
  return lua_type(L, -1);
}
#define lua_rawgeti llsocket_compat_rawgeti

static inline int llsocket_compat_rawget(lua_State *L, int idx) {
  lua_rawget(L, idx);
  return lua_type(L, -1);
}
#define lua_rawget llsocket_compat_rawget

static inline int llsocket_compat_getfield(lua_State *L, int idx,
                                           const char *k) {
  lua_getfield(L, idx, k);
  return lua_type(L, -1);
}
#define lua_getfield llsocket_compat_getfield

/* Numbers are doubles: only an integral one in lua_Integer's range is an
 * integer, and a numeric string converts as 5.4 converts it. */
static inline lua_Integer llsocket_compat_tointegerx(lua_State *L, int idx,
                                                     int *isnum) {
  lua_Number n;

  if (isnum != NULL)
    *isnum = 0;
  if (!lua_isnumber(L, idx))
    return 0;
  n = lua_tonumber(L, idx);
  if (!(n >= (lua_Number)PTRDIFF_MIN && n < -(lua_Number)PTRDIFF_MIN))
    return 0;
  if ((lua_Number)(lua_Integer)n != n)
    return 0;
  if (isnum != NULL)
    *isnum = 1;
  return (lua_Integer)n;
}
#undef lua_tointegerx
#define lua_tointegerx llsocket_compat_tointegerx
#undef lua_tointeger
#define lua_tointeger(L, i) llsocket_compat_tointegerx(L, (i), NULL)

static inline lua_Integer llsocket_compat_checkinteger(lua_State *L,
                                                       int arg) {
  int isnum;
  lua_Integer v = llsocket_compat_tointegerx(L, arg, &isnum);

  if (!isnum) {
    if (lua_isnumber(L, arg))
      luaL_argerror(L, arg, "number has no integer representation");
    else
      luaL_typeerror(L, arg, "number");
  }
  return v;
}
#define luaL_checkinteger llsocket_compat_checkinteger

static inline size_t llsocket_compat_stringtonumber(lua_State *L,
                                                    const char *s) {
  lua_pushstring(L, s);
  if (!lua_isnumber(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushnumber(L, lua_tonumber(L, -1));
  lua_remove(L, -2);
  return strlen(s) + 1;
}
#define lua_stringtonumber llsocket_compat_stringtonumber

#endif /* LUA_VERSION_NUM < 503 */

#if LUA_VERSION_NUM == 501 /* Lua 5.1 and LuaJIT */

#define lua_rawlen lua_objlen
#define lua_absindex(L, i)                                                    \
  ((i) > 0 || (i) <= LUA_REGISTRYINDEX ? (i) : lua_gettop(L) + (i) + 1)

/* a closed io file holds a NULL FILE * (luaL_Stream came with 5.2) */
typedef struct luaL_Stream {
  FILE *f;
} luaL_Stream;
#define LLSOCKET_STREAM_ISOPEN(s) ((s)->f != NULL)

static inline void *llsocket_compat_testudata(lua_State *L, int idx,
                                              const char *tname) {
  void *p = lua_touserdata(L, idx);
  int same;

  if (p == NULL || !lua_getmetatable(L, idx))
    return NULL;
  luaL_getmetatable(L, tname);
  same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? p : NULL;
}
#undef luaL_testudata
#define luaL_testudata llsocket_compat_testudata

static inline void llsocket_compat_setmetatable(lua_State *L,
                                                const char *tname) {
  luaL_getmetatable(L, tname);
  lua_setmetatable(L, -2);
}
#undef luaL_setmetatable
#define luaL_setmetatable llsocket_compat_setmetatable

static inline void llsocket_compat_setfuncs(lua_State *L, const luaL_Reg *l,
                                            int nup) {
  int i;

  luaL_checkstack(L, nup, "too many upvalues");
  for (; l->name != NULL; l++) {
    for (i = 0; i < nup; i++)
      lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}
#undef luaL_setfuncs
#define luaL_setfuncs llsocket_compat_setfuncs

#undef luaL_newlibtable
#define luaL_newlibtable(L, l)                                                \
  lua_createtable(L, 0, (int)(sizeof(l) / sizeof((l)[0]) - 1))
#undef luaL_newlib
#define luaL_newlib(L, l) (luaL_newlibtable(L, l), luaL_setfuncs(L, l, 0))

static inline int llsocket_compat_getsubtable(lua_State *L, int idx,
                                              const char *name) {
  lua_getfield(L, idx, name);
  if (lua_type(L, -1) == LUA_TTABLE)
    return 1;
  lua_pop(L, 1);
  idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, idx, name);
  return 0;
}
#undef luaL_getsubtable
#define luaL_getsubtable llsocket_compat_getsubtable

#else
#define LLSOCKET_STREAM_ISOPEN(s) ((s)->closef != NULL)
#endif /* LUA_VERSION_NUM == 501 */

#endif /* LLSOCKET_COMPAT_H */
