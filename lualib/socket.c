#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>

int llsocket__checkhow(lua_State *L, int arg) {
  int how = llsocket__checkint(L, arg, INT_MIN, INT_MAX, "how");

  luaL_argcheck(L, how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR, arg,
                "expected SHUT_RD, SHUT_WR or SHUT_RDWR");
  return how;
}

static int socket_sockname(lua_State *L) {
  llsock_addr addr;
  int rc = llsock_sockname(llsocket__checkfd(L, 1), &addr);

  if (rc < 0)
    return llsocket__result(L, rc);
  llsocket__pushaddr(L, &addr);
  return 1;
}

static int socket_peername(lua_State *L) {
  llsock_addr addr;
  int rc = llsock_peername(llsocket__checkfd(L, 1), &addr);

  if (rc < 0)
    return llsocket__result(L, rc);
  llsocket__pushaddr(L, &addr);
  return 1;
}

static int socket_atmark(lua_State *L) {
  int rc = llsock_atmark(llsocket__checkfd(L, 1));

  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushboolean(L, rc);
  return 1;
}

static int socket_shutdown(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  return llsocket__status(L, llsock_shutdown(fd, llsocket__checkhow(L, 2)));
}

static int socket_close(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int how = lua_isnoneornil(L, 2) ? LLSOCK_SHUT_NONE : llsocket__checkhow(L, 2);
  return llsocket__status(L, llsock_close(fd, how));
}

static int socket_listen(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int backlog = lua_isnoneornil(L, 2)
                    ? LLSOCK_BACKLOG
                    : llsocket__checkint(L, 2, 0, INT_MAX, "backlog");
  return llsocket__status(L, llsock_listen(fd, backlog));
}

static int socket_accept(lua_State *L) {
  return llsocket__ioresult(L, llsock_accept(llsocket__checkfd(L, 1), NULL));
}

static int socket_accept_inherits(lua_State *L) {
  return llsocket__ioresult(L,
                      llsock_accept_inherit(llsocket__checkfd(L, 1), NULL));
}

/*
 * socket(family, socktype [, protocol [, nonblock]]) -> fd | nil, err
 * socket(addr [, nonblock]), with an address from getaddrinfo
 */
static int socket_socket(lua_State *L) {
  const llsocket_addr *addr = luaL_testudata(L, 1, LLSOCKET_ADDR_MT);
  int family, socktype, protocol, nonblock;

  if (addr != NULL) {
    luaL_argcheck(L, addr->socktype != 0, 1,
                  "address has no socket type (not from getaddrinfo)");
    family = llsock_addr_family(&addr->addr);
    socktype = addr->socktype;
    protocol = addr->protocol;
    nonblock = llsocket__optboolean(L, 2);
  } else {
    family = llsocket__checkint(L, 1, 0, INT_MAX, "family");
    socktype = llsocket__checkint(L, 2, 1, INT_MAX, "socket type");
    protocol = lua_isnoneornil(L, 3)
                   ? 0
                   : llsocket__checkint(L, 3, 0, INT_MAX, "protocol");
    nonblock = llsocket__optboolean(L, 4);
  }
  return llsocket__result(L, llsock_socket(family, socktype, protocol,
                                            nonblock ? LLSOCK_NONBLOCK : 0));
}

/* bind(fd, addr) -> nothing | err */
static int socket_bind(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  return llsocket__status(L, llsock_bind(fd, llsocket__checkaddr(L, 2)));
}

/* connect(fd, addr) -> nothing | err; a non-blocking connect under way is
 * success, its outcome later in error(fd) */
static int socket_connect(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  return llsocket__status(L,
                              llsock_connect(fd, llsocket__checkaddr(L, 2)));
}

/* socketpair(socktype [, nonblock [, family]]) -> fd1, fd2 | nil, err */
static int socket_socketpair(lua_State *L) {
  int socktype = llsocket__checkint(L, 1, 1, INT_MAX, "socket type");
  int flags = llsocket__optboolean(L, 2) ? LLSOCK_NONBLOCK : 0;
  int family = lua_isnoneornil(L, 3)
                   ? AF_UNIX
                   : llsocket__checkint(L, 3, 0, INT_MAX, "family");
  int fds[2], rc = llsock_socketpair(family, socktype, flags, fds);

  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushinteger(L, fds[0]);
  lua_pushinteger(L, fds[1]);
  return 2;
}

void llsocket__open_socket(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"socketpair", socket_socketpair},
    {"socket", socket_socket},
    {"bind", socket_bind},
    {"connect", socket_connect},
    {"sockname", socket_sockname},
    {"peername", socket_peername},
    {"atmark", socket_atmark},
    {"shutdown", socket_shutdown},
    {"close", socket_close},
    {"listen", socket_listen},
    {"accept", socket_accept},
    {"acceptInherits", socket_accept_inherits},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
}
