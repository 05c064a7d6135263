-- The llsocket module of llsock, built with LuaRocks against a libllsock
-- already installed (pkg-config libllsock).  The rock is named llsock so
-- as not to clash with the "llsocket" rock, which carries the original
-- lua-llsocket; both install a module named llsocket (see README.md).
--
-- In a checkout, after installing libllsock:  luarocks make
rockspec_format = "3.0"
package = "llsock"
version = "0.1.0-1"
source = {
  -- the tarball make dist writes; luarocks make builds the checkout it is
  -- run in and fetches nothing
  url = "llsock-0.1.0.tar.gz",
  dir = "llsock-0.1.0",
}
description = {
  summary = "Low-level sockets for Lua 5.1 to 5.4 and LuaJIT over libllsock",
  detailed = [[
The llsocket module: BSD sockets with integer fds and error numbers, the
lua-llsocket API and more (messages, fd passing, sendfile, batches,
resolver, options), a thin binding over the C library libllsock.]],
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
build = {
  type = "make",
  makefile = "lualib/rock.mk",
  build_variables = {
    CC = "$(CC)",
    CFLAGS = "$(CFLAGS)",
    LIBFLAG = "$(LIBFLAG)",
    LUA_INCDIR = "$(LUA_INCDIR)",
  },
  install_variables = {
    INST_LIBDIR = "$(LIBDIR)",
  },
}
