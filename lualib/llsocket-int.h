/* Private helpers shared by the llsocket binding sources; lualib/aux.c
 * defines the argument checks, result shapes and addr userdata. */
#ifndef LLSOCKET_INT_H
#define LLSOCKET_INT_H

/* configure's results; the rock (lualib/rock.mk) builds without them */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <lauxlib.h>
#include <lua.h>

#include "compat.h"
#include "llsock.h"
#include "llsocket.h"

#define LLSOCKET_ADDR_MT "llsocket.addr"
/* recv()'s default length; receives up to it need no buffer allocation */
#define LLSOCKET_RECV_DEFAULT 4096
/* the largest length recv() accepts: a bigger one is a caller's bug */
#define LLSOCKET_RECV_MAX (16 * 1024 * 1024)

/*
 * Argument checks: each raises a Lua error on misuse.  The integer ones
 * are inline, two API calls on the path that passes: Lua has no single
 * call that gives an integer and refuses a numeric string, and close("1")
 * is a bug that would otherwise close stdout.  A float with an integer
 * value passes, as luaL_checkinteger lets it.
 */
/* Raises the error an integer argument that failed its check deserves. */
int llsocket__badint(lua_State *L, int arg, const char *what);

static inline lua_Integer llsocket__checkinteger(lua_State *L, int arg,
                                                 lua_Integer min,
                                                 lua_Integer max,
                                                 const char *what) {
  int isint;
  lua_Integer value = lua_tointegerx(L, arg, &isint);

  if (isint && value >= min && value <= max && lua_type(L, arg) == LUA_TNUMBER)
    return value;
  return llsocket__badint(L, arg, what);
}

static inline int llsocket__checkint(lua_State *L, int arg, lua_Integer min,
                                     lua_Integer max, const char *what) {
  return (int)llsocket__checkinteger(L, arg, min, max, what);
}

static inline int llsocket__checkfd(lua_State *L, int arg) {
  return llsocket__checkint(L, arg, 0, INT_MAX, "fd");
}

/* luaL_checklstring in one API call when the argument is a string. */
static inline const char *llsocket__checklstring(lua_State *L, int arg,
                                                 size_t *len) {
  const char *s = lua_tolstring(L, arg, len);

  return s != NULL ? s : luaL_checklstring(L, arg, len);
}
/* A string for C, which cannot carry a NUL byte: one inside is a Lua error
 * naming what the argument is ("host contains a NUL byte"). */
const char *llsocket__checkcstring(lua_State *L, int arg, const char *what);
/* A port given as an integer 0..65535 (returned, *text NULL), a string
 * (numeric or a service name: *text, and -1) or nil/none (-1, NULL). */
int llsocket__optportnum(lua_State *L, int arg, const char **text);
/* The same as text, for getaddrinfo: integers are written into buf. */
#define LLSOCKET_PORTBUFSIZ 8
const char *llsocket__optport(lua_State *L, int arg,
                              char buf[LLSOCKET_PORTBUFSIZ]);
/* A receive length: LLSOCKET_RECV_DEFAULT for nil/none, else 1..MAX. */
static inline size_t llsocket__optlen(lua_State *L, int arg) {
  int isint;
  lua_Integer len = lua_tointegerx(L, arg, &isint);

  if (isint && len >= 1 && len <= LLSOCKET_RECV_MAX &&
      lua_type(L, arg) == LUA_TNUMBER)
    return (size_t)len;
  if (lua_isnoneornil(L, arg))
    return LLSOCKET_RECV_DEFAULT;
  return (size_t)llsocket__badint(L, arg, "length");
}
/* A host name or address: a string, or nil/none for NULL.  A number is
 * refused: 127 would otherwise quietly mean 0.0.0.127. */
const char *llsocket__opthost(lua_State *L, int arg);
/* A unix socket path: a string (its length counts, for abstract names);
 * a number is refused rather than made into a relative path. */
const char *llsocket__checkpath(lua_State *L, int arg, size_t *len);
/* A shutdown how: SHUT_RD, SHUT_WR or SHUT_RDWR. */
int llsocket__checkhow(lua_State *L, int arg);
/* A boolean, or nil/none for false. */
int llsocket__optboolean(lua_State *L, int arg);
/* The integer arguments from first to the top, OR-ed together; a nil
 * among them is an absent flag. */
int llsocket__optflags(lua_State *L, int first);
/* The same for a caller that has read the top: no flags cost nothing. */
static inline int llsocket__flags(lua_State *L, int first, int top) {
  return first > top ? 0 : llsocket__optflags(L, first);
}

/* A timeout in seconds: -1 (for ever) for nil/none or a negative number;
 * NaN and non-numbers are refused. */
double llsocket__opttimeout(lua_State *L, int arg);

/*
 * The result shapes (rc >= 0 is success, a negative rc an llsock code):
 *   value or error:  rc as an integer | nil, err
 *   I/O:             a count | nil, err, again (again: EAGAIN or EWOULDBLOCK)
 * A function whose success is not an integer pushes it itself and calls
 * these for failures only.  Calls that only act return nothing | err.
 */
int llsocket__result(lua_State *L, int rc);
int llsocket__ioresult(lua_State *L, ssize_t n);
int llsocket__status(lua_State *L, int rc);

/*
 * The userdata behind llsocket.addr.  The address comes first, so the
 * userdata pointer is also an llsock_addr pointer.  getaddrinfo results
 * also carry their socket type and protocol (0 when unknown), and the
 * first one may carry the canonical name as its user value.
 */
typedef struct llsocket_addr {
  llsock_addr addr;
  int socktype;
  int protocol;
  int has_canonname; /* whether the user value holds it */
} llsocket_addr;

/* Address userdata. */
llsock_addr *llsocket__newaddr(lua_State *L);
llsock_addr *llsocket__checkaddr(lua_State *L, int arg);
/* A copy of *addr as a new userdata, or nil for an empty address. */
void llsocket__pushaddr(lua_State *L, const llsock_addr *addr);
/* For hot paths that hold the addr metatable at stack index mt (an
 * upvalue), with no registry lookup by name: the addr at stack index idx,
 * or NULL if it is something else. */
llsock_addr *llsocket__toaddr_mt(lua_State *L, int idx, int mt);

/*
 * Hot paths remember the addrs they meet, so that meeting one again costs
 * a comparison: a loop sends to one address or fills one, and a peer sends
 * many messages in a row.  A function keeps an addr in an upvalue of its
 * own (kept), which holds it alive, and what it met last in a block of its
 * own (seen, another upvalue), which holds nothing alive.  An addr is kept
 * only when met twice in a row: keeping every one would make each old in
 * the eyes of a generational collector (an old closure points to it), and
 * old garbage waits for a major collection.
 */
typedef struct llsocket_seen {
  const void *arg;          /* the addr argument last checked; not followed */
  const llsock_addr *kept;  /* the sender kept, or NULL */
  llsock_addr sender;       /* the sender last received */
} llsocket_seen;

/* Pushes a new seen block. */
void llsocket__newseen(lua_State *L);

/*
 * toaddr_mt, and the same raising for another userdata than an addr (NULL
 * for no userdata at all: nil, a number ...), for a hot path that also
 * remembers what it met: the addr in upvalue index kept is
 * known by its pointer alone, which is sound because the upvalue keeps the
 * userdata alive, so no other object can take its memory.  Any other
 * value gets the metatable check.
 */
llsock_addr *llsocket__toaddr_keep(lua_State *L, int idx, int mt, int kept,
                                   int seen);

static inline llsock_addr *llsocket__toaddr_kept(lua_State *L, int idx,
                                                 int mt, int kept, int seen) {
  llsock_addr *addr = lua_touserdata(L, idx);

  if (addr != NULL && addr == lua_touserdata(L, kept))
    return addr;
  return llsocket__toaddr_keep(L, idx, mt, kept, seen);
}

static inline llsock_addr *llsocket__optaddr_kept(lua_State *L, int idx,
                                                  int mt, int kept,
                                                  int seen) {
  llsock_addr *addr = llsocket__toaddr_kept(L, idx, mt, kept, seen);

  if (addr == NULL && lua_touserdata(L, idx) != NULL)
    llsocket__checkaddr(L, idx); /* raises */
  return addr;
}
/* Overwrites the addr u, at stack index idx, with *addr (and no socket
 * type, protocol or canonical name), then pushes it. */
void llsocket__setaddr(lua_State *L, int idx, llsocket_addr *u,
                       const llsock_addr *addr);
void llsocket__pushaddr_mt(lua_State *L, const llsock_addr *addr, int mt);
/*
 * The sender of a received message, pushed: the addr in upvalue index kept
 * when it holds this very address, else a new addr; nil for an empty
 * address.  An addr handed out is shared only while it is equal: one
 * filled with another address since no longer matches.
 */
void llsocket__pushsender(lua_State *L, const llsock_addr *addr, int mt,
                          int kept, int seen);
/* For a batch of messages whose last sender is the new addr on top: it is
 * kept when the batch before ended with the same sender. */
void llsocket__keepsender(lua_State *L, int kept, int seen);
/* getnameinfo(3) of the addr at 1 with the flags from 2 on: the host and
 * service as two strings, or as {host =, service =} if as_table; or
 * nil, err. */
int llsocket__pushnameinfo(lua_State *L, int as_table);

/* Each concern's part of the module, pushed as a table or set in one. */
void llsocket__open_addr(lua_State *L);
void llsocket__open_errors(lua_State *L);
void llsocket__open_inet(lua_State *L);
void llsocket__open_io(lua_State *L);
void llsocket__open_msg(lua_State *L);
void llsocket__open_opt(lua_State *L);
/* The integer constants of llsocket.opt, set in the table on top. */
void llsocket__set_constants(lua_State *L);
void llsocket__open_poll(lua_State *L);
void llsocket__open_poll_constants(lua_State *L);
void llsocket__open_resolver(lua_State *L);
void llsocket__open_sockopt_funcs(lua_State *L);
void llsocket__open_socket(lua_State *L);
/* llsocket.sock and llsocket.wrap, set in the finished module table. */
void llsocket__open_sock(lua_State *L);
void llsocket__open_unix(lua_State *L);
void llsocket__open_unix_funcs(lua_State *L);

#endif /* LLSOCKET_INT_H */
