#include "llsocket-int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define POLLER_MT "llsocket.poller"
/* p:wait()'s default for how many events one call returns */
#define WAIT_DEFAULT_MAX 256

/* Event bits: 0..0xFFFFFFFF, as the C API's unsigned int. */
static unsigned int check_events(lua_State *L, int arg) {
  return (unsigned int)llsocket__checkinteger(L, arg, 0, 0xFFFFFFFF, "events");
}

/* clock() -> seconds on a monotonic clock */
static int l_clock(lua_State *L) {
  lua_pushnumber(L, (lua_Number)llsock_clock());
  return 1;
}

/* sleep(seconds) -> nothing | err */
static int l_sleep(lua_State *L) {
  lua_Number sec;

  luaL_argexpected(L, lua_type(L, 1) == LUA_TNUMBER, 1, "number");
  sec = lua_tonumber(L, 1);
  luaL_argcheck(L, sec >= 0 && sec < HUGE_VAL, 1,
                "seconds must be finite and >= 0");
  return llsocket__status(L, llsock_sleep((double)sec));
}

/* (fd [, timeout]) -> true | false on timeout | nil, err */
static int wait_for(lua_State *L, unsigned int events) {
  int fd = llsocket__checkfd(L, 1);
  int rc = llsock_wait(fd, events, llsocket__opttimeout(L, 2));

  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushboolean(L, rc > 0);
  return 1;
}

static int l_readable(lua_State *L) {
  return wait_for(L, LLSOCK_POLLIN);
}

static int l_writable(lua_State *L) {
  return wait_for(L, LLSOCK_POLLOUT);
}

/* ---- the poller object ---------------------------------------------------- */

/*
 * The result arrays live in the registry (refs) and the event buffer on
 * the Lua allocator, so wait() allocates nothing once warm and every Lua
 * version can hold them.
 */
typedef struct llsocket_poller {
  int fd;               /* -1 once closed */
  int fds_ref;          /* the fds array returned by wait() */
  int events_ref;       /* the events array returned by wait() */
  int filled;           /* entries the last wait() left in both arrays */
  int room;             /* llsock_event slots in buf */
  llsock_event *buf;
} llsocket_poller;

static llsocket_poller *check_poller(lua_State *L) {
  return (llsocket_poller *)luaL_checkudata(L, 1, POLLER_MT);
}

static llsocket_poller *check_open_poller(lua_State *L) {
  llsocket_poller *p = check_poller(L);

  if (p->fd < 0)
    luaL_error(L, "attempt to use a closed poller");
  return p;
}

/* Releases everything the poller holds; safe to call again. */
static int poller_release(lua_State *L, llsocket_poller *p) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  int rc = 0;

  if (p->fd >= 0) {
    rc = llsock_poller_close(p->fd);
    p->fd = -1;
  }
  if (p->buf != NULL) {
    alloc(ud, p->buf, sizeof(*p->buf) * (size_t)p->room, 0);
    p->buf = NULL;
    p->room = 0;
  }
  luaL_unref(L, LUA_REGISTRYINDEX, p->fds_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, p->events_ref);
  p->fds_ref = p->events_ref = LUA_NOREF;
  return rc;
}

/* poller() -> poller | nil, err */
static int l_poller(lua_State *L) {
  llsocket_poller *p = (llsocket_poller *)lua_newuserdata(L, sizeof(*p));
  int fd;

  p->fd = -1;
  p->fds_ref = p->events_ref = LUA_NOREF;
  p->filled = p->room = 0;
  p->buf = NULL;
  luaL_setmetatable(L, POLLER_MT);
  fd = llsock_poller_create();
  if (fd < 0)
    return llsocket__result(L, fd);
  p->fd = fd;
  lua_newtable(L);
  p->fds_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  p->events_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 1;
}

/* EEXIST and ENOENT are the caller's bookkeeping gone wrong: errors. */
static int poller_result(lua_State *L, int fd, int rc) {
  if (rc == -EEXIST)
    return luaL_argerror(
        L, 2, lua_pushfstring(L, "fd %d is already in the poller", fd));
  if (rc == -ENOENT)
    return luaL_argerror(
        L, 2, lua_pushfstring(L, "fd %d is not in the poller", fd));
  return llsocket__status(L, rc);
}

/* p:add(fd, events) -> nothing | err */
static int poller_add(lua_State *L) {
  llsocket_poller *p = check_open_poller(L);
  int fd = llsocket__checkfd(L, 2);
  unsigned int events = check_events(L, 3);

  return poller_result(L, fd, llsock_poller_add(p->fd, fd, events, 0));
}

/* p:modify(fd, events) -> nothing | err */
static int poller_modify(lua_State *L) {
  llsocket_poller *p = check_open_poller(L);
  int fd = llsocket__checkfd(L, 2);
  unsigned int events = check_events(L, 3);

  return poller_result(L, fd, llsock_poller_modify(p->fd, fd, events, 0));
}

/* p:remove(fd) -> nothing | err */
static int poller_remove(lua_State *L) {
  llsocket_poller *p = check_open_poller(L);
  int fd = llsocket__checkfd(L, 2);

  return poller_result(L, fd, llsock_poller_remove(p->fd, fd));
}

/* Room for max events in p->buf, grown on the Lua allocator. */
static void reserve(lua_State *L, llsocket_poller *p, int max) {
  void *ud, *grown;
  lua_Alloc alloc = lua_getallocf(L, &ud);

  if (max <= p->room)
    return;
  grown = alloc(ud, p->buf, sizeof(*p->buf) * (size_t)p->room,
                sizeof(*p->buf) * (size_t)max);
  if (grown == NULL)
    luaL_error(L, "not enough memory");
  p->buf = (llsock_event *)grown;
  p->room = max;
}

/* p:wait([timeout [, max]]) -> n, fds, events | nil, err */
static int poller_wait(lua_State *L) {
  llsocket_poller *p = check_open_poller(L);
  double timeout = llsocket__opttimeout(L, 2);
  int max = lua_isnoneornil(L, 3)
                ? WAIT_DEFAULT_MAX
                : llsocket__checkint(L, 3, 1, LLSOCK_MAX_EVENTS, "max");
  int n, i;

  reserve(L, p, max);
  n = llsock_poller_wait(p->fd, p->buf, max, timeout);
  if (n < 0)
    return llsocket__result(L, n);
  lua_settop(L, 1);
  lua_pushinteger(L, n);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->fds_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->events_ref);
  for (i = 0; i < n; i++) {
    lua_pushinteger(L, p->buf[i].fd);
    lua_rawseti(L, 3, i + 1);
    lua_pushinteger(L, (lua_Integer)p->buf[i].events);
    lua_rawseti(L, 4, i + 1);
  }
  /* what an earlier, longer wait left goes, so #fds == n */
  for (; i < p->filled; i++) {
    lua_pushnil(L);
    lua_rawseti(L, 3, i + 1);
    lua_pushnil(L);
    lua_rawseti(L, 4, i + 1);
  }
  p->filled = n;
  return 3;
}

/* p:fd() -> the epoll fd */
static int poller_fd(lua_State *L) {
  lua_pushinteger(L, check_open_poller(L)->fd);
  return 1;
}

/* p:close() -> nothing | err; closing again does nothing */
static int poller_close(lua_State *L) {
  return llsocket__status(L, poller_release(L, check_poller(L)));
}

static int poller_gc(lua_State *L) {
  poller_release(L, check_poller(L));
  return 0;
}

static int poller_tostring(lua_State *L) {
  llsocket_poller *p = check_poller(L);

  if (p->fd < 0)
    lua_pushliteral(L, "llsocket.poller (closed)");
  else
    lua_pushfstring(L, "llsocket.poller (fd %d)", p->fd);
  return 1;
}

void llsocket__open_poll(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"clock", l_clock},
    {"sleep", l_sleep},
    {"readable", l_readable},
    {"writable", l_writable},
    {"poller", l_poller},
    {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"add", poller_add},
    {"modify", poller_modify},
    {"remove", poller_remove},
    {"wait", poller_wait},
    {"fd", poller_fd},
    {"close", poller_close},
    {NULL, NULL}
  };
  static const luaL_Reg metamethods[] = {
    {"__gc", poller_gc},
    {"__close", poller_gc},
    {"__tostring", poller_tostring},
    {"__index", NULL},
    {NULL, NULL}
  };

  luaL_newmetatable(L, POLLER_MT);
  luaL_setfuncs(L, metamethods, 0);
  luaL_newlib(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
}

/* The event bits, set in the opt table on top of the stack. */
void llsocket__open_poll_constants(lua_State *L) {
  static const struct {
    const char *name;
    unsigned int value;
  } events[] = {
    {"POLLIN", LLSOCK_POLLIN},     {"POLLOUT", LLSOCK_POLLOUT},
    {"POLLERR", LLSOCK_POLLERR},   {"POLLHUP", LLSOCK_POLLHUP},
    {"POLLRDHUP", LLSOCK_POLLRDHUP}, {"POLLET", LLSOCK_POLLET},
    {"POLLONESHOT", LLSOCK_POLLONESHOT},
  };
  size_t i;

  for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
    lua_pushinteger(L, (lua_Integer)events[i].value);
    lua_setfield(L, -2, events[i].name);
  }
}
