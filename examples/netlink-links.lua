-- ip link, over a route netlink socket: asks the kernel for every network
-- interface of this namespace (one RTM_GETLINK dump) and prints each as
-- `ip -o link` would begin its line:
--
--   1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN link/loopback 00:00:00:00:00:00
--
-- usage: llsockrun examples/netlink-links.lua
-- Needs no privileges: any process may read its namespace's links.
local llsocket = require "llsocket"
local opt = llsocket.opt

-- From <linux/netlink.h>, <linux/rtnetlink.h> and <linux/if.h>: the
-- message layout is the kernel's, so the numbers are too.
local NLMSG_ERROR, NLMSG_DONE = 2, 3
local NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
local RTM_NEWLINK, RTM_GETLINK = 16, 18
local IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK = 1, 3, 4, 5
local IFLA_OPERSTATE = 16
local NLMSGHDR = "=I4I2I2I4I4"     -- len, type, flags, seq, pid
local IFINFOMSG = "=BxI2i4I4I4"    -- family, type, index, flags, change
local RTATTR = "=I2I2"             -- len, type
local HEADER_LEN = 16 + 16         -- nlmsghdr + ifinfomsg

-- In the order ip prints them.
local FLAG_NAMES = {
  { 0x8, "LOOPBACK" }, { 0x2, "BROADCAST" }, { 0x10, "POINTOPOINT" },
  { 0x1000, "MULTICAST" }, { 0x80, "NOARP" }, { 0x200, "ALLMULTI" },
  { 0x100, "PROMISC" }, { 0x400, "MASTER" }, { 0x800, "SLAVE" },
  { 0x1, "UP" }, { 0x10000, "LOWER_UP" }, { 0x20000, "DORMANT" },
}
local IFF_UP, IFF_RUNNING = 0x1, 0x40
local OPERSTATES = { [0] = "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                     "TESTING", "DORMANT", "UP" }

local function align4(n)
  return (n + 3) & ~3
end

local function flag_list(flags)
  local names = {}
  if flags & IFF_UP ~= 0 and flags & IFF_RUNNING == 0 then
    names[1] = "NO-CARRIER"
  end
  for _, f in ipairs(FLAG_NAMES) do
    if flags & f[1] ~= 0 then names[#names + 1] = f[2] end
  end
  return table.concat(names, ",")
end

local function hex_bytes(s)
  return (s:gsub(".", function(c) return string.format("%02x:", c:byte()) end)
           :sub(1, -2))
end

-- The attributes of one message from offset pos to stop, by type.
local function attributes(msg, pos, stop)
  local attrs = {}
  while pos + 4 <= stop do
    local len, kind = string.unpack(RTATTR, msg, pos)
    if len < 4 or pos + len > stop then break end
    attrs[kind] = msg:sub(pos + 4, pos + len - 1)
    pos = pos + align4(len)
  end
  return attrs
end

-- One link from an RTM_NEWLINK message starting at pos, len bytes long.
local function parse_link(msg, pos, len)
  local _, hatype, index, flags = string.unpack(IFINFOMSG, msg, pos + 16)
  local a = attributes(msg, pos + HEADER_LEN, pos + len)
  return {
    index = index,
    name = a[IFLA_IFNAME] and a[IFLA_IFNAME]:match("^[^%z]*") or "?",
    flags = flags,
    hatype = hatype,
    mtu = a[IFLA_MTU] and string.unpack("=I4", a[IFLA_MTU]),
    link = a[IFLA_LINK] and string.unpack("=i4", a[IFLA_LINK]),
    state = a[IFLA_OPERSTATE] and OPERSTATES[a[IFLA_OPERSTATE]:byte()],
    address = a[IFLA_ADDRESS],
  }
end

-- Every link of the namespace, in the kernel's order.
local function dump_links()
  local fd = assert(llsocket.socket(opt.AF_NETLINK, opt.SOCK_RAW,
                                    opt.NETLINK_ROUTE))
  local kernel = llsocket.addr.netlink(0)
  local request = string.pack(NLMSGHDR, 16 + 16, RTM_GETLINK,
                              NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
    .. string.pack(IFINFOMSG, opt.AF_UNSPEC, 0, 0, 0, 0)
  assert(llsocket.sendto(fd, request, kernel))
  local links = {}
  while true do
    local msg, from = llsocket.recvfrom(fd, 65536)
    if not msg then
      llsocket.close(fd)
      error("recvfrom: " .. llsocket.strerror(from))
    end
    assert(from:pid() == 0, "a reply not from the kernel: " .. tostring(from))
    local pos = 1
    while pos + 16 <= #msg + 1 do
      local len, kind = string.unpack(NLMSGHDR, msg, pos)
      if len < 16 then break end
      if kind == NLMSG_DONE then
        llsocket.close(fd)
        return links
      elseif kind == NLMSG_ERROR then
        llsocket.close(fd)
        error("netlink: " .. llsocket.strerror(-string.unpack("=i4", msg,
                                                               pos + 16)))
      elseif kind == RTM_NEWLINK then
        links[#links + 1] = parse_link(msg, pos, len)
      end
      pos = pos + align4(len)
    end
  end
end

local links = dump_links()
local names = {}
for _, l in ipairs(links) do names[l.index] = l.name end
for _, l in ipairs(links) do
  local name = l.name
  if l.link and l.link ~= 0 and l.link ~= l.index then
    name = name .. "@" .. (names[l.link] or ("if" .. l.link))
  end
  local kind = l.hatype == opt.ARPHRD_ETHER and "ether"
               or l.hatype == opt.ARPHRD_LOOPBACK and "loopback"
               or ("[" .. l.hatype .. "]")
  print(string.format("%d: %s: <%s> mtu %s state %s link/%s %s", l.index,
                      name, flag_list(l.flags), l.mtu or "?",
                      l.state or "UNKNOWN", kind,
                      l.address and hex_bytes(l.address) or ""))
end
