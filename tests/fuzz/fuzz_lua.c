/*
 * Fuzz target: the Lua argument layer.  Each input is up to MAX_CALLS
 * calls of llsocket functions (every function of the module and its
 * tables, and the methods of addr, poller and socket objects), each with
 * up to MAX_ARGS arguments decoded from the input: nil holes, booleans,
 * integers and floats of every size and sign, every constant of
 * llsocket.opt alone or or-ed, strings with any bytes (NULs too) and of
 * every length, nested tables, addr objects, a poller, a socket object,
 * functions, threads and foreign userdata.
 *
 * A call may return or raise a Lua error; beyond "no crash, no sanitizer
 * report, no leak", it must not leave a descriptor behind: a call that
 * raises opens none, and every one that a call opens is in its results.
 *
 * Safety, as tests/lua/test_fuzz_args.lua: the calls get fresh
 * non-blocking sockets each round (socketpairs, UDP, unix datagram, a
 * TCP listener and a connected pair, a poller, a socket object wrapping
 * one of them), never a descriptor the process had before (stdio, the
 * fuzzer's own); names are only loopback addresses, abstract unix names
 * of this process and paths in a temporary directory; every wait gets a
 * timeout of at most WAIT_MAX seconds.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "fuzzinput.h"
#include "llsock.h"
#include "llsocket.h"

#define MAX_CALLS 4
#define MAX_ARGS 7
#define MAX_DEPTH 3
#define FD_SCAN 1024
#define NO_FD 1000 /* never open here: a descriptor number that fails */
#define WAIT_MAX 1e-4

enum where { TOP, INET, UNIX, ADDR, OPT, SOCK, SOCK_INET, SOCK_UNIX,
             ADDR_METHOD, POLLER_METHOD, SOCKET_METHOD };
static const char *const tables[] = {"",     "inet",      "unix",
                                     "addr", "opt",       "sock",
                                     "sock.inet", "sock.unix"};
#define IS_TABLE(w) ((w) >= INET && (w) <= SOCK_UNIX)

typedef struct function {
  enum where where;
  char *name;
} function;

static function *functions;
static size_t nfunctions;
static lua_Integer *constants;
static size_t nconstants;
static char tmpdir[64];
static char abstract_prefix[48];
/* One state for every input (opening the module costs more than most
 * rounds): each round leaves its stack empty and its garbage collected,
 * and no call is given a module table it could change. */
static lua_State *shared;
/* LLSOCK_FUZZ_TRACE set: each call and how it ended, on stderr. */
static int trace;

typedef struct fdset {
  uint64_t bits[FD_SCAN / 64];
} fdset;

static fdset foreign; /* open before the first input: never touched */
static struct stat foreign_stat[FD_SCAN];

static int fd_in(const fdset *s, int fd) {
  return fd >= 0 && fd < FD_SCAN && (s->bits[fd / 64] >> fd % 64 & 1);
}

static void fd_add(fdset *s, int fd) {
  s->bits[fd / 64] |= (uint64_t)1 << fd % 64;
}

static int is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}

/* The open descriptors: every foreign one, and the others up to the end
 * of the run of low numbers in use (the kernel hands out the lowest free
 * number, so a call's new descriptors extend that run). */
static fdset open_fds(void) {
  fdset s;
  int gap = 0;

  s = foreign;
  for (int fd = 0; fd < FD_SCAN && gap < 16; fd++) {
    if (fd_in(&foreign, fd))
      continue;
    if (is_open(fd)) {
      fd_add(&s, fd);
      gap = 0;
    } else {
      gap++;
    }
  }
  return s;
}

/* ---- the module's functions, found once ---------------------------------- */

static int compare_functions(const void *a, const void *b) {
  const function *x = a, *y = b;

  return x->where != y->where ? (int)x->where - (int)y->where
                              : strcmp(x->name, y->name);
}

static int compare_integers(const void *a, const void *b) {
  lua_Integer x = *(const lua_Integer *)a, y = *(const lua_Integer *)b;

  return (x > y) - (x < y);
}

/* Adds the functions of the table on top of L (and, for opt, its integer
 * constants). */
static void collect(lua_State *L, enum where where) {
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
      functions = realloc(functions, (nfunctions + 1) * sizeof(*functions));
      if (functions == NULL)
        abort();
      functions[nfunctions].where = where;
      functions[nfunctions++].name = strdup(lua_tostring(L, -2));
    } else if (where == OPT && lua_isinteger(L, -1)) {
      constants = realloc(constants, (nconstants + 1) * sizeof(*constants));
      if (constants == NULL)
        abort();
      constants[nconstants++] = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
  }
}

static void open_module(lua_State *L) {
  luaL_requiref(L, "_G", luaopen_base, 1);
  lua_pop(L, 1);
  luaL_requiref(L, "llsocket", luaopen_llsocket, 1);
}

/* llsocket.<table> (a dotted name for a nested one) onto the stack. */
static void push_module_table(lua_State *L, enum where where) {
  const char *name = tables[where], *dot = strchr(name, '.');

  lua_getglobal(L, "llsocket");
  if (where == TOP)
    return;
  if (dot != NULL) {
    lua_pushlstring(L, name, (size_t)(dot - name));
    lua_gettable(L, -2);
    lua_remove(L, -2);
    name = dot + 1;
  }
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
}

static void remove_tmpdir(void) {
  DIR *dir = opendir(tmpdir);
  struct dirent *entry;
  char path[sizeof(tmpdir) + 260];

  if (dir == NULL)
    return;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, entry->d_name);
    unlink(path);
  }
  closedir(dir);
}

static void remove_tmpdir_at_exit(void) {
  remove_tmpdir();
  rmdir(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  lua_State *L = shared = luaL_newstate();

  (void)argc, (void)argv;
  trace = getenv("LLSOCK_FUZZ_TRACE") != NULL;
  for (int fd = 0; fd < FD_SCAN; fd++)
    if (fstat(fd, &foreign_stat[fd]) == 0)
      fd_add(&foreign, fd);
  if (fd_in(&foreign, NO_FD))
    abort();
  snprintf(tmpdir, sizeof(tmpdir), "/tmp/llsock-fuzz-XXXXXX");
  if (mkdtemp(tmpdir) == NULL)
    abort();
  atexit(remove_tmpdir_at_exit);
  snprintf(abstract_prefix, sizeof(abstract_prefix), "llsock-fuzz-%ld-",
           (long)getpid());

  open_module(L);
  collect(L, TOP);
  for (int w = INET; w <= SOCK_UNIX; w++) {
    push_module_table(L, (enum where)w);
    collect(L, (enum where)w);
    lua_pop(L, 1);
  }
  luaL_getmetatable(L, "llsocket.addr");
  lua_getfield(L, -1, "__index");
  collect(L, ADDR_METHOD);
  lua_pop(L, 2);
  luaL_getmetatable(L, "llsocket.poller");
  lua_getfield(L, -1, "__index");
  collect(L, POLLER_METHOD);
  lua_pop(L, 2);
  luaL_getmetatable(L, "llsocket.socket");
  lua_getfield(L, -1, "__index");
  collect(L, SOCKET_METHOD);
  lua_settop(L, 0);
  if (nfunctions == 0 || nconstants == 0)
    abort();
  qsort(functions, nfunctions, sizeof(*functions), compare_functions);
  qsort(constants, nconstants, sizeof(*constants), compare_integers);
  return 0;
}

/* ---- one round's sockets ------------------------------------------------- */

enum { STREAM_A, STREAM_B, DGRAM_A, DGRAM_B, UDP, UNIX_DGRAM, LISTENER,
       TCP_A, TCP_B, NROUND };

typedef struct arena {
  int fd[NROUND];
  ino_t ino[NROUND];
  int poller;      /* stack index of the poller */
  int sock;        /* stack index of a socket object (over STREAM_A) */
  int first_addr;  /* stack index of the first pool address */
  int naddrs;
  int v4_addr;     /* stack index of 127.0.0.1:9 */
  lua_Integer udp_port, tcp_port;
} arena;

/* Calls llsocket.<where>.<name>(args) from C with n arguments on top. */
static void call_module(lua_State *L, const char *table, const char *name,
                        int nargs, int nresults) {
  lua_getglobal(L, "llsocket");
  if (table != NULL) {
    lua_getfield(L, -1, table);
    lua_remove(L, -2);
  }
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  lua_insert(L, -1 - nargs);
  lua_call(L, nargs, nresults);
}

static lua_Integer port_of(lua_State *L, int fd) {
  lua_Integer port;

  lua_pushinteger(L, fd);
  call_module(L, NULL, "sockname", 1, 1);
  lua_getfield(L, -1, "port");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 1);
  port = lua_tointeger(L, -1);
  lua_pop(L, 2);
  return port;
}

static void setup_round(lua_State *L, arena *r) {
  char path[sizeof(tmpdir) + 8], abstract[sizeof(abstract_prefix) + 1];
  llsock_addr addr;
  int pair[2];
  struct stat st;

  FUZZ_ASSERT(llsock_socketpair(AF_UNIX, SOCK_STREAM, LLSOCK_NONBLOCK, pair) == 0);
  r->fd[STREAM_A] = pair[0], r->fd[STREAM_B] = pair[1];
  FUZZ_ASSERT(llsock_socketpair(AF_UNIX, SOCK_DGRAM, LLSOCK_NONBLOCK, pair) == 0);
  r->fd[DGRAM_A] = pair[0], r->fd[DGRAM_B] = pair[1];
  r->fd[UDP] = llsock_inet_bind("127.0.0.1", "0", SOCK_DGRAM, LLSOCK_NONBLOCK);
  snprintf(path, sizeof(path), "%s/sock", tmpdir);
  unlink(path);
  r->fd[UNIX_DGRAM] = llsock_unix_bind(path, strlen(path), SOCK_DGRAM,
                                        LLSOCK_NONBLOCK);
  r->fd[LISTENER] = llsock_inet_bind("127.0.0.1", "0", SOCK_STREAM,
                                      LLSOCK_NONBLOCK);
  FUZZ_ASSERT(r->fd[LISTENER] >= 0 && llsock_listen(r->fd[LISTENER], 8) == 0);
  FUZZ_ASSERT(llsock_sockname(r->fd[LISTENER], &addr) == 0);
  r->fd[TCP_A] = llsock_socket(AF_INET, SOCK_STREAM, 0, LLSOCK_NONBLOCK);
  FUZZ_ASSERT(r->fd[TCP_A] >= 0);
  llsock_connect(r->fd[TCP_A], &addr);
  r->fd[TCP_B] = llsock_accept_inherit(r->fd[LISTENER], NULL);
  for (int i = 0; i < NROUND; i++) {
    if (i == TCP_B && r->fd[i] < 0) { /* connection not there yet */
      r->fd[i] = NO_FD, r->ino[i] = 0;
      continue;
    }
    FUZZ_ASSERT(r->fd[i] >= 0 && fstat(r->fd[i], &st) == 0);
    r->ino[i] = st.st_ino;
  }

  lua_getglobal(L, "llsocket");
  lua_getfield(L, -1, "poller");
  lua_remove(L, -2);
  lua_call(L, 0, 1);
  r->poller = lua_gettop(L);
  for (int i = 0; i < NROUND; i += 3) {
    lua_getfield(L, r->poller, "add");
    lua_pushvalue(L, r->poller);
    lua_pushinteger(L, r->fd[i]);
    lua_pushinteger(L, 1); /* POLLIN */
    lua_call(L, 3, 0);
  }

  lua_getglobal(L, "llsocket");
  lua_getfield(L, -1, "wrap");
  lua_remove(L, -2);
  lua_pushinteger(L, r->fd[STREAM_A]);
  lua_call(L, 1, 1);
  r->sock = lua_gettop(L);

  r->udp_port = port_of(L, r->fd[UDP]);
  r->tcp_port = port_of(L, r->fd[LISTENER]);
  r->first_addr = lua_gettop(L) + 1;
  lua_pushliteral(L, "127.0.0.1");
  lua_pushinteger(L, 9);
  call_module(L, "addr", "inet", 2, 1);
  r->v4_addr = lua_gettop(L);
  lua_pushliteral(L, "::1");
  lua_pushinteger(L, 9);
  call_module(L, "addr", "inet", 2, 1);
  lua_pushinteger(L, r->fd[UDP]);
  call_module(L, NULL, "sockname", 1, 1);
  lua_pushinteger(L, r->fd[LISTENER]);
  call_module(L, NULL, "sockname", 1, 1);
  lua_pushstring(L, path);
  call_module(L, "addr", "unix", 1, 1);
  abstract[0] = '\0';
  memcpy(abstract + 1, abstract_prefix, strlen(abstract_prefix));
  lua_pushlstring(L, abstract, strlen(abstract_prefix) + 1);
  call_module(L, "addr", "unix", 1, 1);
  lua_pushliteral(L, "");
  call_module(L, "addr", "unix", 1, 1);
  lua_pushinteger(L, 0);
  lua_pushinteger(L, 0);
  call_module(L, "addr", "netlink", 2, 1);
  lua_pushinteger(L, 1);
  lua_pushinteger(L, 9);
  call_module(L, "addr", "vsock", 2, 1);
  r->naddrs = lua_gettop(L) - r->first_addr + 1;
}

/* Whether fd is still the round's socket i, non-blocking; a call that
 * closed it retires it (NO_FD in its place), one that made it blocking
 * is undone. */
static void check_round_fd(arena *r, int i) {
  struct stat st;
  int flags;

  if (r->fd[i] == NO_FD)
    return;
  if (fstat(r->fd[i], &st) != 0 || st.st_ino != r->ino[i]) {
    r->fd[i] = NO_FD;
    return;
  }
  flags = fcntl(r->fd[i], F_GETFL);
  if (flags != -1 && !(flags & O_NONBLOCK))
    fcntl(r->fd[i], F_SETFL, flags | O_NONBLOCK);
}

static int round_fd(const arena *r, int fd) {
  for (int i = 0; i < NROUND; i++)
    if (r->fd[i] == fd && fd != NO_FD)
      return 1;
  return 0;
}

/* ---- decoding values ------------------------------------------------------ */

static const double numbers[] = {
    0, 1, -1, 2, 3, 7, 8, 16, 64, 255, 256, 1024, 1500, 4096, 65507, 65535,
    65536, 1e6, 2147483647.0, 2147483648.0, -2147483648.0, 4294967296.0,
    9007199254740992.0, 0.5, -0.5, 1.5, 1e-9, 1e300, -1e300, -0.0};

static void push_value(lua_State *L, fuzz_input *in, const arena *r,
                       int depth);

static void push_table(lua_State *L, fuzz_input *in, const arena *r,
                       int depth) {
  int n = fuzz_u8(in) % 9;

  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    uint8_t key = fuzz_u8(in);
    if (key < 0xf0) {
      push_value(L, in, r, depth + 1);
      lua_rawseti(L, -2, i);
    } else {
      static const char *const keys[] = {"fds", "segment", "data", "addr",
                                         "flags", "n"};
      push_value(L, in, r, depth + 1);
      lua_setfield(L, -2, keys[key % 6]);
    }
  }
}

static int ignore(lua_State *L) {
  return lua_gettop(L);
}

static void push_value(lua_State *L, fuzz_input *in, const arena *r,
                       int depth) {
  uint8_t tag = fuzz_u8(in);
  size_t len;
  const uint8_t *bytes;

  switch (tag % 20) {
  case 0:
    lua_pushnil(L);
    break;
  case 1:
    lua_pushboolean(L, tag & 0x80);
    break;
  case 2:
    lua_pushinteger(L, (lua_Integer)fuzz_bits(in, 8));
    break;
  case 3:
    lua_pushinteger(L, (int8_t)fuzz_u8(in));
    break;
  case 4: {
    uint64_t bits = fuzz_bits(in, 8);
    double d;
    memcpy(&d, &bits, sizeof(d));
    lua_pushnumber(L, d);
    break;
  }
  case 5: {
    double d = numbers[fuzz_u8(in) % (sizeof(numbers) / sizeof(numbers[0]))];
    if (tag & 0x80)
      lua_pushnumber(L, d);
    else if (d == floor(d) && fabs(d) < 9.3e18)
      lua_pushinteger(L, (lua_Integer)d);
    else
      lua_pushnumber(L, d);
    break;
  }
  case 6:
    lua_pushnumber(L, tag & 0x80 ? (tag & 0x40 ? -HUGE_VAL : HUGE_VAL) : NAN);
    break;
  case 7:
    lua_pushinteger(L, constants[fuzz_bits(in, 2) % nconstants]);
    break;
  case 8: {
    lua_Integer v = 0;
    for (int i = 0; i < 1 + tag % 3; i++)
      v |= constants[fuzz_bits(in, 2) % nconstants];
    lua_pushinteger(L, v);
    break;
  }
  case 9:
  case 10:
    bytes = fuzz_bytes(in, 255, &len);
    lua_pushlstring(L, (const char *)bytes, len);
    break;
  case 11: {
    /* long strings: around the sizes where paths, datagrams and buffers
     * change hands */
    static const size_t sizes[] = {107, 108, 109, 255, 256, 4096, 65507,
                                   65508, 65536, 200000};
    luaL_Buffer b;
    size_t n = sizes[fuzz_u8(in) % 10];
    char c = (char)fuzz_u8(in);
    luaL_buffinitsize(L, &b, n);
    memset(luaL_prepbuffsize(&b, n), c, n);
    luaL_addsize(&b, n);
    luaL_pushresult(&b);
    break;
  }
  case 12:
  case 13:
  case 14: {
    int i = fuzz_u8(in) % NROUND;
    lua_pushinteger(L, r->fd[i]);
    break;
  }
  case 15:
    lua_pushvalue(L, r->first_addr + fuzz_u8(in) % r->naddrs);
    break;
  case 16:
    lua_pushvalue(L, tag & 0x80 ? r->sock : r->poller);
    break;
  case 17:
    if (depth < MAX_DEPTH)
      push_table(L, in, r, depth);
    else
      lua_pushnil(L);
    break;
  case 18:
    lua_pushinteger(L, tag & 0x80 ? NO_FD : -1);
    break;
  default:
    switch (tag >> 6) {
    case 0:
      lua_pushcfunction(L, ignore);
      break;
    case 1:
      lua_newthread(L);
      break;
    case 2:
      lua_newuserdatauv(L, 8, 0);
      break;
    default:
      lua_pushlightuserdata(L, (void *)&functions);
      break;
    }
    break;
  }
}

/* ---- keeping the calls safe ----------------------------------------------- */

/* Whether f is where.name, or forwards to it with the same arguments: a
 * constructor of llsocket.sock to the function it wraps, a method of a
 * socket object to the fd function (the object in the fd's place). */
static int is_name(const function *f, enum where where, const char *name) {
  enum where same = f->where == SOCK_INET   ? INET
                    : f->where == SOCK_UNIX ? UNIX
                    : f->where == SOCK || f->where == SOCKET_METHOD ? TOP
                                                                   : f->where;
  return same == where && strcmp(f->name, name) == 0;
}

/* A descriptor number that names a socket of the process but not of the
 * round (stdio, the fuzzer's, one made by an earlier call, which may
 * block) becomes one that names nothing. */
static void guard_fd(lua_State *L, int idx, const arena *r) {
  lua_Integer v;
  int isnum;

  if (lua_type(L, idx) != LUA_TNUMBER)
    return;
  v = lua_tointegerx(L, idx, &isnum);
  if (!isnum || v < 0 || v > INT32_MAX || round_fd(r, (int)v))
    return;
  if (fd_in(&foreign, (int)v) || is_open((int)v)) {
    lua_pushinteger(L, NO_FD);
    lua_replace(L, idx);
  }
}

static void guard_fds_in_table(lua_State *L, int idx, const arena *r,
                               int depth) {
  if (lua_type(L, idx) != LUA_TTABLE || depth > MAX_DEPTH)
    return;
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    if (lua_type(L, -1) == LUA_TTABLE) {
      guard_fds_in_table(L, -1, r, depth + 1);
    } else {
      guard_fd(L, lua_gettop(L), r);
      lua_pushvalue(L, -2);
      lua_pushvalue(L, -2);
      lua_rawset(L, idx);
    }
    lua_pop(L, 1);
  }
}

/* Only loopback: a name would reach for DNS, another address could send
 * traffic off the machine. */
static void guard_host(lua_State *L, int idx) {
  size_t len;
  const char *s;

  if (lua_type(L, idx) != LUA_TSTRING)
    return;
  s = lua_tolstring(L, idx, &len);
  if (strcmp(s, "127.0.0.1") == 0 || strcmp(s, "::1") == 0 || s[0] == '\0')
    return; /* these, and these with a NUL and anything after it */
  if (len > strlen(s))
    lua_pushlstring(L, "127.0.0.1\0x", 11);
  else
    lua_pushliteral(L, "127.0.0.1");
  lua_replace(L, idx);
}

/* A port to connect to: only the round's own. */
static void guard_port(lua_State *L, int idx, lua_Integer port) {
  int type = lua_type(L, idx);
  size_t len;

  if (type == LUA_TNUMBER) {
    lua_pushinteger(L, port);
    lua_replace(L, idx);
  } else if (type == LUA_TSTRING) {
    const char *s = lua_tolstring(L, idx, &len);
    if (len > strlen(s))
      lua_pushfstring(L, "%I%c", port, 0);
    else
      lua_pushfstring(L, "%I", port);
    lua_replace(L, idx);
  }
}

/* Unix paths: abstract names under this process's prefix, other paths in
 * the temporary directory, whatever their bytes and length. */
static void guard_path(lua_State *L, int idx) {
  luaL_Buffer b;
  size_t len;
  const char *s;

  if (lua_type(L, idx) != LUA_TSTRING)
    return;
  s = lua_tolstring(L, idx, &len);
  if (len == 0)
    return;
  luaL_buffinit(L, &b);
  if (s[0] == '\0') {
    luaL_addchar(&b, '\0');
    luaL_addstring(&b, abstract_prefix);
    luaL_addlstring(&b, s + 1, len - 1);
  } else {
    luaL_addstring(&b, tmpdir);
    luaL_addchar(&b, '/');
    for (size_t i = 0; i < len; i++)
      luaL_addchar(&b, s[i] == '/' ? '_' : s[i]);
  }
  luaL_pushresult(&b);
  lua_replace(L, idx);
}

/* A wait with no timeout, or a long one, gets a short one. */
static void guard_wait(lua_State *L, int idx) {
  if (lua_isnil(L, idx) ||
      (lua_type(L, idx) == LUA_TNUMBER &&
       !isnan(lua_tonumber(L, idx)) &&
       (lua_tonumber(L, idx) < 0 || lua_tonumber(L, idx) > WAIT_MAX))) {
    lua_pushnumber(L, lua_type(L, idx) == LUA_TNUMBER ? WAIT_MAX : 0);
    lua_replace(L, idx);
  }
}

/* getnameinfo of an IPv6 loopback address would ask DNS (the hosts file
 * may not name ::1): the IPv4 one instead. */
static void guard_nameinfo(lua_State *L, int idx, const arena *r) {
  void *ud = luaL_testudata(L, idx, "llsocket.addr");

  if (ud == NULL)
    return;
  if (llsock_addr_family((llsock_addr *)ud) != AF_INET) {
    lua_pushvalue(L, r->v4_addr);
    lua_replace(L, idx);
  }
}

/* Rewrites the arguments (at base+1 .. base+n) that would be unsafe. */
static void make_safe(lua_State *L, const function *f, int base, int n,
                      const arena *r) {
#define ARG(i) (base + (i))
  guard_fd(L, ARG(1), r);
  if (f->where == POLLER_METHOD || is_name(f, TOP, "sendfile"))
    guard_fd(L, ARG(2), r);
  if (is_name(f, TOP, "sendfds") || is_name(f, TOP, "sendmsg") ||
      is_name(f, TOP, "sendmmsg"))
    for (int i = 1; i <= n; i++)
      guard_fds_in_table(L, ARG(i), r, 0);
  if (is_name(f, TOP, "getaddrinfo") || is_name(f, INET, "bind") ||
      is_name(f, INET, "connect"))
    guard_host(L, ARG(1));
  if (is_name(f, INET, "connect"))
    guard_port(L, ARG(2),
               lua_tointeger(L, ARG(3)) == SOCK_DGRAM ? r->udp_port
                                                      : r->tcp_port);
  if (is_name(f, UNIX, "bind") || is_name(f, UNIX, "connect"))
    guard_path(L, ARG(1));
  if (is_name(f, TOP, "getnameinfo") || is_name(f, ADDR_METHOD, "info"))
    guard_nameinfo(L, ARG(1), r);
  if (is_name(f, TOP, "sleep"))
    guard_wait(L, ARG(1));
  if (is_name(f, TOP, "readable") || is_name(f, TOP, "writable") ||
      is_name(f, POLLER_METHOD, "wait"))
    guard_wait(L, ARG(2));
  if (is_name(f, INET, "connect"))
    guard_wait(L, ARG(6));
  if (f->where == SOCKET_METHOD && strcmp(f->name, "settimeout") == 0)
    guard_wait(L, ARG(2));
  if (is_name(f, UNIX, "connect"))
    guard_wait(L, ARG(4));
#undef ARG
}

/* The arguments a wait needs explicitly (a missing one waits for ever). */
static int wait_arity(const function *f) {
  if (is_name(f, TOP, "sleep"))
    return 1;
  if (is_name(f, TOP, "readable") || is_name(f, TOP, "writable") ||
      is_name(f, POLLER_METHOD, "wait"))
    return 2;
  if (is_name(f, UNIX, "connect"))
    return 4;
  if (is_name(f, INET, "connect"))
    return 6;
  return 0;
}

/* ---- running the calls ---------------------------------------------------- */

/* Marks each descriptor named in the results (integers, in tables too,
 * and a poller's own) as handed over. */
static void mark_results(lua_State *L, int idx, fdset *handed, int depth) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx) && lua_tointeger(L, idx) >= 0 &&
        lua_tointeger(L, idx) < FD_SCAN)
      fd_add(handed, (int)lua_tointeger(L, idx));
    break;
  case LUA_TTABLE:
    if (depth >= 4)
      break;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
      mark_results(L, -1, handed, depth + 1);
      mark_results(L, -2, handed, depth + 1);
      lua_pop(L, 1);
    }
    break;
  case LUA_TUSERDATA:
    if (luaL_testudata(L, idx, "llsocket.poller") != NULL ||
        luaL_testudata(L, idx, "llsocket.socket") != NULL) {
      lua_getfield(L, idx, "fd");
      lua_pushvalue(L, idx);
      lua_call(L, 1, 1);
      mark_results(L, -1, handed, depth + 1);
      lua_pop(L, 1);
    }
    break;
  default:
    break;
  }
}

static void check_foreign(void) {
  struct stat st;

  for (int fd = 0; fd < FD_SCAN; fd++)
    if (fd_in(&foreign, fd) &&
        (fstat(fd, &st) != 0 || st.st_ino != foreign_stat[fd].st_ino ||
         st.st_dev != foreign_stat[fd].st_dev))
      fuzz_fail(__FILE__, __LINE__, "a call reached a descriptor it was "
                                    "never given");
}

static void one_call(lua_State *L, fuzz_input *in, arena *r) {
  const function *f = &functions[fuzz_bits(in, 2) % nfunctions];
  int base, n = fuzz_u8(in) % (MAX_ARGS + 1), status, nresults;
  fdset before, after, handed;

  if (IS_TABLE(f->where) || f->where == TOP) {
    push_module_table(L, f->where);
  } else {
    luaL_getmetatable(L, f->where == ADDR_METHOD     ? "llsocket.addr"
                         : f->where == POLLER_METHOD ? "llsocket.poller"
                                                     : "llsocket.socket");
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
  }
  lua_getfield(L, -1, f->name);
  lua_remove(L, -2);
  base = lua_gettop(L);
  if (n < wait_arity(f))
    n = wait_arity(f);
  for (int i = 1; i <= n; i++) {
    if (i == 1 && f->where >= ADDR_METHOD && fuzz_u8(in) < 0xe0) {
      if (f->where == POLLER_METHOD)
        lua_pushvalue(L, r->poller);
      else if (f->where == SOCKET_METHOD)
        lua_pushvalue(L, r->sock);
      else
        lua_pushvalue(L, r->first_addr + fuzz_u8(in) % r->naddrs);
    } else {
      push_value(L, in, r, 0);
    }
  }
  make_safe(L, f, base, n, r);

  before = open_fds();
  status = lua_pcall(L, n, LUA_MULTRET, 0);
  after = open_fds();
  nresults = lua_gettop(L) - base + 1;
  if (trace)
    fprintf(stderr, "%d %s(%d arguments): %s\n", f->where, f->name, n,
            status == LUA_OK ? "returned" : lua_tostring(L, -1));
  memset(&handed, 0, sizeof(handed));
  if (status == LUA_OK)
    for (int i = 0; i < nresults; i++) {
      mark_results(L, base + i, &handed, 0);
      if (lua_type(L, base + i) == LUA_TUSERDATA) {
        luaL_tolstring(L, base + i, NULL);
        lua_pop(L, 1);
      }
    }
  for (int fd = 0; fd < FD_SCAN; fd++)
    if (fd_in(&after, fd) && !fd_in(&before, fd) && !fd_in(&handed, fd)) {
      fprintf(stderr, "llsocket.%s%s%s: fd %d left open (%s)\n",
              IS_TABLE(f->where) ? tables[f->where] : "",
              IS_TABLE(f->where) ? "." : "", f->name, fd,
              status == LUA_OK ? "not in the results" : lua_tostring(L, -1));
      abort();
    }
  lua_settop(L, base - 1);
  check_foreign();
  for (int i = 0; i < NROUND; i++)
    check_round_fd(r, i);
}

static void close_round(arena *r) {
  struct linger off = {0, 0};

  for (int i = 0; i < NROUND; i++)
    if (r->fd[i] != NO_FD) {
      /* a call may have set a linger time: closing must not wait */
      setsockopt(r->fd[i], SOL_SOCKET, SO_LINGER, &off, sizeof(off));
      close(r->fd[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = {data, size};
  lua_State *L = shared;
  int calls = 1 + fuzz_u8(&in) % MAX_CALLS;
  /* open before the round: the fuzzer's and the sanitizer's own (its
   * symbolizer's pipes open lazily), never touched */
  fdset before = open_fds(), left;
  arena r;

  setup_round(L, &r);
  for (int i = 0; i < calls && in.left > 0; i++)
    one_call(L, &in, &r);
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT);
  close_round(&r);
  /* everything the calls made and handed over (the results are gone with
   * the state) */
  left = open_fds();
  for (int fd = 0; fd < FD_SCAN; fd++)
    if (fd_in(&left, fd) && !fd_in(&before, fd))
      close(fd);
  remove_tmpdir();
  return 0;
}
