#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Receive into a stack buffer when the length allows, so the result string
 * is the only allocation; a larger length goes through a luaL_Buffer so a
 * memory error cannot leak it.
 */
static int receive(lua_State *L, int with_sender) {
  int fd = llsocket__checkfd(L, 1);
  size_t len = llsocket__optlen(L, 2);
  int flags = llsocket__optflags(L, 3);
  char stackbuf[LLSOCKET_RECV_DEFAULT];
  luaL_Buffer b;
  llsock_addr from;
  char *buf = stackbuf;
  size_t stored;
  ssize_t n;

  if (len > sizeof(stackbuf))
    buf = luaL_buffinitsize(L, &b, len);
  n = with_sender ? llsock_recvfrom(fd, buf, len, flags, &from)
                  : llsock_recv(fd, buf, len, flags);
  if (n < 0) {
    if (with_sender)
      lua_pushnil(L);
    return llsocket__ioresult(L, n) + with_sender;
  }
  stored = llsock_recv_stored(fd, len, n, flags);
  if (buf == stackbuf)
    lua_pushlstring(L, buf, stored);
  else
    luaL_pushresultsize(&b, stored);
  if (!with_sender)
    return 1;
  llsocket__pushaddr_mt(L, &from, lua_upvalueindex(1));
  return 2;
}

static int io_recv(lua_State *L) {
  return receive(L, 0);
}

static int io_recvfrom(lua_State *L) {
  return receive(L, 1);
}

static int io_send(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  int flags = llsocket__optflags(L, 3);

  return llsocket__ioresult(L, llsock_send(fd, msg, len, flags));
}

static int io_sendto(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  const llsock_addr *to =
      lua_isnoneornil(L, 3) ? NULL
                            : llsocket__checkaddr_mt(L, 3, lua_upvalueindex(1));
  int flags = llsocket__optflags(L, 4);

  return llsocket__ioresult(L, llsock_sendto(fd, msg, len, flags, to));
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
  luaL_argcheck(L, stream->closef != NULL, 2, "file is closed");
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
  /* the I/O calls keep the addr metatable at hand as their upvalue */
  luaL_getmetatable(L, LLSOCKET_ADDR_MT);
  luaL_setfuncs(L, funcs, 1);
}
