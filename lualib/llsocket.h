#ifndef LLSOCKET_H
#define LLSOCKET_H

#include <lua.h>

/* Opens the llsocket module: require "llsocket" from a .so, or
 * package.preload["llsocket"] in a host. */
int luaopen_llsocket(lua_State *L);

#endif /* LLSOCKET_H */
