# Builds the llsocket module for LuaRocks (llsock-*.rockspec) against a
# libllsock that is already installed, found with pkg-config.  The
# autotools build does not use this file.
#
# LuaRocks passes CC, CFLAGS, LIBFLAG, LUA_INCDIR and INST_LIBDIR.

PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -fPIC
LIBFLAG ?= -shared
comma := ,

LLSOCK_CFLAGS := $(shell $(PKG_CONFIG) --cflags libllsock)
LLSOCK_LIBS := $(shell $(PKG_CONFIG) --libs libllsock)
# Found at run time where it was found now, also outside the linker's
# default directories (pkg-config leaves those out of --libs).
LLSOCK_RPATH := $(patsubst -L%,-Wl$(comma)-rpath$(comma)%,$(filter -L%,$(LLSOCK_LIBS)))

SOURCES := $(sort $(wildcard lualib/*.c))

# Always built afresh: the same checkout may build for several Lua versions.
all:
	@$(PKG_CONFIG) --exists libllsock || { \
	  echo "libllsock is not installed where pkg-config looks:" \
	       "build and install llsock first (./configure && make && make install)," \
	       "or set PKG_CONFIG_PATH to the directory holding libllsock.pc" >&2; \
	  exit 1; }
	$(CC) $(CFLAGS) -D_GNU_SOURCE -I$(LUA_INCDIR) $(LLSOCK_CFLAGS) \
	  $(LIBFLAG) -o llsocket.so $(SOURCES) $(LLSOCK_LIBS) $(LLSOCK_RPATH)

install:
	mkdir -p $(INST_LIBDIR)
	cp llsocket.so $(INST_LIBDIR)/

clean:
	rm -f llsocket.so

.PHONY: all install clean
