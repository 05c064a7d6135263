#include "llsocket-int.h"

#include <limits.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>

/* The socket type and protocol getaddrinfo gave, or nil. */
static int addr_socktype(lua_State *L) {
  const llsocket_addr *u = (const llsocket_addr *)llsocket__checkaddr(L, 1);

  if (u->socktype == 0)
    lua_pushnil(L);
  else
    lua_pushinteger(L, u->socktype);
  return 1;
}

static int addr_protocol(lua_State *L) {
  const llsocket_addr *u = (const llsocket_addr *)llsocket__checkaddr(L, 1);
  llsock_packet_addr pkt;

  if (llsock_addr_packet_info(&u->addr, &pkt) == 0)
    lua_pushinteger(L, pkt.protocol);
  else if (u->socktype == 0)
    lua_pushnil(L);
  else
    lua_pushinteger(L, u->protocol);
  return 1;
}

static int addr_canonname(lua_State *L) {
  llsocket__checkaddr(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int addr_result(lua_State *L, int rc) {
  if (rc < 0)
    return llsocket__result(L, rc);
  return 1;
}

/* llsocket.addr.inet(host, port) -> addr | nil, err */
static int addr_inet(lua_State *L) {
  const char *host, *port_text;
  int port;

  luaL_argexpected(L, lua_type(L, 1) == LUA_TSTRING, 1, "string");
  host = llsocket__checkcstring(L, 1, "host");
  port = llsocket__optportnum(L, 2, &port_text);
  if (port >= 0)
    return addr_result(L, llsock_addr_inet_port(llsocket__newaddr(L), host,
                                                port));
  return addr_result(L, llsock_addr_inet(llsocket__newaddr(L), host,
                                         port_text));
}

/* llsocket.addr.unix(path) -> addr | nil, err */
static int addr_unix(lua_State *L) {
  size_t len;
  const char *path = llsocket__checkpath(L, 1, &len);

  return addr_result(L, llsock_addr_unix(llsocket__newaddr(L), path, len));
}

static int addr_family(lua_State *L) {
  lua_pushinteger(L, llsock_addr_family(llsocket__checkaddr(L, 1)));
  return 1;
}

static int addr_host(lua_State *L) {
  char host[LLSOCK_ADDRSTRLEN];
  int n = llsock_addr_host(llsocket__checkaddr(L, 1), host, sizeof(host));

  if (n < 0)
    lua_pushnil(L);
  else
    lua_pushlstring(L, host, (size_t)n);
  return 1;
}

static int addr_port(lua_State *L) {
  const llsock_addr *addr = llsocket__checkaddr(L, 1);
  int port = llsock_addr_port(addr);
  uint32_t vsock_port;

  if (port >= 0)
    lua_pushinteger(L, port);
  else if (llsock_addr_vsock_info(addr, NULL, &vsock_port) == 0)
    lua_pushinteger(L, vsock_port);
  else
    lua_pushnil(L);
  return 1;
}

static int addr_path(lua_State *L) {
  size_t len;
  const char *path = llsock_addr_path(llsocket__checkaddr(L, 1), &len);

  if (path == NULL)
    lua_pushnil(L);
  else
    lua_pushlstring(L, path, len);
  return 1;
}

/* ---- netlink, packet and vsock ------------------------------------------ */

#define U32_MAX_INTEGER ((lua_Integer)UINT32_MAX)

static uint32_t opt_u32(lua_State *L, int arg, const char *what) {
  if (lua_isnoneornil(L, arg))
    return 0;
  return (uint32_t)llsocket__checkinteger(L, arg, 0, U32_MAX_INTEGER, what);
}

/* llsocket.addr.netlink([pid [, groups]]) -> addr */
static int addr_netlink(lua_State *L) {
  uint32_t pid = opt_u32(L, 1, "pid");
  uint32_t groups = opt_u32(L, 2, "groups");

  return addr_result(L, llsock_addr_netlink(llsocket__newaddr(L), pid, groups));
}

/* llsocket.addr.vsock(cid, port) -> addr */
static int addr_vsock(lua_State *L) {
  uint32_t cid = (uint32_t)llsocket__checkinteger(L, 1, 0, U32_MAX_INTEGER,
                                                  "cid");
  uint32_t port = (uint32_t)llsocket__checkinteger(L, 2, 0, U32_MAX_INTEGER,
                                                   "port");

  return addr_result(L, llsock_addr_vsock(llsocket__newaddr(L), cid, port));
}

/*
 * llsocket.addr.packet(protocol, ifindex [, hwaddr [, hatype [, pkttype]]])
 *   -> addr; hwaddr is the raw bytes of the hardware address
 */
static int addr_packet(lua_State *L) {
  llsock_packet_addr pkt;
  const char *hwaddr = NULL;
  size_t halen = 0;

  memset(&pkt, 0, sizeof(pkt));
  pkt.protocol = (unsigned)llsocket__checkint(L, 1, 0, 0xffff, "protocol");
  pkt.ifindex = llsocket__checkint(L, 2, 0, INT_MAX, "ifindex");
  if (!lua_isnoneornil(L, 3)) {
    luaL_argexpected(L, lua_type(L, 3) == LUA_TSTRING, 3, "string or nil");
    hwaddr = lua_tolstring(L, 3, &halen);
    luaL_argcheck(L, halen <= LLSOCK_HWADDR_MAX, 3,
                  "hardware address longer than 32 bytes");
    memcpy(pkt.hwaddr, hwaddr, halen);
    pkt.halen = (unsigned)halen;
  }
  if (!lua_isnoneornil(L, 4))
    pkt.hatype = (unsigned)llsocket__checkint(L, 4, 0, 0xffff, "hatype");
  if (!lua_isnoneornil(L, 5))
    pkt.pkttype = (unsigned)llsocket__checkint(L, 5, 0, 0xff, "pkttype");
  return addr_result(L, llsock_addr_packet(llsocket__newaddr(L), &pkt));
}

/* Pushes value, or nil when rc says the address is of another family. */
static int push_u32_or_nil(lua_State *L, int rc, uint32_t value) {
  if (rc < 0)
    lua_pushnil(L);
  else
    lua_pushinteger(L, value);
  return 1;
}

static int addr_pid(lua_State *L) {
  uint32_t pid = 0;
  int rc = llsock_addr_netlink_info(llsocket__checkaddr(L, 1), &pid, NULL);
  return push_u32_or_nil(L, rc, pid);
}

static int addr_groups(lua_State *L) {
  uint32_t groups = 0;
  int rc = llsock_addr_netlink_info(llsocket__checkaddr(L, 1), NULL, &groups);
  return push_u32_or_nil(L, rc, groups);
}

static int addr_cid(lua_State *L) {
  uint32_t cid = 0;
  int rc = llsock_addr_vsock_info(llsocket__checkaddr(L, 1), &cid, NULL);
  return push_u32_or_nil(L, rc, cid);
}

/* The fields of a packet address, read by the accessors below. */
enum packet_field { IFINDEX, HATYPE, PKTTYPE, HWADDR };

static int push_packet_field(lua_State *L, enum packet_field field) {
  llsock_packet_addr pkt;

  if (llsock_addr_packet_info(llsocket__checkaddr(L, 1), &pkt) < 0) {
    lua_pushnil(L);
    return 1;
  }
  switch (field) {
  case IFINDEX:
    lua_pushinteger(L, pkt.ifindex);
    break;
  case HATYPE:
    lua_pushinteger(L, pkt.hatype);
    break;
  case PKTTYPE:
    lua_pushinteger(L, pkt.pkttype);
    break;
  case HWADDR:
    lua_pushlstring(L, (const char *)pkt.hwaddr, pkt.halen);
    break;
  }
  return 1;
}

static int addr_ifindex(lua_State *L) {
  return push_packet_field(L, IFINDEX);
}

static int addr_hatype(lua_State *L) {
  return push_packet_field(L, HATYPE);
}

static int addr_pkttype(lua_State *L) {
  return push_packet_field(L, PKTTYPE);
}

static int addr_hwaddr(lua_State *L) {
  return push_packet_field(L, HWADDR);
}

/* a:info([flag, ...]) -> {host = ..., service = ...} | nil, err */
static int addr_info(lua_State *L) {
  return llsocket__pushnameinfo(L, 1);
}

static int addr_tostring(lua_State *L) {
  char buf[LLSOCK_ADDRSTRLEN];
  int n = llsock_addr_format(llsocket__checkaddr(L, 1), buf, sizeof(buf));

  if (n < 0)
    return luaL_error(L, "cannot format address: %s", llsock_strerror(n));
  lua_pushlstring(L, buf, (size_t)n);
  return 1;
}

/* Lua calls __eq for any two userdata, so the other may be a file. */
static int addr_eq(lua_State *L) {
  const llsock_addr *a = luaL_testudata(L, 1, LLSOCKET_ADDR_MT);
  const llsock_addr *b = luaL_testudata(L, 2, LLSOCKET_ADDR_MT);

  lua_pushboolean(L, a != NULL && b != NULL && llsock_addr_equal(a, b));
  return 1;
}

void llsocket__open_addr(lua_State *L) {
  static const luaL_Reg methods[] = {
    {"family", addr_family},
    {"host", addr_host},
    {"port", addr_port},
    {"path", addr_path},
    {"info", addr_info},
    {"socktype", addr_socktype},
    {"protocol", addr_protocol},
    {"canonname", addr_canonname},
    {"pid", addr_pid},
    {"groups", addr_groups},
    {"cid", addr_cid},
    {"ifindex", addr_ifindex},
    {"hatype", addr_hatype},
    {"pkttype", addr_pkttype},
    {"hwaddr", addr_hwaddr},
    {NULL, NULL}
  };
  static const luaL_Reg metamethods[] = {
    {"__tostring", addr_tostring},
    {"__eq", addr_eq},
    {"__index", NULL},
    {NULL, NULL}
  };
  static const luaL_Reg constructors[] = {
    {"inet", addr_inet},
    {"unix", addr_unix},
    {"netlink", addr_netlink},
    {"packet", addr_packet},
    {"vsock", addr_vsock},
    {NULL, NULL}
  };

  luaL_newmetatable(L, LLSOCKET_ADDR_MT);
  luaL_setfuncs(L, metamethods, 0);
  luaL_newlib(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  /*
   * The methods are functions of llsocket.addr too, as string.len is
   * s:len(): a method misused through a reference (pcall(a.port, x))
   * is then named in the error, 'llsocket.addr.port', not '?'.
   */
  luaL_newlibtable(L, constructors);
  luaL_setfuncs(L, constructors, 0);
  luaL_setfuncs(L, methods, 0);
}
