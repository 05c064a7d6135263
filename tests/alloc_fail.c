/*
 * Runs a representative llsocket script in a Lua state whose allocator
 * fails at the N-th allocation, for every N until the script runs through:
 * once with only that allocation failing (Lua collects garbage and tries
 * again, so a run often goes on), once with it and every later one
 * failing.  Each run must end in success or in a clean "not enough memory"
 * error, free all the memory Lua took, and leave no descriptor open.
 *
 * Every llsocket call in the script goes through call(), which compares
 * the open descriptors before and after: a call that fails must not leave
 * a new one behind (that would be a leak inside llsocket), while one that
 * succeeds hands its new ones to the script, and they are closed after
 * the run whatever happened to the script.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "llsocket.h"

/* Descriptors probed; the script never holds more. */
#define FD_LIMIT 64

typedef struct budget {
  long count;      /* allocations so far */
  long fail_at;    /* the first one to fail; 0 for none */
  int fail_after;  /* every later one fails too */
  size_t in_use;   /* bytes Lua holds */
} budget;

typedef struct fdset {
  uint64_t bits;
} fdset;

static fdset owned;      /* handed to the script by a successful call */
static int leaks_in_errors;

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  budget *b = ud;
  size_t old = ptr != NULL ? osize : 0;
  void *p;

  if (nsize == 0) {
    free(ptr);
    b->in_use -= old;
    return NULL;
  }
  if (nsize > old) {
    b->count++;
    if (b->fail_at > 0 &&
        (b->count == b->fail_at || (b->fail_after && b->count > b->fail_at)))
      return NULL;
  }
  p = realloc(ptr, nsize);
  if (p != NULL)
    b->in_use += nsize - old;
  return p;
}

static fdset open_fds(void) {
  fdset s = {0};

  for (int fd = 0; fd < FD_LIMIT; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      s.bits |= (uint64_t)1 << fd;
  return s;
}

/* call(f, ...) -> f(...), bookkeeping the descriptors f opened. */
static int call(lua_State *L) {
  fdset before = open_fds(), after;
  lua_Debug ar;
  int line = lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)
                 ? ar.currentline : 0;
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  uint64_t fresh;

  after = open_fds();
  fresh = after.bits & ~before.bits;
  if (status == LUA_OK) {
    owned.bits |= fresh;
    return lua_gettop(L);
  }
  for (int fd = 0; fd < FD_LIMIT; fd++)
    if (fresh & ((uint64_t)1 << fd)) {
      fprintf(stderr, "fd %d left open by the call on line %d: %s\n", fd,
              line, lua_tostring(L, -1));
      leaks_in_errors++;
      close(fd);
    }
  return lua_error(L);
}

static const char script[] =
    "local l = llsocket\n"
    "local o = l.opt\n"
    "local a, b = call(l.socketpair, o.SOCK_DGRAM)\n"
    "call(l.sendmsg, a, {'x', 'y', 'z'}, nil, nil)\n"
    "local m = call(l.recvmsg, b, {1, 1, 1})\n"
    "assert(table.concat(m.data) == 'xyz')\n"
    "call(l.sendfds, a, 'f', {a, b})\n"
    "m = call(l.recvmsg, b, 10, 64)\n"
    "for _, fd in ipairs(m.fds) do call(l.close, fd) end\n"
    "local into = {}\n"
    "for i = 1, 2 do\n"
    "  call(l.sendfds, a, 'r', {a, b})\n"
    "  assert(call(l.recvmsg, b, {4, 4}, 64, into) == into)\n"
    "  for _, fd in ipairs(into.fds) do call(l.close, fd) end\n"
    "end\n"
    "call(l.sendfds, a, 'g', {a})\n"
    "local s, fds = call(l.recvfds, b, 10, 3)\n"
    "call(l.close, fds[1])\n"
    "local u1 = call(l.inet.bind, '127.0.0.1', 0, o.SOCK_DGRAM)\n"
    "local u2 = call(l.inet.bind, '127.0.0.1', 0, o.SOCK_DGRAM)\n"
    "local to = call(l.sockname, u2)\n"
    "local batch = {}\n"
    "for i = 1, 20 do batch[i] = {string.rep('d', i), to} end\n"
    "assert(call(l.sendmmsg, u1, batch) == 20)\n"
    "local datas, addrs = call(l.recvmmsg, u2, 20, 64)\n"
    "assert(#datas == 20 and addrs[20] == addrs[1])\n"
    "local list = call(l.getaddrinfo, '127.0.0.1', 80, o.SOCK_STREAM, nil,\n"
    "                  o.AI_NUMERICHOST)\n"
    "assert(tostring(list[1]) == '127.0.0.1:80')\n"
    "local six = call(l.addr.inet, '::1', 53)\n"
    "local info = call(six.info, six, o.NI_NUMERICHOST, o.NI_NUMERICSERV)\n"
    "assert(info.host == '::1')\n"
    "assert(tostring(call(l.addr.unix, '\\0alloc-test')) ~= '')\n"
    "assert(call(l.recv, a, 100, o.MSG_DONTWAIT) == nil)\n"
    "for _, fd in ipairs({a, b, u1, u2}) do call(l.close, fd) end\n";

static int run(lua_State *L) {
  luaL_openlibs(L);
  luaL_requiref(L, "llsocket", luaopen_llsocket, 1);
  lua_pushcfunction(L, call);
  lua_setglobal(L, "call");
  if (luaL_loadbuffer(L, script, sizeof(script) - 1, "=script") != LUA_OK)
    return lua_error(L);
  lua_call(L, 0, 0);
  return 0;
}

/* One run failing at allocation fail_at; 1 when the script ran through,
 * 0 when it stopped cleanly, -1 on a defect. */
static int run_once(long fail_at, int fail_after, fdset baseline) {
  budget b = {0, fail_at, fail_after, 0};
  lua_State *L = lua_newstate(limited_alloc, &b);
  int status, result;
  const char *msg = NULL;

  if (L == NULL)
    return 0;
  owned.bits = 0;
  lua_pushcfunction(L, run);
  status = lua_pcall(L, 0, 0, 0);
  if (status != LUA_OK)
    msg = lua_tostring(L, -1);
  if (status == LUA_OK) {
    result = 1;
  } else if (status == LUA_ERRMEM && msg != NULL &&
             strcmp(msg, "not enough memory") == 0) {
    result = 0;
  } else {
    fprintf(stderr, "allocation %ld%s: status %d, error %s\n", fail_at,
            fail_after ? " and after" : "", status, msg ? msg : "(none)");
    result = -1;
  }
  lua_close(L);
  for (int fd = 0; fd < FD_LIMIT; fd++)
    if (owned.bits & ((uint64_t)1 << fd))
      close(fd);
  if (open_fds().bits != baseline.bits) {
    fprintf(stderr, "allocation %ld%s: descriptors leaked\n", fail_at,
            fail_after ? " and after" : "");
    result = -1;
  }
  if (b.in_use != 0) {
    fprintf(stderr, "allocation %ld%s: %zu bytes still held after close\n",
            fail_at, fail_after ? " and after" : "", b.in_use);
    result = -1;
  }
  return result;
}

int main(void) {
  fdset baseline = open_fds();
  long n, runs = 0;
  int defects = 0, done = 0;

  if (run_once(0, 0, baseline) != 1) {
    fprintf(stderr, "the script fails with no allocation failing\n");
    return 1;
  }
  for (n = 1; !done && n < 1000000; n++) {
    for (int after = 0; after <= 1; after++) {
      int r = run_once(n, after, baseline);
      runs++;
      if (r < 0)
        defects++;
      else if (r == 1 && after)
        done = 1; /* the script no longer reaches allocation n */
    }
  }
  printf("%ld runs, failing each of %ld allocations: %d defects, %d fds "
         "left by failed calls\n",
         runs, n - 1, defects, leaks_in_errors);
  return defects == 0 && leaks_in_errors == 0 ? 0 : 1;
}
