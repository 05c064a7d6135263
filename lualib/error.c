#include "llsocket-int.h"

#include <errno.h>

/* describe(-err) for an error number, or unknown for a number that is no
 * error; a numeric string is refused, as everywhere in the module. */
static int push_description(lua_State *L, const char *(*describe)(int),
                            const char *unknown) {
  lua_Integer err;

  luaL_argexpected(L, lua_type(L, 1) == LUA_TNUMBER, 1, "integer");
  err = luaL_checkinteger(L, 1);
  lua_pushstring(L, err < 0 || err > -(lua_Integer)LLSOCK_EAI_UNKNOWN
                        ? unknown
                        : describe(-(int)err));
  return 1;
}

/* llsocket.strerror(err) -> message */
static int error_strerror(lua_State *L) {
  return push_description(L, llsock_strerror, "Unknown error");
}

/* llsocket.errname(err) -> "ECONNREFUSED", "EAI_NONAME", ... */
static int error_errname(lua_State *L) {
  return push_description(L, llsock_errname, "UNKNOWN");
}

/* llsocket.errno: names for the numbers scripts compare err against */
static void push_errno_table(lua_State *L) {
  static const struct {
    const char *name;
    int err;
  } names[] = {
#define ERRNO(name) {#name, name},
#define EAI(name, n) {"EAI_" #name, -LLSOCK_EAI_##name},
    LLSOCK_ERRNO_NAMES(ERRNO)
    LLSOCK_EAI_CODES(EAI)
    EAI(UNKNOWN, 12)
#undef ERRNO
#undef EAI
  };
  size_t i;

  lua_createtable(L, 0, sizeof(names) / sizeof(names[0]));
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    lua_pushinteger(L, names[i].err);
    lua_setfield(L, -2, names[i].name);
  }
}

void llsocket__open_errors(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"strerror", error_strerror},
    {"errname", error_errname},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
  push_errno_table(L);
  lua_setfield(L, -2, "errno");
}
