/*
 * Owned sockets: llsocket.sock.* constructors and llsocket.wrap(fd) make
 * objects that close their fd when collected, a layer over the fd API.
 * Each method is the fd function of the same name with the fd dropped,
 * called through one forwarding function, so the objects take the same
 * arguments, check them the same way and return the same results; what
 * the layer adds is ownership, timeouts, and the stream conveniences
 * sendall and receive with their read buffer.
 */
#include "llsocket-int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SOCK_MT "llsocket.socket"
/* how much receive() asks the kernel for at a time */
#define RECEIVE_CHUNK 4096

typedef struct llsocket_sock {
  int fd;             /* -1 once closed or unwrapped */
  int has_id;         /* whether id is known */
  uint64_t id;        /* llsock_socket_id() when the object took the fd */
  double timeout;     /* seconds for each blocking method; < 0: none */
  char *buf;          /* bytes read by receive() but not yet returned */
  size_t start, end, size; /* unread bytes are buf[start..end) */
} llsocket_sock;

/* What a forwarded call may wait for when the object has a timeout. */
enum { WAIT_NONE = 0, WAIT_READ = 1, WAIT_WRITE = 2, WAIT_MASK = 3 };
/* The forwarded function's first argument is the object's fd; its first
 * one or two integer results are new fds that become objects. */
enum { FWD_METHOD = 4, FWD_WRAP1 = 8, FWD_WRAP2 = 16 };

/* ---- ownership -------------------------------------------------------- */

static llsocket_sock *new_sock(lua_State *L) {
  llsocket_sock *s = lua_newuserdatauv(L, sizeof(*s), 0);

  memset(s, 0, sizeof(*s));
  s->fd = -1;
  s->timeout = -1;
  luaL_setmetatable(L, SOCK_MT);
  return s;
}

static void own(llsocket_sock *s, int fd) {
  s->fd = fd;
  s->has_id = llsock_socket_id(fd, &s->id) == 0;
}

static void free_buffer(lua_State *L, llsocket_sock *s) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);

  if (s->buf != NULL)
    alloc(ud, s->buf, s->size, 0);
  s->buf = NULL;
  s->start = s->end = s->size = 0;
}

/*
 * The one close behind close, __gc and __close.  It closes the fd only if
 * the number still names the socket the object took: code that closed it
 * behind the object's back may have opened another socket under it.
 * Returns 0, a negative error, or -EBADF when the socket was gone.
 */
static int release(lua_State *L, llsocket_sock *s, int how) {
  int fd = s->fd, rc;
  uint64_t now;

  free_buffer(L, s);
  if (fd < 0)
    return 0;
  s->fd = -1;
  if (s->has_id) {
    rc = llsock_socket_id(fd, &now);
    if (rc < 0 || now != s->id)
      return -EBADF;
  }
  return llsock_close(fd, how);
}

static llsocket_sock *check_sock(lua_State *L, int arg) {
  return luaL_checkudata(L, arg, SOCK_MT);
}

static llsocket_sock *check_open(lua_State *L, int arg) {
  llsocket_sock *s = check_sock(L, arg);

  if (s->fd < 0)
    luaL_error(L, "attempt to use a closed socket");
  return s;
}

static size_t buffered(const llsocket_sock *s) {
  return s->end - s->start;
}

/* ---- waiting for a timeout --------------------------------------------- */

/* The deadline of a call that starts now, or a negative value for none. */
static double deadline_of(const llsocket_sock *s) {
  return s->timeout < 0 ? -1 : llsock_clock() + s->timeout;
}

/*
 * Waits until the fd is ready for direction or the deadline passes:
 * 1 ready, 0 timed out, or a negative error.
 */
static int wait_ready(const llsocket_sock *s, int direction, double deadline) {
  double left = deadline - llsock_clock();

  return llsock_wait(s->fd,
                     direction == WAIT_READ ? LLSOCK_POLLIN : LLSOCK_POLLOUT,
                     left > 0 ? left : 0);
}

/* "nil, ETIMEDOUT, false" or "nil, err, again" for a failed wait. */
static int push_wait_failure(lua_State *L, int rc) {
  return llsocket__ioresult(L, rc == 0 ? -ETIMEDOUT : rc);
}

/* ---- forwarding to the fd functions ------------------------------------ */

/* Whether the results from base + 1 up are "nil, err, true". */
static int would_block(lua_State *L, int base) {
  return lua_gettop(L) - base == 3 && lua_isnil(L, base + 1) &&
         lua_toboolean(L, base + 3);
}

/*
 * Raises again the error on top, which the fd function a forwarder called
 * raised.  A bad argument is raised as this call's own, so that it names
 * the method as called, counts arguments as a method call does and says
 * where the call was made: the fd function, called from C, can do none of
 * that.  Its argument numbers match the forwarder's, the object standing
 * where the fd stood.
 */
static int reraise(lua_State *L) {
  static const char prefix[] = "bad argument #";
  const char *msg = lua_tostring(L, -1), *open, *close;
  char *end;
  long arg;

  if (lua_type(L, -1) != LUA_TSTRING ||
      strncmp(msg, prefix, sizeof(prefix) - 1) != 0)
    return lua_error(L);
  arg = strtol(msg + sizeof(prefix) - 1, &end, 10);
  open = strstr(end, "' (");
  close = strrchr(msg, ')');
  if (arg < 1 || arg > INT_MAX || open == NULL || close == NULL ||
      close < open + 3)
    return lua_error(L);
  /* lua_pushlstring returns nothing before Lua 5.2 */
  lua_pushlstring(L, open + 3, (size_t)(close - (open + 3)));
  return luaL_argerror(L, (int)arg, lua_tostring(L, -1));
}

/*
 * Calls the fd function at index fn with this call's arguments (the
 * object's fd in place of the object for a method).  A method on an object
 * with a timeout retries, after waiting, what would block, until the
 * deadline.  The fds a constructor or accept returns become objects,
 * created beforehand so that a memory error cannot leak them.
 */
static int forward_with(lua_State *L, int fn, int kind) {
  int nargs = lua_gettop(L), wraps, base, i, rc, nres;
  llsocket_sock *self = NULL, *made[2] = {NULL, NULL};
  double deadline = -1;

  wraps = (kind & FWD_WRAP2) ? 2 : (kind & FWD_WRAP1) ? 1 : 0;
  if (kind & FWD_METHOD) {
    self = check_open(L, 1);
    if ((kind & WAIT_MASK) == WAIT_READ && buffered(self) > 0)
      luaL_error(L, "socket holds bytes receive() read ahead: "
                    "take them with recv or receive first");
  }
  for (i = 0; i < wraps; i++)
    made[i] = new_sock(L);
  base = lua_gettop(L);
  for (;;) {
    lua_pushvalue(L, fn);
    for (i = 1; i <= nargs; i++)
      lua_pushvalue(L, i);
    if (self != NULL) {
      lua_pushinteger(L, self->fd);
      lua_replace(L, base + 2);
    }
    if (lua_pcall(L, nargs, LUA_MULTRET, 0) != 0)
      return reraise(L);
    if (self == NULL || self->timeout < 0 || !(kind & WAIT_MASK) ||
        !would_block(L, base))
      break;
    lua_settop(L, base);
    if (deadline < 0)
      deadline = deadline_of(self);
    rc = wait_ready(self, kind & WAIT_MASK, deadline);
    if (rc <= 0)
      return push_wait_failure(L, rc);
  }
  nres = lua_gettop(L) - base;
  if (wraps > 0 && lua_type(L, base + 1) == LUA_TNUMBER) {
    for (i = 0; i < wraps && i < nres; i++) {
      own(made[i], (int)lua_tointeger(L, base + 1 + i));
      lua_pushvalue(L, base - wraps + 1 + i);
      lua_replace(L, base + 1 + i);
    }
  }
  return nres;
}

/* upvalues: the fd function, its kind */
static int forward(lua_State *L) {
  return forward_with(L, lua_upvalueindex(1),
                      (int)lua_tointeger(L, lua_upvalueindex(2)));
}

/* Sets t[name] to a forwarder to the fd function module[name]. */
static void set_forwarder(lua_State *L, int t, int module, const char *name,
                          int kind) {
  t = lua_absindex(L, t);
  module = lua_absindex(L, module);
  if (lua_getfield(L, module, name) != LUA_TFUNCTION)
    luaL_error(L, "llsocket: no function %s to forward to", name);
  lua_pushinteger(L, kind);
  lua_pushcclosure(L, forward, 2);
  lua_setfield(L, t, name);
}

/* ---- methods of their own ---------------------------------------------- */

/* s:fd() -> the fd, still owned by s */
static int sock_fd(lua_State *L) {
  lua_pushinteger(L, check_open(L, 1)->fd);
  return 1;
}

/* s:unwrap() -> fd [, bytes read ahead]: the caller owns the fd from now */
static int sock_unwrap(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);
  int n = 1;

  lua_pushinteger(L, s->fd);
  if (buffered(s) > 0) {
    lua_pushlstring(L, s->buf + s->start, buffered(s));
    n = 2;
  }
  free_buffer(L, s);
  s->fd = -1;
  return n;
}

/* s:close([how]) -> nothing | err; closing again does nothing */
static int sock_close(lua_State *L) {
  llsocket_sock *s = check_sock(L, 1);
  int how = LLSOCK_SHUT_NONE;

  if (!lua_isnoneornil(L, 2))
    how = llsocket__checkhow(L, 2);
  return llsocket__status(L, release(L, s, how));
}

static int sock_gc(lua_State *L) {
  release(L, check_sock(L, 1), LLSOCK_SHUT_NONE);
  return 0;
}

static const char *family_name(int family) {
  switch (family) {
  case AF_INET:
    return "inet";
  case AF_INET6:
    return "inet6";
  case AF_UNIX:
    return "unix";
  default:
    return "family?";
  }
}

static const char *type_name(int socktype) {
  switch (socktype) {
  case SOCK_STREAM:
    return "stream";
  case SOCK_DGRAM:
    return "dgram";
  case SOCK_SEQPACKET:
    return "seqpacket";
  case SOCK_RAW:
    return "raw";
  default:
    return "type?";
  }
}

/* "llsocket.socket: fd 7, inet stream, 127.0.0.1:5000 -> 127.0.0.1:40012" */
static int sock_tostring(lua_State *L) {
  llsocket_sock *s = check_sock(L, 1);
  char local[LLSOCK_ADDRSTRLEN], peer[LLSOCK_ADDRSTRLEN];
  llsock_addr addr;
  int family;

  if (s->fd < 0) {
    lua_pushliteral(L, SOCK_MT ": closed");
    return 1;
  }
  if (llsock_sockname(s->fd, &addr) < 0 ||
      llsock_addr_format(&addr, local, sizeof(local)) < 0) {
    lua_pushfstring(L, SOCK_MT ": fd %d", s->fd);
    return 1;
  }
  family = llsock_addr_family(&addr);
  if (llsock_peername(s->fd, &addr) < 0 ||
      llsock_addr_format(&addr, peer, sizeof(peer)) < 0)
    peer[0] = '\0';
  lua_pushfstring(L, SOCK_MT ": fd %d, %s %s, %s%s%s", s->fd,
                  family_name(family), type_name(llsock_type(s->fd)), local,
                  peer[0] != '\0' ? " -> " : "", peer);
  return 1;
}

/*
 * s:settimeout(seconds | nil) -> nothing | err
 * With a timeout every blocking method gives up after that many seconds
 * with nil, ETIMEDOUT, false; the socket is then non-blocking underneath.
 * nil (or a negative number) waits forever again, on a blocking socket.
 */
static int sock_settimeout(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);
  double t = llsocket__opttimeout(L, 2);
  int rc;

  if (isinf(t))
    t = -1;
  rc = llsock_opt_set_nonblock(s->fd, t >= 0);
  if (rc < 0)
    return llsocket__status(L, rc);
  s->timeout = t;
  return 0;
}

/* s:gettimeout() -> seconds | nil */
static int sock_gettimeout(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);

  if (s->timeout < 0)
    lua_pushnil(L);
  else
    lua_pushnumber(L, (lua_Number)s->timeout);
  return 1;
}

/* s:recv([len [, flag, ...]]): bytes receive() read ahead come first */
static int sock_recv(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);
  size_t len, n;
  int flags;

  if (buffered(s) == 0)
    return forward_with(L, lua_upvalueindex(1), FWD_METHOD | WAIT_READ);
  len = llsocket__optlen(L, 2);
  flags = llsocket__optflags(L, 3);
  n = buffered(s) < len ? buffered(s) : len;
  lua_pushlstring(L, s->buf + s->start, n);
  if (!(flags & MSG_PEEK)) {
    s->start += n;
    if (s->start == s->end)
      s->start = s->end = 0;
  }
  return 1;
}

/*
 * s:connect(addr) -> nothing | err; with a timeout, ETIMEDOUT once it has
 * passed, and the connect is then finished, not under way.
 */
static int sock_connect(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);

  if (s->timeout < 0)
    return forward_with(L, lua_upvalueindex(1), FWD_METHOD);
  return llsocket__status(L, llsock_connect_timeout(
                                     s->fd, llsocket__checkaddr(L, 2),
                                     s->timeout));
}

/* ---- sendall and receive ------------------------------------------------ */

/*
 * s:sendall(data) -> #data | nil, err, again, sent
 * Sends all of data, however many writes it takes; on failure the fourth
 * result says how many bytes went out before it.
 */
static int sock_sendall(lua_State *L) {
  llsocket_sock *s = check_open(L, 1);
  size_t len, sent = 0;
  const char *data = luaL_checklstring(L, 2, &len);
  double deadline = -1;
  ssize_t n;
  int rc;

  while (sent < len) {
    n = llsock_send(s->fd, data + sent, len - sent, 0);
    if (n >= 0) {
      sent += (size_t)n;
      continue;
    }
    if (n == -EAGAIN && s->timeout >= 0) {
      if (deadline < 0)
        deadline = deadline_of(s);
      rc = wait_ready(s, WAIT_WRITE, deadline);
      if (rc > 0)
        continue;
      n = rc == 0 ? -ETIMEDOUT : rc;
    }
    llsocket__ioresult(L, (int)n);
    lua_pushinteger(L, (lua_Integer)sent);
    return 4;
  }
  lua_pushinteger(L, (lua_Integer)len);
  return 1;
}

/* Room for at least want more bytes at the end of the read buffer. */
static void reserve(lua_State *L, llsocket_sock *s, size_t want) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  size_t used = buffered(s), size;
  char *p;

  if (s->size - s->end >= want)
    return;
  if (s->start > 0) { /* move what is left to the front first */
    memmove(s->buf, s->buf + s->start, used);
    s->start = 0;
    s->end = used;
    if (s->size - s->end >= want)
      return;
  }
  size = s->size > 0 ? s->size : RECEIVE_CHUNK;
  while (size - used < want) {
    if (size > SIZE_MAX / 2)
      luaL_error(L, "receive: too much data to hold");
    size *= 2;
  }
  p = alloc(ud, s->buf, s->size, size);
  if (p == NULL)
    luaL_error(L, "not enough memory");
  s->buf = p;
  s->size = size;
}

/*
 * Reads more into the buffer: the byte count (0 at end of stream), or a
 * negative error.  Waits for the deadline when the object has a timeout.
 */
static ssize_t fill(lua_State *L, llsocket_sock *s, size_t want,
                    double *deadline) {
  ssize_t n;
  int rc;

  reserve(L, s, want);
  for (;;) {
    n = llsock_recv(s->fd, s->buf + s->end, s->size - s->end, 0);
    if (n >= 0) {
      s->end += (size_t)n;
      return n;
    }
    if (n != -EAGAIN || s->timeout < 0)
      return n;
    if (*deadline < 0)
      *deadline = deadline_of(s);
    rc = wait_ready(s, WAIT_READ, *deadline);
    if (rc <= 0)
      return rc == 0 ? -ETIMEDOUT : rc;
  }
}

/* Returns the first n buffered bytes and drops them from the buffer. */
static int take(lua_State *L, llsocket_sock *s, size_t n, size_t skip) {
  if (n + skip == 0) { /* the buffer may not even exist */
    lua_pushliteral(L, "");
    return 1;
  }
  lua_pushlstring(L, s->buf + s->start, n);
  s->start += n + skip;
  if (s->start == s->end)
    s->start = s->end = 0;
  return 1;
}

/*
 * s:receive(n | "l" | "a") -> data | nil, err, again
 * n: exactly n bytes, or fewer when the stream ends first ("" at its end).
 * "l" ("*l"): the next line without its "\n" (nor a "\r" before it), the
 * last one even without a "\n"; nil at the end of the stream.
 * "a" ("*a"): everything up to the end of the stream.
 * What was read when an error or a timeout strikes stays for the next call.
 */
static int sock_receive(lua_State *L) {
  static const char *const patterns[] = {"l", "*l", "a", "*a", NULL};
  llsocket_sock *s = check_open(L, 1);
  double deadline = -1;
  ssize_t n;

  if (lua_type(L, 2) == LUA_TNUMBER) {
    size_t want = (size_t)llsocket__checkint(L, 2, 0, LLSOCKET_RECV_MAX,
                                             "length");
    while (buffered(s) < want) {
      n = fill(L, s, want - buffered(s), &deadline);
      if (n < 0)
        return llsocket__ioresult(L, (int)n);
      if (n == 0)
        return take(L, s, buffered(s), 0);
    }
    return take(L, s, want, 0);
  }
  if (luaL_checkoption(L, 2, "l", patterns) < 2) {
    size_t scanned = 0;
    for (;;) {
      const char *nl = buffered(s) == scanned ? NULL
                       : memchr(s->buf + s->start + scanned, '\n',
                                buffered(s) - scanned);
      if (nl != NULL) {
        size_t len = (size_t)(nl - (s->buf + s->start));
        size_t cr = len > 0 && s->buf[s->start + len - 1] == '\r';
        return take(L, s, len - cr, 1 + cr);
      }
      scanned = buffered(s);
      n = fill(L, s, RECEIVE_CHUNK, &deadline);
      if (n < 0)
        return llsocket__ioresult(L, (int)n);
      if (n == 0) {
        if (buffered(s) == 0) {
          lua_pushnil(L);
          return 1;
        }
        return take(L, s, buffered(s), 0);
      }
    }
  }
  for (;;) {
    n = fill(L, s, RECEIVE_CHUNK, &deadline);
    if (n < 0)
      return llsocket__ioresult(L, (int)n);
    if (n == 0)
      return take(L, s, buffered(s), 0);
  }
}

/* ---- constructors ------------------------------------------------------- */

/* llsocket.wrap(fd) -> s | nil, err: s owns fd from now on */
static int sock_wrap(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  llsocket_sock *s = new_sock(L);
  uint64_t id;
  int rc = llsock_socket_id(fd, &id);

  if (rc < 0)
    return llsocket__result(L, rc);
  own(s, fd);
  return 1;
}

/*
 * The fd functions that become methods, and what each may wait for.
 * Every function of llsocket.opt becomes one too (none of them waits).
 * recv, accept and connect are listed for their waits; recv also has a
 * method of its own.
 */
#define SOCK_FORWARDED(X)                                                     \
  X(sockname, WAIT_NONE)                                                      \
  X(peername, WAIT_NONE)                                                      \
  X(atmark, WAIT_NONE)                                                        \
  X(type, WAIT_NONE)                                                          \
  X(error, WAIT_NONE)                                                         \
  X(shutdown, WAIT_NONE)                                                      \
  X(listen, WAIT_NONE)                                                        \
  X(bind, WAIT_NONE)                                                          \
  X(peercred, WAIT_NONE)                                                      \
  X(getsockopt, WAIT_NONE)                                                    \
  X(setsockopt, WAIT_NONE)                                                    \
  X(readable, WAIT_NONE)                                                      \
  X(writable, WAIT_NONE)                                                      \
  X(recvfrom, WAIT_READ)                                                      \
  X(recvmsg, WAIT_READ)                                                       \
  X(recvfds, WAIT_READ)                                                       \
  X(recvmmsg, WAIT_READ)                                                      \
  X(send, WAIT_WRITE)                                                         \
  X(sendto, WAIT_WRITE)                                                       \
  X(sendmsg, WAIT_WRITE)                                                      \
  X(sendfds, WAIT_WRITE)                                                      \
  X(sendmmsg, WAIT_WRITE)                                                     \
  X(sendfile, WAIT_WRITE)

/* The constructors, named as the fd functions they mirror. */
static void open_constructors(lua_State *L, int module) {
  lua_createtable(L, 0, 4);
  lua_createtable(L, 0, 2);
  lua_getfield(L, module, "inet");
  set_forwarder(L, -2, lua_gettop(L), "bind", FWD_WRAP1);
  set_forwarder(L, -2, lua_gettop(L), "connect", FWD_WRAP1);
  lua_pop(L, 1);
  lua_setfield(L, -2, "inet");
  lua_createtable(L, 0, 2);
  lua_getfield(L, module, "unix");
  set_forwarder(L, -2, lua_gettop(L), "bind", FWD_WRAP1);
  set_forwarder(L, -2, lua_gettop(L), "connect", FWD_WRAP1);
  lua_pop(L, 1);
  lua_setfield(L, -2, "unix");
  set_forwarder(L, -1, module, "socket", FWD_WRAP1);
  set_forwarder(L, -1, module, "socketpair", FWD_WRAP2);
}

static void open_methods(lua_State *L, int module) {
  static const luaL_Reg own_methods[] = {
    {"fd", sock_fd},
    {"unwrap", sock_unwrap},
    {"close", sock_close},
    {"settimeout", sock_settimeout},
    {"gettimeout", sock_gettimeout},
    {"sendall", sock_sendall},
    {"receive", sock_receive},
    {NULL, NULL}
  };
  int methods;

  lua_createtable(L, 0, 64);
  methods = lua_gettop(L);
  luaL_setfuncs(L, own_methods, 0);
#define X(name, wait) set_forwarder(L, methods, module, #name, FWD_METHOD | wait);
  SOCK_FORWARDED(X)
#undef X
  set_forwarder(L, methods, module, "accept", FWD_METHOD | WAIT_READ | FWD_WRAP1);
  set_forwarder(L, methods, module, "acceptInherits",
                FWD_METHOD | WAIT_READ | FWD_WRAP1);
  lua_getfield(L, module, "recv");
  lua_pushcclosure(L, sock_recv, 1);
  lua_setfield(L, methods, "recv");
  lua_getfield(L, module, "connect");
  lua_pushcclosure(L, sock_connect, 1);
  lua_setfield(L, methods, "connect");
  /* every option, as s:nodelay(true) */
  lua_getfield(L, module, "opt");
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TFUNCTION) {
      lua_pushvalue(L, -2);
      lua_rawget(L, methods);
      if (lua_isnil(L, -1))
        set_forwarder(L, methods, -4, lua_tostring(L, -3), FWD_METHOD);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* Sets llsocket.sock and llsocket.wrap in the module table at the top. */
void llsocket__open_sock(lua_State *L) {
  static const luaL_Reg metamethods[] = {
    {"__gc", sock_gc},
    {"__close", sock_gc},
    {"__tostring", sock_tostring},
    {"__index", NULL},
    {NULL, NULL}
  };
  int module = lua_gettop(L);

  luaL_newmetatable(L, SOCK_MT);
  luaL_setfuncs(L, metamethods, 0);
  open_methods(L, module);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  open_constructors(L, module);
  lua_setfield(L, module, "sock");
  lua_pushcfunction(L, sock_wrap);
  lua_setfield(L, module, "wrap");
}
