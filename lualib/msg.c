#include "llsocket-int.h"

#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* sendfds(fd, msg, fds [, flag, ...]) -> bytes | nil, err, again */
static int msg_sendfds(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len;
  const char *msg = luaL_checklstring(L, 2, &len);
  int fds[LLSOCK_MAX_FDS];
  lua_Integer i, nfds;
  int flags;

  luaL_checktype(L, 3, LUA_TTABLE);
  nfds = (lua_Integer)lua_rawlen(L, 3);
  luaL_argcheck(L, nfds <= LLSOCK_MAX_FDS, 3, "too many fds");
  for (i = 1; i <= nfds; i++) {
    lua_Integer v;
    int isint;
    /* a string such as "3" is not an fd, even if Lua would convert it */
    int isnumber = lua_rawgeti(L, 3, i) == LUA_TNUMBER;
    v = lua_tointegerx(L, -1, &isint);
    if (!isnumber || !isint || v < 0 || v > INT_MAX)
      return luaL_argerror(
          L, 3, lua_pushfstring(L, "fds[%d] is not an fd", (int)i));
    fds[i - 1] = (int)v;
    lua_pop(L, 1);
  }
  flags = llsocket__optflags(L, 4);
  return llsocket__ioresult(L, llsock_sendfds(fd, msg, len, fds,
                                               (size_t)nfds, flags));
}

/*
 * Received descriptors not yet handed to the script.  Pushed as a
 * to-be-closed value before the receive, so that an error while the
 * results are built (a memory error) closes them instead of leaking them;
 * emptied once they are in the results.
 */
#define FD_GUARD_MT "llsocket.fdguard"

typedef struct fd_guard {
  size_t count;
  int fds[LLSOCK_MAX_FDS];
} fd_guard;

static int fd_guard_close(lua_State *L) {
  fd_guard *g = lua_touserdata(L, 1);

  while (g->count > 0)
    llsock_close(g->fds[--g->count], LLSOCK_SHUT_NONE);
  return 0;
}

static fd_guard *push_fd_guard(lua_State *L) {
  fd_guard *g;

  /* Calling __close needs stack room; growing the stack then could fail
   * in the very memory error being unwound, so take the room now. */
  luaL_checkstack(L, 2 * LUA_MINSTACK, NULL);
  g = lua_newuserdatauv(L, sizeof(*g), 0);
  g->count = 0;
  luaL_setmetatable(L, FD_GUARD_MT);
  lua_toclose(L, -1);
  return g;
}

/* Every descriptor msg brought into guard (a -1 left by a truncated
 * receive is skipped by the close). */
static void guard_received(fd_guard *guard, const struct msghdr *msg) {
  const struct cmsghdr *cmsg;

  for (cmsg = llsock_cmsg_first(msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(msg, cmsg)) {
    int count = llsock_cmsg_fds(cmsg, guard->fds + guard->count,
                                LLSOCK_MAX_FDS - guard->count);
    if (count > 0)
      guard->count += (size_t)count < LLSOCK_MAX_FDS - guard->count
                          ? (size_t)count
                          : LLSOCK_MAX_FDS - guard->count;
  }
}

/*
 * recvfds(fd [, len [, maxfds [, flag, ...]]])
 *   -> str, fds, truncated | nil, err, again
 * The fds table is presized before the receive, so storing the fds that
 * arrived cannot fail.
 */
static int msg_recvfds(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len = llsocket__optlen(L, 2);
  size_t nfds = lua_isnoneornil(L, 3)
                    ? LLSOCK_MAX_FDS
                    : (size_t)llsocket__checkint(L, 3, 0, LLSOCK_MAX_FDS,
                                                 "maxfds");
  int flags = llsocket__optflags(L, 4);
  int msgflags = 0;
  fd_guard *guard = push_fd_guard(L);
  luaL_Buffer b;
  char *buf;
  size_t i;
  ssize_t n;

  lua_createtable(L, (int)nfds, 0);
  buf = luaL_buffinitsize(L, &b, len);
  n = llsock_recvfds(fd, buf, len, guard->fds, &nfds, &msgflags, flags);
  if (n < 0)
    return llsocket__ioresult(L, n);
  guard->count = nfds;
  for (i = 0; i < nfds; i++) {
    lua_pushinteger(L, guard->fds[i]);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
  }
  luaL_pushresultsize(&b, llsock_recv_stored(fd, len, n, flags));
  guard->count = 0;
  lua_pushvalue(L, -2);
  lua_pushboolean(L, (msgflags & MSG_CTRUNC) != 0);
  return 3;
}

/* iovecs kept on the C stack; more go into a Lua-managed block */
#define STACK_IOVECS 16
/* the largest ancillary buffer a script may ask for or send */
#define MAX_CONTROL (64 * 1024)

/* The strings of arg (a string or an array of strings) as iovecs. */
static struct iovec *check_iovecs(lua_State *L, int arg,
                                  struct iovec stackiov[STACK_IOVECS],
                                  size_t *count) {
  struct iovec *iov = stackiov;
  lua_Integer i, n;

  if (lua_type(L, arg) != LUA_TTABLE) {
    iov[0].iov_base = (void *)luaL_checklstring(L, arg, &iov[0].iov_len);
    *count = 1;
    return iov;
  }
  n = (lua_Integer)lua_rawlen(L, arg);
  luaL_argcheck(L, n <= IOV_MAX, arg, "too many strings");
  if (n > STACK_IOVECS)
    iov = lua_newuserdatauv(L, sizeof(*iov) * (size_t)n, 0);
  for (i = 1; i <= n; i++) {
    /* the table keeps the string alive, so its pointer stays valid */
    if (lua_rawgeti(L, arg, i) != LUA_TSTRING)
      luaL_argerror(L, arg, lua_pushfstring(L, "item %d is not a string",
                                            (int)i));
    iov[i - 1].iov_base = (void *)lua_tolstring(L, -1, &iov[i - 1].iov_len);
    lua_pop(L, 1);
  }
  *count = (size_t)n;
  return iov;
}

/* The GSO segment size in field `segment` of the table at idx, 0 if none;
 * arg names the argument in errors. */
static unsigned int check_segment(lua_State *L, int idx, int arg) {
  lua_Integer size;
  int isint;

  if (lua_getfield(L, idx, "segment") == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  size = lua_tointegerx(L, -1, &isint);
  if (lua_type(L, -1) != LUA_TNUMBER || !isint || size < 1 || size > 65535)
    luaL_argerror(L, arg, "segment must be an integer 1..65535");
  lua_pop(L, 1);
  return (unsigned int)size;
}


/* Whether the value at idx, of Lua type type, is an integer that fits an
 * int (a string is not, whatever it holds). */
static int is_int(lua_State *L, int type, int idx) {
  int isint;
  lua_Integer v = lua_tointegerx(L, idx, &isint);

  return type == LUA_TNUMBER && isint && v >= INT_MIN && v <= INT_MAX;
}

/* The {level, type, data} entry i of the control table at arg as an item;
 * 0 when it is not one.  The table holds the data string, so the item's
 * pointer stays valid while the table is not changed. */
static int control_item(lua_State *L, int arg, lua_Integer i,
                        llsock_cmsg_item *item) {
  int ok = lua_rawgeti(L, arg, i) == LUA_TTABLE &&
           is_int(L, lua_rawgeti(L, -1, 1), -1) &&
           is_int(L, lua_rawgeti(L, -2, 2), -1) &&
           lua_rawgeti(L, -3, 3) == LUA_TSTRING;

  if (ok) {
    item->level = (int)lua_tointeger(L, -3);
    item->type = (int)lua_tointeger(L, -2);
    item->data = lua_tolstring(L, -1, &item->len);
  }
  lua_settop(L, lua_gettop(L) - (ok ? 4 : 1));
  return ok;
}

/* Ancillary data from a list of {level, type, data} entries, and a GSO
 * segment size from the field `segment`, laid out by libllsock. */
static void check_control(lua_State *L, int arg, struct msghdr *msg) {
  lua_Integer i, n;
  llsock_cmsg_item item, *items;
  size_t total = 0, room;
  unsigned int segment;
  ssize_t used;
  char *block;

  if (lua_isnoneornil(L, arg))
    return;
  luaL_checktype(L, arg, LUA_TTABLE);
  segment = check_segment(L, arg, arg);
  n = (lua_Integer)lua_rawlen(L, arg);
  for (i = 1; i <= n; i++) {
    if (!control_item(L, arg, i, &item))
      luaL_argerror(L, arg,
                    lua_pushfstring(L, "entry %d is not {level, type, data}",
                                    (int)i));
    room = llsock_cmsg_space(&item, 1);
    luaL_argcheck(L, item.len <= MAX_CONTROL && total + room <= MAX_CONTROL,
                  arg, "ancillary data too long");
    total += room;
  }
  if (total == 0 && segment == 0)
    return;
  /* the items first, then the control data (aligned: items are 8-byte
   * multiples); a finalizer run by this allocation may change the table,
   * so the entries are read again below */
  block = lua_newuserdatauv(
      L, (size_t)n * sizeof(*items) + total + LLSOCK_CMSG_SEGMENT_SPACE, 0);
  items = (llsock_cmsg_item *)block;
  block += (size_t)n * sizeof(*items);
  for (i = 1; i <= n; i++)
    if (!control_item(L, arg, i, &items[i - 1]))
      luaL_argerror(L, arg, "ancillary data changed while in use");
  used = llsock_cmsg_build(block, total, items, (size_t)n);
  if (used < 0)
    luaL_argerror(L, arg, "ancillary data changed while in use");
  if (segment > 0) {
    int rc = llsock_cmsg_segment(block + used, LLSOCK_CMSG_SEGMENT_SPACE,
                                 segment);
    if (rc < 0)
      luaL_argerror(L, arg, "segment size refused");
    used += rc;
  }
  msg->msg_control = block;
  msg->msg_controllen = (size_t)used;
}

/* sendmsg(fd, data [, addr [, control [, flag, ...]]])
 *   -> bytes | nil, err, again
 * Upvalues: the addr metatable, the addr kept and the seen block (see
 * llsocket_seen). */
static int msg_sendmsg(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int flags = llsocket__optflags(L, 5);
  struct iovec stackiov[STACK_IOVECS];
  struct msghdr msg;
  llsock_addr *to;
  size_t iovcnt;

  memset(&msg, 0, sizeof(msg));
  if (!lua_isnoneornil(L, 3)) {
    to = llsocket__optaddr_kept(L, 3, lua_upvalueindex(1),
                                lua_upvalueindex(2), lua_upvalueindex(3));
    if (to == NULL)
      llsocket__checkaddr(L, 3); /* raises: neither an addr nor nil */
    msg.msg_name = &to->u.sa;
    msg.msg_namelen = to->len;
  }
  /* Both push scratch blocks: after them no argument may be read, or an
   * omitted one would find a block in its place. */
  check_control(L, 4, &msg);
  msg.msg_iov = check_iovecs(L, 2, stackiov, &iovcnt);
  msg.msg_iovlen = iovcnt;
  return llsocket__ioresult(L, llsock_sendmsg(fd, &msg, flags));
}

/* An error queue entry as the table {errno, origin, type, code, info,
 * data, offender [, zerocopy = {first, last, copied}]}. */
static void push_errqueue(lua_State *L, const llsock_errqueue *ee) {
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, ee->err);
  lua_setfield(L, -2, "errno");
  lua_pushstring(L, llsock_errqueue_origin(ee->origin));
  lua_setfield(L, -2, "origin");
  lua_pushinteger(L, ee->type);
  lua_setfield(L, -2, "type");
  lua_pushinteger(L, ee->code);
  lua_setfield(L, -2, "code");
  lua_pushinteger(L, ee->info);
  lua_setfield(L, -2, "info");
  lua_pushinteger(L, ee->data);
  lua_setfield(L, -2, "data");
  llsocket__pushaddr(L, &ee->offender);
  lua_setfield(L, -2, "offender");
  if (ee->origin == LLSOCK_EE_ORIGIN_ZEROCOPY) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, ee->info);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, ee->data);
    lua_setfield(L, -2, "last");
    lua_pushboolean(L, (ee->code & LLSOCK_EE_CODE_ZEROCOPY_COPIED) != 0);
    lua_setfield(L, -2, "copied");
    lua_setfield(L, -2, "zerocopy");
  }
}

/*
 * recvmsg's upvalues: the addr metatable, the kept scratch block, the addr
 * argument and the sender kept and the seen block (see llsocket_seen),
 * the msg table last
 * filled when no decoded field was left in it (the next fill of the same
 * table need not remove any), then the keys of the result's fields.
 * lua_pushvalue + lua_rawset with a key at hand costs less than half of
 * lua_setfield, which looks the key up in the string cache and tries the
 * metatable.
 */
#define RECVMSG_KEYS(X)                                                     \
  X(LENGTH, "length") X(DATA, "data") X(ADDR, "addr")                       \
  X(CONTROL, "control") X(FLAGS, "flags") RECVMSG_DECODED_KEYS(X)
/* the fields of decoded ancillary data, present only when it came */
#define RECVMSG_DECODED_KEYS(X)                                             \
  X(FDS, "fds") X(CRED, "cred") X(TIMESTAMP, "timestamp")                   \
  X(PKTINFO, "pktinfo") X(SEGMENT, "segment") X(ERRQUEUE, "errqueue")
#define RECVMSG_KEY_ENUM(name, key) RECVMSG_KEY_##name,
#define RECVMSG_KEY_STRING(name, key) key,
enum {
  RECVMSG_ADDR_MT = 1,
  RECVMSG_SCRATCH,
  RECVMSG_KEPT_ADDR,
  RECVMSG_KEPT_SENDER,
  RECVMSG_SEEN,
  RECVMSG_CLEAN_MSG,
  RECVMSG_KEYS(RECVMSG_KEY_ENUM) RECVMSG_END
};
#define RECVMSG_KEY(name) lua_upvalueindex(RECVMSG_KEY_##name)
#define RECVMSG_ADDR_ARGS                                                   \
  lua_upvalueindex(RECVMSG_ADDR_MT), lua_upvalueindex(RECVMSG_KEPT_ADDR),   \
      lua_upvalueindex(RECVMSG_SEEN)

/* msg[key] = the value on top, popped; msg is the table below it. */
static void set_key(lua_State *L, int key) {
  lua_pushvalue(L, key);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

/* The descriptors of an SCM_RIGHTS message appended to the sequence in
 * field fds of the table on top, made on first need (*made says whether
 * this receive has made it); -1s, closed by a truncated receive, are left
 * out. */
static void add_fds(lua_State *L, const struct cmsghdr *cmsg, int *made) {
  int fds[LLSOCK_MAX_FDS], i;
  int count = llsock_cmsg_fds(cmsg, fds, LLSOCK_MAX_FDS);

  if (count > LLSOCK_MAX_FDS)
    count = LLSOCK_MAX_FDS;
  for (i = 0; i < count; i++) {
    if (fds[i] < 0)
      continue;
    if (*made) {
      lua_pushvalue(L, RECVMSG_KEY(FDS));
      lua_rawget(L, -2);
    } else {
      lua_newtable(L);
      lua_pushvalue(L, RECVMSG_KEY(FDS));
      lua_pushvalue(L, -2);
      lua_rawset(L, -4);
      *made = 1;
    }
    lua_pushinteger(L, fds[i]);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
  }
}

/* A message libllsock decodes, as a field of the msg table on top: fds,
 * cred, timestamp, pktinfo, segment or errqueue; 0 for any other. */
static int decode_control(lua_State *L, const struct cmsghdr *cmsg,
                          int *fds_made) {
  llsock_addr dst;
  llsock_errqueue ee;
  unsigned int segment;
  double sec;
  pid_t pid;
  uid_t uid;
  gid_t gid;
  int ifindex;

  if (llsock_cmsg_fds(cmsg, NULL, 0) >= 0) {
    add_fds(L, cmsg, fds_made);
  } else if (llsock_cmsg_cred(cmsg, &pid, &uid, &gid) == 0) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, pid);
    lua_setfield(L, -2, "pid");
    lua_pushinteger(L, uid);
    lua_setfield(L, -2, "uid");
    lua_pushinteger(L, gid);
    lua_setfield(L, -2, "gid");
    set_key(L, RECVMSG_KEY(CRED));
  } else if (llsock_cmsg_timestamp(cmsg, &sec) == 0) {
    lua_pushnumber(L, (lua_Number)sec);
    set_key(L, RECVMSG_KEY(TIMESTAMP));
  } else if (llsock_cmsg_pktinfo(cmsg, &ifindex, &dst) == 0) {
    char host[LLSOCK_ADDRSTRLEN];
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, ifindex);
    lua_setfield(L, -2, "ifindex");
    if (llsock_addr_host(&dst, host, sizeof(host)) >= 0) {
      lua_pushstring(L, host);
      lua_setfield(L, -2, "addr");
    }
    set_key(L, RECVMSG_KEY(PKTINFO));
  } else if (llsock_cmsg_gro(cmsg, &segment) == 0) {
    lua_pushinteger(L, segment);
    set_key(L, RECVMSG_KEY(SEGMENT));
  } else if (llsock_cmsg_errqueue(cmsg, &ee) == 0) {
    push_errqueue(L, &ee);
    set_key(L, RECVMSG_KEY(ERRQUEUE));
  } else {
    return 0;
  }
  return 1;
}

/*
 * A sequence for field key of the msg table on top, pushed: when reuse is
 * set, the table already there, if any (returns 0; its old items are
 * overwritten, then trimmed by trim_sequence), else a new one with room
 * for n (returns 1: the caller stores it).
 */
static int push_sequence(lua_State *L, int key, int reuse, int n) {
  if (reuse) {
    lua_pushvalue(L, key);
    if (lua_rawget(L, -2) == LUA_TTABLE)
      return 0;
    lua_pop(L, 1);
  }
  lua_createtable(L, n, 0);
  return 1;
}

/* Ends the sequence on top after its first n items. */
static void trim_sequence(lua_State *L, lua_Integer n) {
  lua_Integer i;

  for (i = (lua_Integer)lua_rawlen(L, -1); i > n; i--) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
}

/* Removes the decoded fields a reused msg table, on top, may hold from the
 * last message. */
static void clear_decoded(lua_State *L) {
  static const int keys[] = {RECVMSG_DECODED_KEYS(RECVMSG_KEY_ENUM)};
  size_t k;

  for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
    lua_pushvalue(L, lua_upvalueindex(keys[k]));
    lua_pushnil(L);
    lua_rawset(L, -3);
  }
}

/* Each control message of msg, once, into the msg table on top: decoded
 * into its own field, or else as a {level, type, data} entry of control
 * (reused from the table when reuse is set).  Returns how many were
 * decoded. */
static int push_control(lua_State *L, const struct msghdr *msg, int reuse) {
  const struct cmsghdr *cmsg;
  llsock_cmsg_item item;
  lua_Integer i = 0;
  int fresh = push_sequence(L, RECVMSG_KEY(CONTROL), reuse, 0);
  int decoded = 0, fds_made = 0;

  lua_pushvalue(L, -2); /* msg on top again while decoding into it */
  for (cmsg = llsock_cmsg_first(msg); cmsg != NULL;
       cmsg = llsock_cmsg_next(msg, cmsg)) {
    if (decode_control(L, cmsg, &fds_made)) {
      decoded++;
      continue;
    }
    llsock_cmsg_item_of(cmsg, &item);
    lua_createtable(L, 3, 0);
    lua_pushinteger(L, item.level);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, item.type);
    lua_rawseti(L, -2, 2);
    lua_pushlstring(L, item.data, item.len);
    lua_rawseti(L, -2, 3);
    lua_rawseti(L, -3, ++i);
  }
  lua_pop(L, 1);
  if (fresh) {
    set_key(L, RECVMSG_KEY(CONTROL));
  } else {
    trim_sequence(L, i);
    lua_pop(L, 1);
  }
  return decoded;
}

/* recvmsg and recvmmsg keep their scratch block for the next call up to
 * this size: 32 datagrams of 4 KiB with their headers, not a 16 MiB
 * one-off */
#define KEPT_SCRATCH_MAX (256 * 1024)

/*
 * A scratch block of at least size bytes, pushed: the last call's, kept in
 * upvalue up, when it is big enough (allocating one per call made the
 * collector run every other call).  It is taken out of the upvalue while
 * in use, so a finalizer that calls back meanwhile gets a block of its own.
 * A guarded block starts with an fd_guard and has its metatable, so that
 * recvmsg needs no guard of its own made every call.
 */
static void *take_scratch(lua_State *L, int up, size_t size, int guarded) {
  void *block;

  lua_pushvalue(L, lua_upvalueindex(up));
  if (lua_rawlen(L, -1) < size) {
    lua_pop(L, 1);
    block = lua_newuserdatauv(L, size, 0);
    if (guarded) {
      ((fd_guard *)block)->count = 0;
      luaL_setmetatable(L, FD_GUARD_MT);
    }
    return block;
  }
  block = lua_touserdata(L, -1);
  lua_pushnil(L);
  lua_replace(L, lua_upvalueindex(up));
  return block;
}

/* Keeps the scratch block at idx for the next call, unless it is big. */
static void keep_scratch(lua_State *L, int idx, int up, size_t size) {
  if (size <= KEPT_SCRATCH_MAX) {
    lua_pushvalue(L, idx);
    lua_replace(L, lua_upvalueindex(up));
  }
}

/*
 * recvmsg(fd [, sizes [, controllen [, from | msg]]] [, flag, ...])
 *   -> msg | nil, err, again
 * msg = {data = string or array of strings (as sizes), addr = addr or nil,
 *        control = {{level, type, data}, ...}, flags = MSG_* bits}
 * An addr given as from is filled with the sender and is msg.addr.  A
 * table given as msg is filled and returned instead of a new one, with
 * the addr, control and data tables it holds reused.  The top is read
 * once, so absent arguments cost nothing.
 */
static int msg_recvmsg(lua_State *L) {
  int top = lua_gettop(L);
  int fd = llsocket__checkfd(L, 1);
  struct iovec stackiov[STACK_IOVECS], *iov = stackiov;
  lua_Integer i, count = 1;
  size_t total = 0, size, sizes[STACK_IOVECS];
  size_t controllen = top < 3 || lua_isnil(L, 3)
                          ? 256
                          : (size_t)llsocket__checkint(L, 3, 0, MAX_CONTROL,
                                                       "control length");
  int reuse = top >= 4 && lua_type(L, 4) == LUA_TTABLE;
  llsocket_addr *into =
      top >= 4 && !reuse ? (llsocket_addr *)llsocket__optaddr_kept(
                               L, 4, RECVMSG_ADDR_ARGS)
                         : NULL;
  int flags = llsocket__flags(L, into != NULL || reuse ? 5 : 4, top);
  int many = top >= 2 && lua_type(L, 2) == LUA_TTABLE, scratch, into_idx = 4;
  int decoded;
  llsock_addr from;
  struct msghdr msg;
  fd_guard *guard;
  char *block;
  ssize_t n;

  if (many) {
    count = (lua_Integer)lua_rawlen(L, 2);
    luaL_argcheck(L, count >= 1 && count <= IOV_MAX, 2,
                  "expected 1 to IOV_MAX sizes");
    for (i = 1; i <= count; i++) {
      lua_Integer len;
      int isint, isnumber = lua_rawgeti(L, 2, i) == LUA_TNUMBER;
      len = lua_tointegerx(L, -1, &isint);
      lua_pop(L, 1);
      luaL_argcheck(L, isnumber && isint && len >= 1 &&
                           len <= LLSOCKET_RECV_MAX, 2,
                    "each size must be 1 to 16 MiB");
      luaL_argcheck(L, total + (size_t)len <= LLSOCKET_RECV_MAX, 2,
                    "sizes add up to more than 16 MiB");
      if (i <= STACK_IOVECS)
        sizes[i - 1] = (size_t)len;
      total += (size_t)len;
    }
  } else {
    sizes[0] = total = top >= 2 ? llsocket__optlen(L, 2)
                                : LLSOCKET_RECV_DEFAULT;
  }

  /* every argument is read: pushing is safe from here on */
  if (reuse) {
    /* the old msg.addr, to fill; kept on the stack, alive, while in use */
    lua_pushvalue(L, RECVMSG_KEY(ADDR));
    lua_rawget(L, 4);
    into = (llsocket_addr *)llsocket__toaddr_kept(L, -1, RECVMSG_ADDR_ARGS);
    into_idx = lua_gettop(L);
  }
  /* One block: the guard, the iovecs beyond the stack's, then the
   * control room, then data. */
  size = sizeof(*guard) +
         (count > STACK_IOVECS ? (size_t)count * sizeof(*iov) : 0) +
         llsock_msg_space(total, controllen);
  guard = take_scratch(L, RECVMSG_SCRATCH, size, 1);
  block = (char *)(guard + 1);
  scratch = lua_gettop(L);
  if (count > STACK_IOVECS) {
    iov = (struct iovec *)block;
    block += (size_t)count * sizeof(*iov);
  }
  memset(&msg, 0, sizeof(msg));
  block = llsock_msg_layout(&msg, block, controllen);
  for (i = 0; i < count; i++) {
    if (i < STACK_IOVECS) {
      iov[i].iov_len = sizes[i];
    } else {
      lua_rawgeti(L, 2, i + 1); /* checked above; cannot have changed */
      iov[i].iov_len = (size_t)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    iov[i].iov_base = block;
    block += iov[i].iov_len;
  }
  msg.msg_iov = iov;
  msg.msg_iovlen = (size_t)count;
  msg.msg_name = &from.u.sa;
  msg.msg_namelen = sizeof(from.u.storage);
  /* Closing the guard during an unwind needs stack room; growing the
   * stack then could fail in the very memory error, so take it now.  It
   * is marked on every call, not only when descriptors came: a first
   * __close call at a return could fail for want of a CallInfo and lose
   * the result holding them. */
  luaL_checkstack(L, 2 * LUA_MINSTACK, NULL);
  lua_toclose(L, scratch);
  n = llsock_recvmsg(fd, &msg, flags);
  if (n < 0) {
    keep_scratch(L, scratch, RECVMSG_SCRATCH, size);
    return llsocket__ioresult(L, n);
  }
  guard_received(guard, &msg);
  from.len = msg.msg_namelen;

  if (reuse) {
    lua_pushvalue(L, 4);
    if (lua_topointer(L, 4) !=
        lua_topointer(L, lua_upvalueindex(RECVMSG_CLEAN_MSG)))
      clear_decoded(L);
  } else {
    lua_createtable(L, 0, 5);
  }
  lua_pushvalue(L, RECVMSG_KEY(LENGTH));
  lua_pushinteger(L, n);
  lua_rawset(L, -3);
  if (many) {
    size_t left = llsock_recv_stored(fd, total, n, flags);
    int fresh = push_sequence(L, RECVMSG_KEY(DATA), reuse, (int)count);
    for (i = 0; i < count; i++) {
      size_t got = left < iov[i].iov_len ? left : iov[i].iov_len;
      lua_pushlstring(L, iov[i].iov_base, got);
      lua_rawseti(L, -2, i + 1);
      left -= got;
    }
    if (fresh) {
      set_key(L, RECVMSG_KEY(DATA));
    } else {
      trim_sequence(L, count);
      lua_pop(L, 1);
    }
  } else {
    lua_pushvalue(L, RECVMSG_KEY(DATA));
    lua_pushlstring(L, iov[0].iov_base,
                    llsock_recv_stored(fd, total, n, flags));
    lua_rawset(L, -3);
  }
  lua_pushvalue(L, RECVMSG_KEY(ADDR));
  if (into == NULL || from.len == 0)
    llsocket__pushsender(L, &from, lua_upvalueindex(RECVMSG_ADDR_MT),
                         lua_upvalueindex(RECVMSG_KEPT_SENDER),
                         lua_upvalueindex(RECVMSG_SEEN));
  else
    llsocket__setaddr(L, into_idx, into, &from);
  lua_rawset(L, -3);
  decoded = push_control(L, &msg, reuse);
  if (reuse) {
    if (decoded == 0)
      lua_pushvalue(L, -1);
    else
      lua_pushnil(L);
    lua_replace(L, lua_upvalueindex(RECVMSG_CLEAN_MSG));
  }
  lua_pushvalue(L, RECVMSG_KEY(FLAGS));
  lua_pushinteger(L, msg.msg_flags);
  lua_rawset(L, -3);
  guard->count = 0;
  keep_scratch(L, scratch, RECVMSG_SCRATCH, size);
  return 1;
}

/*
 * sendmmsg(fd, msgs [, flag, ...]) -> count | nil, err, again
 * msgs: an array whose items are strings or {data [, addr]} tables.
 */
/* headers for this many messages live on the C stack */
#define STACK_BATCH 64

/* The ancillary data of one message of a GSO batch. */
typedef union segment_control {
  struct cmsghdr align;
  char buf[LLSOCK_CMSG_SEGMENT_SPACE];
} segment_control;

static int msg_sendmmsg(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  int flags = llsocket__optflags(L, 3); /* before anything is pushed */
  llsock_mmsg stackmsgs[STACK_BATCH], *msgs = stackmsgs;
  struct iovec stackiov[STACK_BATCH], *iov = stackiov;
  segment_control *control = NULL;
  lua_Integer i, n;

  luaL_checktype(L, 2, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, 2);
  luaL_argcheck(L, n >= 1 && n <= LLSOCK_MAX_BATCH, 2,
                "expected 1 to 1024 messages");
  if (n > STACK_BATCH) {
    msgs = lua_newuserdatauv(L, (size_t)n * (sizeof(*msgs) + sizeof(*iov)),
                             0);
    iov = (struct iovec *)(msgs + n);
  }
  memset(msgs, 0, (size_t)n * sizeof(*msgs));
  for (i = 0; i < n; i++) {
    const llsock_addr *to = NULL;
    unsigned int segment = 0;
    int type = lua_rawgeti(L, 2, i + 1);
    if (type == LUA_TTABLE) {
      segment = check_segment(L, -1, 2);
      if (lua_rawgeti(L, -1, 2) != LUA_TNIL &&
          (to = llsocket__toaddr_mt(L, -1, lua_upvalueindex(1))) == NULL)
        luaL_argerror(L, 2, lua_pushfstring(L, "message %d: bad address",
                                            (int)i + 1));
      lua_pop(L, 1);
      type = lua_rawgeti(L, -1, 1);
      lua_remove(L, -2);
    }
    if (type != LUA_TSTRING)
      luaL_argerror(L, 2, lua_pushfstring(L, "message %d is not a string "
                                          "or {data [, addr]}", (int)i + 1));
    /* the msgs table (or its item) holds the string, so it stays alive */
    iov[i].iov_base = (void *)lua_tolstring(L, -1, &iov[i].iov_len);
    lua_pop(L, 1);
    msgs[i].hdr.msg_iov = &iov[i];
    msgs[i].hdr.msg_iovlen = 1;
    if (to != NULL) {
      msgs[i].hdr.msg_name = (void *)&to->u.sa;
      msgs[i].hdr.msg_namelen = to->len;
    }
    if (segment > 0) {
      if (control == NULL) /* one per message, made on first need */
        control = lua_newuserdatauv(L, (size_t)n * sizeof(*control), 0);
      msgs[i].hdr.msg_control = control[i].buf;
      msgs[i].hdr.msg_controllen = (size_t)llsock_cmsg_segment(
          control[i].buf, sizeof(control[i].buf), segment);
    }
  }
  return llsocket__ioresult(L,
                             llsock_sendmmsg(fd, msgs, (unsigned int)n, flags));
}

/*
 * recvmmsg(fd, n [, len [, flag, ...]]) -> datas, addrs | nil, err, again
 * Up to n datagrams of up to len bytes each; addrs[i] is the sender of
 * datas[i], or false when the socket gives none.  Upvalues: the addr
 * metatable, the kept scratch block, the sender kept and the seen block
 * (see llsocket_seen).
 */
static int msg_recvmmsg(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  lua_Integer i, n = llsocket__checkint(L, 2, 1, LLSOCK_MAX_BATCH, "count");
  size_t len = llsocket__optlen(L, 3), size;
  int flags = llsocket__optflags(L, 4), got;
  llsock_mmsg *msgs;
  struct iovec *iov;
  llsock_addr *from;
  const llsock_addr *kept, *last;
  char *data;

  luaL_argcheck(L, (size_t)n * len <= LLSOCKET_RECV_MAX, 3,
                "count * length is more than 16 MiB");
  size = (size_t)n * (sizeof(*msgs) + sizeof(*iov) + sizeof(*from) + len);
  msgs = take_scratch(L, 2, size, 0);
  iov = (struct iovec *)(msgs + n);
  from = (llsock_addr *)(iov + n);
  data = (char *)(from + n);
  memset(msgs, 0, (size_t)n * sizeof(*msgs));
  for (i = 0; i < n; i++) {
    iov[i].iov_base = data + (size_t)i * len;
    iov[i].iov_len = len;
    msgs[i].hdr.msg_iov = &iov[i];
    msgs[i].hdr.msg_iovlen = 1;
    msgs[i].hdr.msg_name = &from[i].u.sa;
    msgs[i].hdr.msg_namelen = sizeof(from[i].u.storage);
  }
  got = llsock_recvmmsg(fd, msgs, (unsigned int)n, flags);
  if (got < 0) {
    keep_scratch(L, -1, 2, size);
    return llsocket__ioresult(L, got);
  }
  lua_createtable(L, got, 0);
  lua_createtable(L, got, 0);
  /* the last sender's addr (the one kept, at first), at -1 between
   * datagrams: one sender, one object, while it holds that address */
  lua_pushvalue(L, lua_upvalueindex(3));
  kept = last = lua_touserdata(L, -1);
  for (i = 0; i < got; i++) {
    lua_pushlstring(L, iov[i].iov_base,
                    llsock_recv_stored(fd, len, msgs[i].len, flags));
    lua_rawseti(L, -4, i + 1);
    from[i].len = msgs[i].hdr.msg_namelen;
    if (from[i].len == 0) {
      lua_pushboolean(L, 0);
    } else {
      if (last == NULL || !llsock_addr_equal(last, &from[i])) {
        lua_pop(L, 1);
        llsocket__pushaddr_mt(L, &from[i], lua_upvalueindex(1));
        last = lua_touserdata(L, -1);
      }
      lua_pushvalue(L, -1);
    }
    lua_rawseti(L, -3, i + 1);
  }
  if (last != kept)
    llsocket__keepsender(L, lua_upvalueindex(3), lua_upvalueindex(4));
  lua_pop(L, 1);
  keep_scratch(L, -3, 2, size);
  return 2;
}

/*
 * recvsegments(fd [, len [, flag, ...]]) -> datagrams, addr | nil, err, again
 * One receive on a UDP_GRO socket, its payload split into the datagrams the
 * kernel coalesced.
 */
static int msg_recvsegments(lua_State *L) {
  int fd = llsocket__checkfd(L, 1);
  size_t len = llsocket__optlen(L, 2), off;
  int flags = llsocket__optflags(L, 3);
  unsigned int segsize;
  llsock_addr from;
  lua_Integer i = 0;
  char *buf = lua_newuserdatauv(L, len, 0);
  ssize_t n = llsock_recv_segments(fd, buf, len, &segsize, &from, flags);

  if (n < 0)
    return llsocket__ioresult(L, n);
  if ((size_t)n > len) /* MSG_TRUNC: the message's length, not ours */
    n = (ssize_t)len;
  lua_createtable(L, segsize > 0 ? (int)((size_t)n / segsize + 1) : 1, 0);
  for (off = 0; off < (size_t)n || (n == 0 && i == 0); off += segsize) {
    size_t piece = (size_t)n - off < segsize ? (size_t)n - off : segsize;
    lua_pushlstring(L, buf + off, piece);
    lua_rawseti(L, -2, ++i);
    if (segsize == 0)
      break;
  }
  llsocket__pushaddr(L, &from);
  return 2;
}

void llsocket__open_msg(lua_State *L) {
  static const luaL_Reg funcs[] = {
    {"sendfds", msg_sendfds},
    {"recvfds", msg_recvfds},
    {"recvsegments", msg_recvsegments},
    {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
  luaL_newmetatable(L, FD_GUARD_MT);
  lua_pushcfunction(L, fd_guard_close);
  lua_setfield(L, -2, "__close");
  /* should even the __close call fail, the collector still closes them */
  lua_pushcfunction(L, fd_guard_close);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  /* sendmmsg keeps the addr metatable; the receives also a scratch block */
  luaL_getmetatable(L, LLSOCKET_ADDR_MT);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, msg_sendmmsg, 1);
  lua_setfield(L, -3, "sendmmsg");
  lua_pushvalue(L, -1);
  lua_pushnil(L);
  llsocket__newseen(L);
  lua_pushcclosure(L, msg_sendmsg, 3);
  lua_setfield(L, -3, "sendmsg");
  {
    static const char *const keys[] = {RECVMSG_KEYS(RECVMSG_KEY_STRING)};
    size_t k;

    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushnil(L);
    llsocket__newseen(L);
    lua_pushnil(L);
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
      lua_pushstring(L, keys[k]);
    lua_pushcclosure(L, msg_recvmsg, RECVMSG_END - 1);
    lua_setfield(L, -3, "recvmsg");
  }
  lua_pushnil(L);
  lua_pushnil(L);
  llsocket__newseen(L);
  lua_pushcclosure(L, msg_recvmmsg, 4);
  lua_setfield(L, -2, "recvmmsg");
}
