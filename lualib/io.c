#include "llsocket-int.h"

static size_t checklen(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg))
    return LLSOCKET_RECV_DEFAULT;
  return (size_t)llsocket__checkint(L, arg, 1, LLSOCKET_RECV_MAX, "length");
}

/*
 * Receive into a stack buffer when the length allows, so the result string
 * is the only allocation; a larger length goes through a luaL_Buffer so a
 * memory error cannot leak it.
 */
static int receive(lua_State *L, int with_sender) {
  int fd = llsocket__checkfd(L, 1);
  size_t len = checklen(L, 2);
  int flags = llsocket__optflags(L, 3);
  char stackbuf[LLSOCKET_RECV_DEFAULT];
  luaL_Buffer b;
  llsock_addr from;
  char *buf = stackbuf;
  ssize_t n;

  if (len > sizeof(stackbuf))
    buf = luaL_buffinitsize(L, &b, len);
  n = with_sender ? llsock_recvfrom(fd, buf, len, flags, &from)
                  : llsock_recv(fd, buf, len, flags);
  if (n < 0) {
    if (with_sender)
      lua_pushnil(L);
    return llsocket__pushioerror(L, (int)n) + with_sender;
  }
  if (buf == stackbuf)
    lua_pushlstring(L, buf, (size_t)n);
  else
    luaL_pushresultsize(&b, (size_t)n);
  if (!with_sender)
    return 1;
  llsocket__pushaddr(L, &from);
  return 2;
}

static int io_recv(lua_State *L) {
  return receive(L, 0);
}

static int io_recvfrom(lua_State *L) {
  return receive(L, 1);
}

static int pushsent(lua_State *L, ssize_t n) {
  if (n < 0)
    return llsocket__pushioerror(L, (int)n);
  lua_pushinteger(L, n);
  return 1;
}

static int io_send(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  int flags = llsocket__optflags(L, 3);

  return pushsent(L, llsock_send(fd, msg, len, flags));
}

static int io_sendto(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  const llsock_addr *to =
      lua_isnoneornil(L, 3) ? NULL : llsocket__checkaddr(L, 3);
  int flags = llsocket__optflags(L, 4);

  return pushsent(L, llsock_sendto(fd, msg, len, flags, to));
}

void llsocket__open_io(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"recv", io_recv},
    {"recvfrom", io_recvfrom},
    {"send", io_send},
    {"sendto", io_sendto},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
}
