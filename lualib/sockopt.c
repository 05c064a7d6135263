#include "llsocket-int.h"

#include <limits.h>
#include <netdb.h>

typedef struct int_option {
  const char *name;
  int (*get)(int fd);
  int (*set)(int fd, int value);
  int is_flag; /* boolean in Lua; otherwise a size in bytes */
} int_option;

typedef struct timeout_option {
  const char *name;
  int (*get)(int fd, double *sec);
  int (*set)(int fd, double sec);
} timeout_option;

#define FLAG(name) {#name, llsock_opt_get_##name, llsock_opt_set_##name, 1}
#define SIZE(name) {#name, llsock_opt_get_##name, llsock_opt_set_##name, 0}
static const int_option int_options[] = {
  FLAG(cloexec), FLAG(nonblock), FLAG(nodelay), FLAG(reuseaddr),
  FLAG(broadcast), FLAG(debug), FLAG(keepalive), FLAG(oobinline),
  FLAG(timestamp), SIZE(rcvbuf), SIZE(rcvlowat), SIZE(sndbuf),
  SIZE(sndlowat),
};
#undef FLAG
#undef SIZE

static const timeout_option timeout_options[] = {
  {"rcvtimeo", llsock_opt_get_rcvtimeo, llsock_opt_set_rcvtimeo},
  {"sndtimeo", llsock_opt_get_sndtimeo, llsock_opt_set_sndtimeo},
};

/* opt.<name>(fd [, value]) -> value read back | nil, err */
static int int_option_call(lua_State *L) {
  const int_option *opt = lua_touserdata(L, lua_upvalueindex(1));
  int fd = llsocket__checkfd(L, 1);
  int rc;

  if (!lua_isnoneornil(L, 2)) {
    int value;
    if (opt->is_flag) {
      luaL_checktype(L, 2, LUA_TBOOLEAN);
      value = lua_toboolean(L, 2);
    } else {
      value = llsocket__checkint(L, 2, 0, INT_MAX, "size");
    }
    rc = opt->set(fd, value);
    if (rc < 0)
      return llsocket__pusherror(L, rc);
  }
  rc = opt->get(fd);
  if (rc < 0)
    return llsocket__pusherror(L, rc);
  if (opt->is_flag)
    lua_pushboolean(L, rc);
  else
    lua_pushinteger(L, rc);
  return 1;
}

static int timeout_option_call(lua_State *L) {
  const timeout_option *opt = lua_touserdata(L, lua_upvalueindex(1));
  int fd = llsocket__checkfd(L, 1);
  double sec;
  int rc;

  if (!lua_isnoneornil(L, 2)) {
    sec = (double)luaL_checknumber(L, 2);
    luaL_argcheck(L, sec >= 0 && sec < INT_MAX, 2,
                  "timeout must be 0 or more seconds");
    rc = opt->set(fd, sec);
    if (rc < 0)
      return llsocket__pusherror(L, rc);
  }
  rc = opt->get(fd, &sec);
  if (rc < 0)
    return llsocket__pusherror(L, rc);
  lua_pushnumber(L, (lua_Number)sec);
  return 1;
}

static void set_option_functions(lua_State *L) {
  size_t i;

  for (i = 0; i < sizeof(int_options) / sizeof(int_options[0]); i++) {
    lua_pushlightuserdata(L, (void *)&int_options[i]);
    lua_pushcclosure(L, int_option_call, 1);
    lua_setfield(L, -2, int_options[i].name);
  }
  for (i = 0; i < sizeof(timeout_options) / sizeof(timeout_options[0]); i++) {
    lua_pushlightuserdata(L, (void *)&timeout_options[i]);
    lua_pushcclosure(L, timeout_option_call, 1);
    lua_setfield(L, -2, timeout_options[i].name);
  }
}

static void set_constants(lua_State *L) {
  static const struct {
    const char *name;
    int value;
  } constants[] = {
#define C(name) {#name, name},
    C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_SEQPACKET) C(SOCK_RAW)
    C(SHUT_RD) C(SHUT_WR) C(SHUT_RDWR)
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6) C(AF_UNIX)
    C(NI_NUMERICHOST) C(NI_NUMERICSERV) C(NI_NAMEREQD) C(NI_NOFQDN)
    C(NI_DGRAM) C(SOMAXCONN)
    C(SOL_SOCKET) C(SCM_RIGHTS) C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP)
    C(IPPROTO_UDP)
#ifdef SCM_CREDENTIALS
    C(SCM_CREDENTIALS)
#endif
    C(MSG_OOB) C(MSG_PEEK) C(MSG_DONTROUTE) C(MSG_CTRUNC) C(MSG_TRUNC)
    C(MSG_DONTWAIT) C(MSG_EOR) C(MSG_WAITALL)
#ifdef MSG_NOSIGNAL
    C(MSG_NOSIGNAL)
#endif
#ifdef MSG_MORE
    C(MSG_MORE)
#endif
#ifdef MSG_CONFIRM
    C(MSG_CONFIRM)
#endif
#ifdef MSG_ERRQUEUE
    C(MSG_ERRQUEUE)
#endif
#ifdef MSG_PROXY
    C(MSG_PROXY)
#endif
#ifdef MSG_FIN
    C(MSG_FIN)
#endif
#ifdef MSG_SYN
    C(MSG_SYN)
#endif
#ifdef MSG_RST
    C(MSG_RST)
#endif
#ifdef MSG_WAITFORONE
    C(MSG_WAITFORONE)
#endif
#ifdef MSG_BATCH
    C(MSG_BATCH)
#endif
#ifdef MSG_ZEROCOPY
    C(MSG_ZEROCOPY)
#endif
#ifdef MSG_FASTOPEN
    C(MSG_FASTOPEN)
#endif
#ifdef MSG_CMSG_CLOEXEC
    C(MSG_CMSG_CLOEXEC)
#endif
#ifdef MSG_EOF
    C(MSG_EOF)
#endif
#ifdef MSG_NOTIFICATION
    C(MSG_NOTIFICATION)
#endif
#undef C
  };
  size_t i;

  for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
    lua_pushinteger(L, constants[i].value);
    lua_setfield(L, -2, constants[i].name);
  }
}

void llsocket__open_opt(lua_State *L) {
  lua_createtable(L, 0, 64);
  set_constants(L);
  set_option_functions(L);
}
