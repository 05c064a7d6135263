#!/bin/sh
# The built llsocket.so loads into the system interpreter of its Lua
# ($LUA, found by configure: lua5.4, lua5.1, luajit ...) through LUA_CPATH
# (it does not link liblua) and does a loopback round trip.
# Skipped (77) without that interpreter, and under sanitizers: an ASan-built
# module cannot load into an interpreter that was not built with ASan.

if [ -z "$LUA" ]; then
  echo "no interpreter for the module's Lua: skipped"
  exit 77
fi
if [ -n "$SANITIZERS" ]; then
  echo "sanitizer build: skipped"
  exit 77
fi
if [ -z "$LLSOCKET_SO" ] || [ ! -f "$LLSOCKET_SO" ]; then
  echo "LLSOCKET_SO does not name a built module: '$LLSOCKET_SO'" >&2
  exit 1
fi

LUA_CPATH="$(dirname "$LLSOCKET_SO")/?.so"
export LUA_CPATH
# a version-specific variable would win over LUA_CPATH
unset LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4

if ldd "$LLSOCKET_SO" | grep -q 'liblua'; then
  echo "llsocket.so links liblua; it must take Lua from the interpreter" >&2
  exit 1
fi

exec "$LUA" - <<'EOF'
local llsocket = require "llsocket"
-- the only place require could have found it
assert(package.cpath == os.getenv("LUA_CPATH"), package.cpath)
assert(llsocket.version == "0.1.0", "version")
local opt = llsocket.opt
local lfd = assert(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, false, true))
assert(llsocket.listen(lfd) == nil)
local port = assert(llsocket.sockname(lfd)):port()
local cfd = assert(llsocket.inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
local sfd = assert(llsocket.accept(lfd))
assert(llsocket.send(cfd, "round trip") == 10)
assert(llsocket.recv(sfd) == "round trip")
assert(llsocket.send(sfd, "back") == 4)
assert(llsocket.recv(cfd, 4) == "back")
local ok, msg = pcall(llsocket.recv, "x")
assert(not ok and msg:find("bad argument #1", 1, true), msg)
assert(llsocket.close(cfd) == nil)
assert(llsocket.recv(sfd) == "")
assert(llsocket.close(sfd) == nil)
assert(llsocket.close(lfd) == nil)
print("llsocket.so loaded into " .. (jit and jit.version or _VERSION) ..
      " through " .. package.cpath)
EOF
