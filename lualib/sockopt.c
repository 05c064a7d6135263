#include "llsocket-int.h"

#include <arpa/inet.h>
#include <limits.h>
#include <string.h>

typedef struct int_option {
  const char *name;
  int (*get)(int fd);
  int (*set)(int fd, int value); /* NULL: read only */
  enum llsock_opt_kind kind;
  int min, max;
} int_option;

typedef struct timeout_option {
  const char *name;
  int (*get)(int fd, double *sec);
  int (*set)(int fd, double sec);
} timeout_option;

#define LISTED(name, level, optname, kind, min, max)                     \
  {#name, llsock_opt_get_##name, LLSOCK_OPT_SETTER(name, kind),          \
   LLSOCK_OPT_##kind, min, max},
#define FAMILY_FLAG(name, ipv4, ipv6)                                    \
  {#name, llsock_opt_get_##name, llsock_opt_set_##name,                  \
   LLSOCK_OPT_FLAG, 0, 1},
static const int_option int_options[] = {
  LLSOCK_OPTIONS(LISTED)
  LLSOCK_FAMILY_FLAGS(FAMILY_FLAG)
  /* the fcntl flags */
  {"cloexec", llsock_opt_get_cloexec, llsock_opt_set_cloexec,
   LLSOCK_OPT_FLAG, 0, 1},
  {"nonblock", llsock_opt_get_nonblock, llsock_opt_set_nonblock,
   LLSOCK_OPT_FLAG, 0, 1},
};
#undef FAMILY_FLAG
#undef LISTED

#define TIMEOUT(name, optname) \
  {#name, llsock_opt_get_##name, llsock_opt_set_##name},
static const timeout_option timeout_options[] = {
  LLSOCK_TIMEOUT_OPTIONS(TIMEOUT)
};
#undef TIMEOUT

static void check_writable(lua_State *L, int writable) {
  if (!writable && !lua_isnoneornil(L, 2))
    luaL_argerror(L, 2, "read-only option takes no value");
}

static int is_flag(const int_option *opt) {
  return opt->kind == LLSOCK_OPT_FLAG || opt->kind == LLSOCK_OPT_FLAG_GET;
}

/* The value at arg for opt: a boolean for a flag, else an integer in the
 * option's range, the same range the library checks. */
static int check_value(lua_State *L, int arg, const int_option *opt) {
  int value;

  if (is_flag(opt)) {
    luaL_checktype(L, arg, LUA_TBOOLEAN);
    return lua_toboolean(L, arg);
  }
  value = llsocket__checkint(L, arg, INT_MIN, INT_MAX, opt->name);
  if (LLSOCK_OPT_TAKES(opt->kind, opt->min, opt->max, value))
    return value;
  return luaL_argerror(
      L, arg,
      lua_pushfstring(L, "%s out of range (%d to %d%s)", opt->name, opt->min,
                      opt->max,
                      opt->kind == LLSOCK_OPT_INT_OR_DEFAULT
                          ? ", or -1 for the default"
                          : ""));
}

/* opt.<name>(fd [, value]) -> value read back | nil, err */
static int int_option_call(lua_State *L) {
  const int_option *opt = lua_touserdata(L, lua_upvalueindex(1));
  int fd = llsocket__checkfd(L, 1);
  int rc;

  check_writable(L, opt->set != NULL);
  if (!lua_isnoneornil(L, 2)) {
    rc = opt->set(fd, check_value(L, 2, opt));
    if (rc < 0)
      return llsocket__result(L, rc);
  }
  rc = opt->get(fd);
  if (rc < 0)
    return llsocket__result(L, rc);
  if (is_flag(opt))
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
    luaL_argexpected(L, lua_type(L, 2) == LUA_TNUMBER, 2, "number");
    sec = (double)lua_tonumber(L, 2);
    luaL_argcheck(L, sec >= 0 && sec < INT_MAX, 2,
                  "timeout must be 0 or more seconds");
    rc = opt->set(fd, sec);
    if (rc < 0)
      return llsocket__result(L, rc);
  }
  rc = opt->get(fd, &sec);
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushnumber(L, (lua_Number)sec);
  return 1;
}

/* opt.linger(fd [, seconds | false]) -> seconds | false | nil, err */
static int linger_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int on, sec, rc;

  switch (lua_type(L, 2)) {
  case LUA_TNONE:
  case LUA_TNIL:
    rc = 0;
    break;
  case LUA_TBOOLEAN:
    luaL_argcheck(L, !lua_toboolean(L, 2), 2, "seconds or false expected");
    rc = llsock_opt_set_linger(fd, 0, 0);
    break;
  case LUA_TNUMBER:
    sec = llsocket__checkint(L, 2, 0, INT_MAX, "seconds");
    rc = llsock_opt_set_linger(fd, 1, sec);
    break;
  default:
    return luaL_typeerror(L, 2, "seconds or false");
  }
  if (rc >= 0)
    rc = llsock_opt_get_linger(fd, &on, &sec);
  if (rc < 0)
    return llsocket__result(L, rc);
  if (on)
    lua_pushinteger(L, sec);
  else
    lua_pushboolean(L, 0);
  return 1;
}

/* opt.mark(fd [, mark]) -> mark | nil, err; a mark is 32-bit unsigned */
static int mark_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  unsigned int mark = 0;
  int rc = 0;

  if (!lua_isnoneornil(L, 2)) {
    lua_Integer value;
    luaL_argexpected(L, lua_type(L, 2) == LUA_TNUMBER, 2, "integer");
    value = luaL_checkinteger(L, 2);
    luaL_argcheck(L, value >= 0 && value <= 0xffffffff, 2,
                  "mark out of range");
    rc = llsock_opt_set_mark(fd, (unsigned int)value);
  }
  if (rc >= 0)
    rc = llsock_opt_get_mark(fd, &mark);
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushinteger(L, (lua_Integer)mark);
  return 1;
}

/* opt.bindtodevice(fd [, ifname | ""]) -> ifname | "" | nil, err */
static int bindtodevice_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  char name[LLSOCK_ADDRSTRLEN];
  int rc = 0;

  if (!lua_isnoneornil(L, 2))
    rc = llsock_opt_set_bindtodevice(fd,
                                     llsocket__checkcstring(L, 2, "interface name"));
  if (rc >= 0)
    rc = llsock_opt_get_bindtodevice(fd, name, sizeof(name));
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushlstring(L, name, (size_t)rc);
  return 1;
}

/*
 * An interface argument: nil/none (*out NULL, the kernel's choice), an
 * index, or a name or IPv4 address given as text.  0, or the error of an
 * unknown name.
 */
static int opt_iface(lua_State *L, int arg, llsock_iface *iface,
                     const llsock_iface **out) {
  *out = NULL;
  switch (lua_type(L, arg)) {
  case LUA_TNONE:
  case LUA_TNIL:
    return 0;
  case LUA_TNUMBER:
    memset(iface, 0, sizeof(*iface));
    iface->index =
        (unsigned int)llsocket__checkint(L, arg, 0, INT_MAX,
                                         "interface index");
    *out = iface;
    return 0;
  case LUA_TSTRING:
    *out = iface;
    return llsock_iface_parse(iface, llsocket__checkcstring(L, arg, "interface"));
  default:
    return luaL_typeerror(L, arg, "interface name, address or index");
  }
}

/* opt.multicast_if(fd [, iface]) -> address (IPv4) | index (IPv6) */
static int multicast_if_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  llsock_iface iface;
  const llsock_iface *chosen;
  char text[INET_ADDRSTRLEN];
  int rc = 0;

  if (!lua_isnoneornil(L, 2)) {
    rc = opt_iface(L, 2, &iface, &chosen);
    if (rc >= 0)
      rc = llsock_opt_set_multicast_if(fd, chosen);
  }
  if (rc >= 0)
    rc = llsock_opt_get_multicast_if(fd, &iface);
  if (rc < 0)
    return llsocket__result(L, rc);
  if (rc == AF_INET6)
    lua_pushinteger(L, (lua_Integer)iface.index);
  else
    lua_pushstring(L, inet_ntop(AF_INET, &iface.addr, text, sizeof(text)));
  return 1;
}

static const char *const tcp_states[] = {
  [LLSOCK_TCP_ESTABLISHED] = "ESTABLISHED",
  [LLSOCK_TCP_SYN_SENT] = "SYN_SENT",
  [LLSOCK_TCP_SYN_RECV] = "SYN_RECV",
  [LLSOCK_TCP_FIN_WAIT1] = "FIN_WAIT1",
  [LLSOCK_TCP_FIN_WAIT2] = "FIN_WAIT2",
  [LLSOCK_TCP_TIME_WAIT] = "TIME_WAIT",
  [LLSOCK_TCP_CLOSE] = "CLOSE",
  [LLSOCK_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
  [LLSOCK_TCP_LAST_ACK] = "LAST_ACK",
  [LLSOCK_TCP_LISTEN] = "LISTEN",
  [LLSOCK_TCP_CLOSING] = "CLOSING",
};

/* opt.tcpinfo(fd) -> {state = "ESTABLISHED", rtt_us = ..., ...} */
static int tcpinfo_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  llsock_tcpinfo info;
  int rc;

  check_writable(L, 0);
  rc = llsock_opt_get_tcpinfo(fd, &info);
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_createtable(L, 0, 16);
  if (info.state > 0 &&
      (size_t)info.state < sizeof(tcp_states) / sizeof(tcp_states[0]))
    lua_pushstring(L, tcp_states[info.state]);
  else
    lua_pushinteger(L, info.state);
  lua_setfield(L, -2, "state");
#define FIELD(name)                           \
  lua_pushinteger(L, (lua_Integer)info.name); \
  lua_setfield(L, -2, #name);
  FIELD(retransmits) FIELD(probes) FIELD(backoff) FIELD(rto_us)
  FIELD(rtt_us) FIELD(rttvar_us) FIELD(snd_mss) FIELD(rcv_mss)
  FIELD(snd_cwnd) FIELD(snd_ssthresh) FIELD(unacked) FIELD(lost)
  FIELD(retrans) FIELD(total_retrans) FIELD(pmtu)
#undef FIELD
  return 1;
}

typedef struct group_op {
  const char *name;
  int (*fn)(int fd, const char *group, const llsock_iface *iface);
} group_op;

typedef struct source_op {
  const char *name;
  int (*fn)(int fd, const char *group, const char *source,
            const llsock_iface *iface);
} source_op;

static const group_op group_ops[] = {
  {"join", llsock_mcast_join},
  {"leave", llsock_mcast_leave},
};

static const source_op source_ops[] = {
  {"join_source", llsock_mcast_join_source},
  {"leave_source", llsock_mcast_leave_source},
  {"block_source", llsock_mcast_block_source},
  {"unblock_source", llsock_mcast_unblock_source},
};

/* opt.join(fd, group [, iface]), opt.leave: nothing | err */
static int group_op_call(lua_State *L) {
  const group_op *op = lua_touserdata(L, lua_upvalueindex(1));
  int fd = llsocket__checkfd(L, 1);
  const char *group = llsocket__checkcstring(L, 2, "group");
  llsock_iface iface;
  const llsock_iface *chosen;
  int rc = opt_iface(L, 3, &iface, &chosen);

  return llsocket__status(L, rc < 0 ? rc : op->fn(fd, group, chosen));
}

/* opt.join_source(fd, group, source [, iface]) and the like: nothing | err */
static int source_op_call(lua_State *L) {
  const source_op *op = lua_touserdata(L, lua_upvalueindex(1));
  int fd = llsocket__checkfd(L, 1);
  const char *group = llsocket__checkcstring(L, 2, "group");
  const char *source = llsocket__checkcstring(L, 3, "source");
  llsock_iface iface;
  const llsock_iface *chosen;
  int rc = opt_iface(L, 4, &iface, &chosen);

  return llsocket__status(
      L, rc < 0 ? rc : op->fn(fd, group, source, chosen));
}

/* The longest option llsocket.getsockopt() reads as bytes. */
#define RAW_OPTION_MAX 4096

/* llsocket.getsockopt(fd, level, name [, size]) -> integer | bytes */
static int getsockopt_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int level = llsocket__checkint(L, 2, INT_MIN, INT_MAX, "level");
  int name = llsocket__checkint(L, 3, INT_MIN, INT_MAX, "name");
  char buf[RAW_OPTION_MAX];
  size_t len;
  int rc;

  if (lua_isnoneornil(L, 4)) {
    rc = llsock_opt_getint(fd, level, name);
    if (rc < 0)
      return llsocket__result(L, rc);
    lua_pushinteger(L, rc);
    return 1;
  }
  len = (size_t)llsocket__checkint(L, 4, 1, RAW_OPTION_MAX, "size");
  rc = llsock_opt_get(fd, level, name, buf, &len);
  if (rc < 0)
    return llsocket__result(L, rc);
  lua_pushlstring(L, buf, len);
  return 1;
}

/* llsocket.setsockopt(fd, level, name, integer | bytes) -> nothing | err */
static int setsockopt_call(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int level = llsocket__checkint(L, 2, INT_MIN, INT_MAX, "level");
  int name = llsocket__checkint(L, 3, INT_MIN, INT_MAX, "name");
  const char *bytes;
  size_t len;

  switch (lua_type(L, 4)) {
  case LUA_TNUMBER:
    return llsocket__status(
        L, llsock_opt_setint(fd, level, name,
                             llsocket__checkint(L, 4, INT_MIN, INT_MAX,
                                                "value")));
  case LUA_TSTRING:
    bytes = lua_tolstring(L, 4, &len);
    return llsocket__status(L,
                                llsock_opt_set(fd, level, name, bytes, len));
  default:
    return luaL_typeerror(L, 4, "integer or string");
  }
}

/* llsocket.type(fd) -> SOCK_STREAM, ... | nil, err */
static int type_call(lua_State *L) {
  return llsocket__result(L, llsock_type(llsocket__checkfd(L, 1)));
}

/* llsocket.error(fd) -> pending error (cleared) or 0 | nil, err */
static int error_call(lua_State *L) {
  return llsocket__result(L, llsock_error(llsocket__checkfd(L, 1)));
}

void llsocket__open_sockopt_funcs(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"getsockopt", getsockopt_call},
    {"setsockopt", setsockopt_call},
    {"type", type_call},
    {"error", error_call},
    {NULL, NULL},
  };
  luaL_setfuncs(L, funcs, 0);
}

static void set_option_functions(lua_State *L) {
  static const luaL_Reg struct_options[] = {
    {"linger", linger_call},
    {"mark", mark_call},
    {"bindtodevice", bindtodevice_call},
    {"multicast_if", multicast_if_call},
    {"tcpinfo", tcpinfo_call},
    {NULL, NULL},
  };
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
  for (i = 0; i < sizeof(group_ops) / sizeof(group_ops[0]); i++) {
    lua_pushlightuserdata(L, (void *)&group_ops[i]);
    lua_pushcclosure(L, group_op_call, 1);
    lua_setfield(L, -2, group_ops[i].name);
  }
  for (i = 0; i < sizeof(source_ops) / sizeof(source_ops[0]); i++) {
    lua_pushlightuserdata(L, (void *)&source_ops[i]);
    lua_pushcclosure(L, source_op_call, 1);
    lua_setfield(L, -2, source_ops[i].name);
  }
  luaL_setfuncs(L, struct_options, 0);
}

void llsocket__open_opt(lua_State *L) {
  lua_createtable(L, 0, 256);
  llsocket__set_constants(L);
  set_option_functions(L);
}
