-- llsocket.addr.netlink, .packet and .vsock: values, accessors, tostring,
-- bad arguments, and use with the kernel (a route netlink dump and a frame
-- over a veth pair, each in a network namespace of its own).
local T = require "testlib"
local llsocket = T.llsocket
local addr, opt = llsocket.addr, llsocket.opt

-- An experimental ethertype (IEEE 802 local use): nothing else sends it.
local TEST_ETHERTYPE = 0x88b5

local function htons(n)
  return n % 256 * 256 + math.floor(n / 256)
end

-- ---- the parts that run inside a namespace -------------------------------
-- Case:in_netns runs this file again in a namespace with one of these as
-- arg[1]; each raises an error on failure.
local in_netns = {}

-- The index of a link, as iproute2 reports it.
local function ifindex_of(name)
  local p = assert(io.popen("ip -o link show dev " .. name))
  local index = p:read("*l"):match("^(%d+):")
  p:close()
  return assert(math.tointeger(index), "no index for " .. name)
end

function in_netns.links()
  local fd = assert(llsocket.socket(opt.AF_NETLINK, opt.SOCK_RAW,
                                    opt.NETLINK_ROUTE))
  T.nothing("bind netlink", llsocket.bind(fd, addr.netlink()))
  local me = T.ok("sockname", llsocket.sockname(fd))
  T.eq(me:family(), opt.AF_NETLINK, "sockname family")
  T.truthy(me:pid() ~= 0, "the kernel assigned a port id")
  -- RTM_GETLINK (18), NLM_F_REQUEST | NLM_F_DUMP, then an empty ifinfomsg
  local request = string.pack("=I4I2I2I4I4", 32, 18, 0x301, 7, 0)
                  .. string.rep("\0", 16)
  T.eq(llsocket.sendto(fd, request, addr.netlink(0)), 32, "sendto kernel")
  local names, done = {}, false
  for _ = 1, 100 do
    local msg, from = T.ok("recvfrom", llsocket.recvfrom(fd, 65536))
    T.eq(from:family(), opt.AF_NETLINK, "sender family")
    T.eq(from:pid(), 0, "sender is the kernel")
    T.eq(tostring(from), "netlink:0", "tostring of the sender")
    local pos = 1
    while pos + 16 <= #msg + 1 do
      local len, kind = string.unpack("=I4I2", msg, pos)
      if kind == 3 then done = true break end -- NLMSG_DONE
      T.eq(kind, 16, "RTM_NEWLINK")
      local a = pos + 32
      while a + 4 <= pos + len do
        local alen, atype = string.unpack("=I2I2", msg, a)
        if atype == 3 then -- IFLA_IFNAME
          names[msg:sub(a + 4, a + alen - 1):match("^[^%z]*")] = true
        end
        a = a + alen + 3 - (alen + 3) % 4
      end
      pos = pos + len + 3 - (len + 3) % 4
    end
    if done then break end
  end
  llsocket.close(fd)
  T.truthy(done, "the dump ended")
  for _, name in ipairs({ "lo", "llsk0", "llsk1" }) do
    T.truthy(names[name], "link " .. name .. " in the dump")
  end
end

function in_netns.packet()
  local rx_index, tx_index = ifindex_of("llsk1"), ifindex_of("llsk0")
  local mac0, mac1 = "\2\0\0\0\17\0", "\2\0\0\0\17\1"
  local rx, e = llsocket.socket(opt.AF_PACKET, opt.SOCK_DGRAM,
                                htons(TEST_ETHERTYPE))
  if not rx and e == llsocket.errno.EPERM then
    print("skip: no CAP_NET_RAW for packet sockets")
    os.exit(77)
  end
  T.ok("packet socket", rx, e)
  T.nothing("bind", llsocket.bind(rx, addr.packet(TEST_ETHERTYPE, rx_index)))
  local name = T.ok("sockname", llsocket.sockname(rx))
  T.eq(name:ifindex(), rx_index, "bound ifindex")
  T.eq(name:protocol(), TEST_ETHERTYPE, "bound protocol")
  T.eq(name:hatype(), opt.ARPHRD_ETHER, "bound hatype")
  T.eq(name:hwaddr(), mac1, "bound hardware address")

  local tx = assert(llsocket.socket(opt.AF_PACKET, opt.SOCK_DGRAM, 0))
  local to = addr.packet(TEST_ETHERTYPE, tx_index, mac1)
  T.eq(llsocket.sendto(tx, "hello, veth", to), 11, "sendto")
  T.ok("rcvtimeo", opt.rcvtimeo(rx, 2))
  local data, from = T.ok("recvfrom", llsocket.recvfrom(rx))
  T.eq(data, "hello, veth", "payload")
  T.eq(from:family(), opt.AF_PACKET, "sender family")
  T.eq(from:ifindex(), rx_index, "arrival interface")
  T.eq(from:protocol(), TEST_ETHERTYPE, "ethertype")
  T.eq(from:hatype(), opt.ARPHRD_ETHER, "hardware type")
  T.eq(from:pkttype(), opt.PACKET_HOST, "packet type")
  T.eq(from:hwaddr(), mac0, "sender's hardware address")
  T.match(tostring(from), "^packet:llsk1/0x88b5/02:00:00:00:11:00$",
          "tostring")
  llsocket.close(tx)
  llsocket.close(rx)
end

T.netns_part(in_netns)

-- ---- values ---------------------------------------------------------------

T.case("addr.netlink: pid and groups, defaults 0, tostring", function()
  local a = addr.netlink(4000000000, 0x11)
  T.eq(a:family(), opt.AF_NETLINK, "family")
  T.eq(a:pid(), 4000000000, "pid")
  T.eq(a:groups(), 0x11, "groups")
  T.eq(tostring(a), "netlink:4000000000/0x11", "tostring")
  local k = addr.netlink()
  T.eq(k:pid(), 0, "default pid")
  T.eq(k:groups(), 0, "default groups")
  T.eq(tostring(k), "netlink:0", "tostring of the kernel")
  T.eq(addr.netlink(nil, 1):groups(), 1, "nil pid")
  for _, m in ipairs({ "host", "port", "path", "cid", "ifindex", "hatype",
                       "pkttype", "hwaddr" }) do
    T.eq(k[m](k), nil, m .. " of a netlink address")
  end
end)

T.case("addr.vsock: cid and port up to 2^32-1, tostring", function()
  local a = addr.vsock(opt.VMADDR_CID_HOST, 1234)
  T.eq(a:family(), opt.AF_VSOCK, "family")
  T.eq(a:cid(), 2, "cid")
  T.eq(a:port(), 1234, "port")
  T.eq(tostring(a), "vsock:2:1234", "tostring")
  local any = addr.vsock(opt.VMADDR_CID_ANY, opt.VMADDR_PORT_ANY)
  T.eq(any:cid(), 0xffffffff, "any cid")
  T.eq(any:port(), 0xffffffff, "any port")
  T.eq(any:pid(), nil, "pid of a vsock address")
end)

T.case("addr.packet: every field reads back, tostring shows the interface",
       function()
  local mac = "\2\0\0\0\171\205"
  local a = addr.packet(opt.ETH_P_IP, 1, mac, opt.ARPHRD_ETHER,
                        opt.PACKET_BROADCAST)
  T.eq(a:family(), opt.AF_PACKET, "family")
  T.eq(a:protocol(), 0x0800, "protocol")
  T.eq(a:ifindex(), 1, "ifindex")
  T.eq(a:hwaddr(), mac, "hwaddr")
  T.eq(a:hatype(), 1, "hatype")
  T.eq(a:pkttype(), opt.PACKET_BROADCAST, "pkttype")
  T.match(tostring(a), "^packet:[%w]+/0x0800/02:00:00:00:ab:cd$", "tostring")
  local any = addr.packet(opt.ETH_P_ALL, 0)
  T.eq(any:hwaddr(), "", "no hwaddr")
  T.eq(tostring(any), "packet:any/0x0003", "tostring")
  local long = addr.packet(0, 0, string.rep("\238", 32))
  T.eq(long:hwaddr(), string.rep("\238", 32), "32-byte hwaddr")
  T.eq(any:port(), nil, "port of a packet address")
end)

T.case("new families compare by value", function()
  T.truthy(addr.netlink(5, 1) == addr.netlink(5, 1), "same netlink")
  T.truthy(addr.netlink(5, 1) ~= addr.netlink(5, 2), "other groups")
  T.truthy(addr.vsock(3, 4) == addr.vsock(3, 4), "same vsock")
  T.truthy(addr.vsock(3, 4) ~= addr.vsock(4, 3), "other vsock")
  T.truthy(addr.packet(1, 1, "ab") == addr.packet(1, 1, "ab"), "same packet")
  T.truthy(addr.packet(1, 1, "ab") ~= addr.packet(1, 1, "ac"), "other mac")
end)

T.case("bad arguments raise errors naming the argument", function()
  T.argerror(1, "negative pid", addr.netlink, -1)
  T.argerror(1, "pid beyond 32 bits", addr.netlink, 0x100000000)
  T.argerror(2, "groups as string", addr.netlink, 0, "1")
  T.argerror(1, "missing cid", addr.vsock)
  T.argerror(2, "missing port", addr.vsock, 1)
  T.argerror(2, "fractional port", addr.vsock, 1, 1.5)
  T.argerror(1, "protocol beyond 16 bits", addr.packet, 0x10000, 0)
  T.argerror(2, "negative ifindex", addr.packet, 0, -1)
  T.argerror(2, "missing ifindex", addr.packet, 0)
  T.argerror(3, "hwaddr as number", addr.packet, 0, 0, 12)
  T.argerror(3, "hwaddr too long", addr.packet, 0, 0, string.rep("x", 33))
  T.argerror(4, "hatype beyond 16 bits", addr.packet, 0, 0, nil, 0x10000)
  T.argerror(5, "pkttype beyond 8 bits", addr.packet, 0, 0, nil, 0, 256)
end)

-- ---- the kernel ------------------------------------------------------------

T.case("a netlink socket bound to pid 0 gets a port id from the kernel",
       function(t)
  local fd = t:own("netlink socket", llsocket.socket(opt.AF_NETLINK,
                                                     opt.SOCK_RAW,
                                                     opt.NETLINK_ROUTE))
  T.nothing("bind", llsocket.bind(fd, addr.netlink(0, 0)))
  local me = T.ok("sockname", llsocket.sockname(fd))
  T.truthy(me:pid() > 0, "assigned pid")
  T.eq(tostring(me), "netlink:" .. me:pid(), "tostring")
  t:close(fd)
end)

T.case("a vsock socket bound to any cid reads back its port", function(t)
  local fd, e = llsocket.socket(opt.AF_VSOCK, opt.SOCK_STREAM)
  if not fd then t:skip("no vsock here: " .. T.errdesc(e)) end
  t:own("vsock socket", fd)
  local err = llsocket.bind(fd, addr.vsock(opt.VMADDR_CID_ANY,
                                           opt.VMADDR_PORT_ANY))
  if err then t:skip("no vsock transport to bind: " .. T.errdesc(err)) end
  local me = T.ok("sockname", llsocket.sockname(fd))
  T.eq(me:cid(), opt.VMADDR_CID_ANY, "cid")
  T.truthy(me:port() ~= opt.VMADDR_PORT_ANY, "a port was chosen")
  t:close(fd)
end)

local VETH_SETUP = "ip link set lo up && " ..
  "ip link add llsk0 address 02:00:00:00:11:00 type veth " ..
  "peer name llsk1 address 02:00:00:00:11:01 && " ..
  "ip link set llsk0 up && ip link set llsk1 up"

T.case("a route netlink dump of a namespace names lo and the veth pair",
       function(t) t:in_netns(VETH_SETUP, "links") end)

T.case("a packet socket on a veth end sees a frame from the other end",
       function(t) t:in_netns(VETH_SETUP, "packet") end)

T.done()
