#!/bin/sh
# Stands in for the module's Lua tests when configure found no interpreter
# for the Lua the module was built for: make check fails, saying which.
echo "The llsocket module's tests need the ${LUA_MISSING:-Lua interpreter}," >&2
echo "which configure did not find. Install it, or name it with LUA=PATH" >&2
echo "on the configure command line." >&2
exit 1
