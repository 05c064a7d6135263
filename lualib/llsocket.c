#include "llsocket-int.h"

/*
 * Lists the sub-tables in package.loaded too, so that argument errors name
 * their functions ("llsocket.opt.nodelay") instead of '?'.
 */
static void register_subtables(lua_State *L) {
  static const char *const names[] = {"addr", "inet", "opt", "sock", "unix"};
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
  llsocket__open_unix_funcs(L);
  llsocket__open_unix(L);
  lua_setfield(L, -2, "unix");
  llsocket__open_opt(L);
  llsocket__open_poll_constants(L);
  lua_setfield(L, -2, "opt");
  lua_pushstring(L, llsock_version());
  lua_setfield(L, -2, "version");
  llsocket__open_sock(L); /* last: its methods are the functions above */
  register_subtables(L);
  return 1;
}
