/* Private helpers shared by the llsocket binding sources; lualib/aux.c
 * defines the argument checks, result shapes and addr userdata. */
#ifndef LLSOCKET_INT_H
#define LLSOCKET_INT_H

#include "config.h"

#include <lauxlib.h>
#include <lua.h>

#include "llsock.h"
#include "llsocket.h"

#define LLSOCKET_ADDR_MT "llsocket.addr"
/* recv()'s default length; receives up to it need no buffer allocation */
#define LLSOCKET_RECV_DEFAULT 4096
/* the largest length recv() accepts: a bigger one is a caller's bug */
#define LLSOCKET_RECV_MAX (16 * 1024 * 1024)

/* Argument checks: each raises a Lua error on misuse. */
int llsocket__checkfd(lua_State *L, int arg);
int llsocket__checkint(lua_State *L, int arg, lua_Integer min,
                       lua_Integer max, const char *what);
/* The same for a range wider than int. */
lua_Integer llsocket__checkinteger(lua_State *L, int arg, lua_Integer min,
                                   lua_Integer max, const char *what);
/* A string for C, which cannot carry a NUL byte: one inside is a Lua error
 * naming what the argument is ("host contains a NUL byte"). */
const char *llsocket__checkcstring(lua_State *L, int arg, const char *what);
/* A port given as an integer 0..65535, a string (numeric or a service
 * name) or nil/none (NULL); integers are written into buf. */
#define LLSOCKET_PORTBUFSIZ 8
const char *llsocket__optport(lua_State *L, int arg,
                              char buf[LLSOCKET_PORTBUFSIZ]);
/* A receive length: LLSOCKET_RECV_DEFAULT for nil/none, else 1..MAX. */
size_t llsocket__optlen(lua_State *L, int arg);
/* A host name or address: a string, or nil/none for NULL.  A number is
 * refused: 127 would otherwise quietly mean 0.0.0.127. */
const char *llsocket__opthost(lua_State *L, int arg);
/* A unix socket path: a string (its length counts, for abstract names);
 * a number is refused rather than made into a relative path. */
const char *llsocket__checkpath(lua_State *L, int arg, size_t *len);
/* A boolean, or nil/none for false. */
int llsocket__optboolean(lua_State *L, int arg);
/* The integer arguments from first to the top, OR-ed together; a nil
 * among them is an absent flag. */
int llsocket__optflags(lua_State *L, int first);

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
} llsocket_addr;

/* Address userdata. */
llsock_addr *llsocket__newaddr(lua_State *L);
llsock_addr *llsocket__checkaddr(lua_State *L, int arg);
/* A copy of *addr as a new userdata, or nil for an empty address. */
void llsocket__pushaddr(lua_State *L, const llsock_addr *addr);
/* The same two for hot paths that hold the addr metatable at stack index
 * mt (an upvalue): no registry lookup by name. */
llsock_addr *llsocket__checkaddr_mt(lua_State *L, int arg, int mt);
/* The addr at stack index idx, or NULL if it is something else. */
llsock_addr *llsocket__toaddr_mt(lua_State *L, int idx, int mt);
void llsocket__pushaddr_mt(lua_State *L, const llsock_addr *addr, int mt);
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
void llsocket__open_unix(lua_State *L);
void llsocket__open_unix_funcs(lua_State *L);

#endif /* LLSOCKET_INT_H */
