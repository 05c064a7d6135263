#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Receives longer than the stack buffer go into one buffer per module,
 * kept between calls up to this size, so a loop of 64 KiB reads allocates
 * nothing but its strings.  A longer one gets a luaL_Buffer of its own.
 */
#define KEPT_BUFFER_MAX (256 * 1024)

/* The I/O functions' upvalues: the addr metatable, the kept buffer's
 * holder (shared), then each closure's own addr argument and sender kept
 * and its seen block (see llsocket_seen). */
enum {
  IO_ADDR_MT = 1,
  IO_KEPT_BUFFER,
  IO_KEPT_ADDR,
  IO_KEPT_SENDER,
  IO_SEEN,
  IO_UPVALUES = IO_SEEN
};
#define ADDR_MT lua_upvalueindex(IO_ADDR_MT)
#define KEPT_ADDR lua_upvalueindex(IO_KEPT_ADDR), lua_upvalueindex(IO_SEEN)
#define KEPT_SENDER                                                         \
  lua_upvalueindex(IO_KEPT_SENDER), lua_upvalueindex(IO_SEEN)

/* The kept buffer, a userdata held as this holder's user value. */
typedef struct kept_buffer {
  char *data;
  size_t size;
} kept_buffer;

/* The kept buffer, grown to len bytes, or NULL if len is more than it may
 * keep.  Growing pushes nothing; a memory error leaves it as it was. */
static char *kept_buffer_for(lua_State *L, size_t len) {
  kept_buffer *kb = lua_touserdata(L, lua_upvalueindex(IO_KEPT_BUFFER));
  size_t size = kb->size * 2;

  if (len <= kb->size)
    return kb->data;
  if (len > KEPT_BUFFER_MAX)
    return NULL;
  if (size < len)
    size = len;
  if (size > KEPT_BUFFER_MAX)
    size = KEPT_BUFFER_MAX;
  kb->data = lua_newuserdatauv(L, size, 0);
  kb->size = size;
  lua_setiuservalue(L, lua_upvalueindex(IO_KEPT_BUFFER), 1);
  return kb->data;
}

/*
 * recv(fd [, len [, flag, ...]]) -> str | nil, err, again
 * recvfrom(fd [, len [, from]] [, flag, ...]) -> str, addr | nil, nil, err, again
 * The top is read once, so absent arguments cost nothing.  The data lands
 * in a stack buffer or the kept one and is copied once, into the result
 * string; no Lua code can run in between, as the collector only runs once
 * the string exists.  An addr given as from is filled with the sender
 * and returned instead of a new one.
 */
static int receive(lua_State *L, int with_sender) {
  int top = lua_gettop(L), flags;
  int fd = llsocket__checkfd(L, 1);
  size_t len = top >= 2 ? llsocket__optlen(L, 2) : LLSOCKET_RECV_DEFAULT;
  llsocket_addr *into = NULL;
  char stackbuf[LLSOCKET_RECV_DEFAULT];
  luaL_Buffer b, *own = NULL;
  llsock_addr from;
  char *buf = stackbuf;
  size_t stored;
  ssize_t n;

  if (with_sender && top >= 3)
    into = (llsocket_addr *)llsocket__optaddr_kept(L, 3, ADDR_MT, KEPT_ADDR);
  flags = llsocket__flags(L, into != NULL ? 4 : 3, top);
  if (len > sizeof(stackbuf) && (buf = kept_buffer_for(L, len)) == NULL) {
    own = &b;
    buf = luaL_buffinitsize(L, own, len);
  }
  n = with_sender ? llsock_recvfrom(fd, buf, len, flags, &from)
                  : llsock_recv(fd, buf, len, flags);
  if (n < 0) {
    if (with_sender)
      lua_pushnil(L);
    return llsocket__ioresult(L, n) + with_sender;
  }
  stored = llsock_recv_stored(fd, len, n, flags);
  if (own == NULL)
    lua_pushlstring(L, buf, stored);
  else
    luaL_pushresultsize(own, stored);
  if (!with_sender)
    return 1;
  if (into == NULL || from.len == 0)
    llsocket__pushsender(L, &from, ADDR_MT, KEPT_SENDER);
  else
    llsocket__setaddr(L, 3, into, &from);
  return 2;
}

static int io_recv(lua_State *L) {
  return receive(L, 0);
}

static int io_recvfrom(lua_State *L) {
  return receive(L, 1);
}

static int io_send(lua_State *L) {
  int top = lua_gettop(L);
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = llsocket__checklstring(L, 2, &len);

  return llsocket__ioresult(
      L, llsock_send(fd, msg, len, llsocket__flags(L, 3, top)));
}

static int io_sendto(lua_State *L) {
  int top = lua_gettop(L);
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = llsocket__checklstring(L, 2, &len);
  const llsock_addr *to =
      top >= 3 ? llsocket__optaddr_kept(L, 3, ADDR_MT, KEPT_ADDR) : NULL;

  if (to == NULL && top >= 3 && !lua_isnil(L, 3))
    llsocket__checkaddr(L, 3); /* raises: neither an addr nor nil */
  return llsocket__ioresult(
      L, llsock_sendto(fd, msg, len, llsocket__flags(L, 4, top), to));
}

/*
 * Whether stdio holds bytes it read ahead from f's descriptor, which a
 * send from the descriptor would skip.  Only glibc lets us look; elsewhere
 * assume it does.
 */
static int has_readahead(FILE *f) {
#ifdef __GLIBC__
  return f->_IO_read_ptr < f->_IO_read_end;
#else
  (void)f;
  return 1;
#endif
}

/*
 * The descriptor behind a Lua file handle, its writes flushed.  Without
 * an offset the send starts at the stdio position: *at gets it, or stays
 * NULL for a pipe, which is refused while stdio holds read-ahead from it.
 * Returns -1 (with nil, err, again pushed) when the flush failed.
 */
static int stream_fd(lua_State *L, luaL_Stream *stream, int with_offset,
                     off_t *pos, off_t **at) {
  luaL_argcheck(L, LLSOCKET_STREAM_ISOPEN(stream), 2, "file is closed");
  /* also puts a seekable file's descriptor at the stdio position */
  if (fflush(stream->f) != 0) {
    llsocket__ioresult(L, -errno);
    return -1;
  }
  if (!with_offset) {
    if ((*pos = ftello(stream->f)) != -1)
      *at = pos;
    else
      luaL_argcheck(L, !has_readahead(stream->f), 2,
                    "file has input buffered by the io library, which "
                    "sendfile would skip");
  }
  return fileno(stream->f);
}

/*
 * sendfile(fd, file, len [, offset]) -> bytes | nil, err, again
 * file is an fd or an io library file.  Without offset a file handle is
 * read from its stdio position, which then moves past what was sent.
 */
static int io_sendfile(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  luaL_Stream *stream = luaL_testudata(L, 2, LUA_FILEHANDLE);
  int with_offset = !lua_isnoneornil(L, 4);
  int file_fd = -1;
  size_t len = (size_t)llsocket__checkinteger(L, 3, 0, SSIZE_MAX, "length");
  off_t offset = 0, *at = NULL;
  ssize_t n;

  if (with_offset) {
    offset = (off_t)llsocket__checkinteger(L, 4, 0, LUA_MAXINTEGER, "offset");
    at = &offset;
  }
  if (stream != NULL) {
    if ((file_fd = stream_fd(L, stream, with_offset, &offset, &at)) < 0)
      return 3;
  } else {
    file_fd = llsocket__checkint(L, 2, 0, INT_MAX, "file descriptor");
  }
  n = llsock_sendfile(fd, file_fd, at, len);
  if (n < 0)
    return llsocket__ioresult(L, n);
  if (stream != NULL && !with_offset && at != NULL)
    fseeko(stream->f, offset, SEEK_SET);
  lua_pushinteger(L, n);
  return 1;
}

void llsocket__open_io(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"recv", io_recv},
    {"recvfrom", io_recvfrom},
    {"send", io_send},
    {"sendto", io_sendto},
    {"sendfile", io_sendfile},
    {NULL, NULL}
  };
  const luaL_Reg *f;
  kept_buffer *kb;

  luaL_getmetatable(L, LLSOCKET_ADDR_MT);
  kb = lua_newuserdatauv(L, sizeof(*kb), 1);
  kb->data = NULL;
  kb->size = 0;
  for (f = funcs; f->name != NULL; f++) {
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    lua_pushnil(L);
    lua_pushnil(L);
    llsocket__newseen(L);
    lua_pushcclosure(L, f->func, IO_UPVALUES);
    lua_setfield(L, -4, f->name);
  }
  lua_pop(L, 2);
}
