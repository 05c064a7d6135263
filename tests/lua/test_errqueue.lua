-- The error queue: opt.recverr and opt.zerocopy, and recvmsg(...,
-- MSG_ERRQUEUE) decoding what the kernel queued into `errqueue`: ICMP port
-- unreachable on loopback, path-MTU errors in namespaces (local, and from
-- a router on the way), zerocopy completions.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

-- The next error queue entry of fd, waiting up to two seconds for it.
local function next_error(fd)
  for _ = 1, 200 do
    local m, e, again = llsocket.recvmsg(fd, 256, 256, opt.MSG_ERRQUEUE,
                                         opt.MSG_DONTWAIT)
    if m then return m end
    T.truthy(again, "recvmsg MSG_ERRQUEUE: " .. T.errdesc(e))
    os.execute("sleep 0.01")
  end
  error("nothing in the error queue after 2 s")
end

-- A port on host with nothing bound to it.
local function closed_port(t, host)
  local fd = t:own("bind", llsocket.inet.bind(host, 0, opt.SOCK_DGRAM))
  local a = T.ok("sockname", llsocket.sockname(fd))
  t:close(fd)
  return a
end

-- On A of the chain A -- R -- B whose R--B link has an MTU of 1280: a
-- 1400-byte datagram to B leaves A, and R answers "too big" with 1280.
local function pmtu_from_router(want)
  local fd = assert(llsocket.inet.connect(want.to, 9, opt.SOCK_DGRAM))
  T.nothing("pmtudisc", llsocket.setsockopt(fd, want.level, want.option,
                                            want.value))
  T.eq(opt.recverr(fd, true), true, "recverr")
  local payload = string.rep("p", 1400)
  T.eq(llsocket.send(fd, payload), 1400, "the datagram leaves A")
  local m = next_error(fd)
  local ee = T.truthy(m.errqueue, "errqueue decoded")
  T.eq(ee.errno, llsocket.errno.EMSGSIZE, "errno")
  T.eq(ee.origin, want.origin, "origin")
  T.eq(ee.type, want.type, "ICMP type")
  T.eq(ee.code, want.code, "ICMP code")
  T.eq(ee.info, 1280, "the next hop's MTU")
  T.eq(T.truthy(ee.offender, "offender"):host(), want.router, "offender")
  T.eq(m.data, payload:sub(1, #m.data), "the payload comes back")
  T.iofails("EMSGSIZE", false, "A learnt the path MTU",
            llsocket.send(fd, payload))
  llsocket.close(fd)
end

T.netns_part({
  router_pmtu4 = function()
    pmtu_from_router({ level = opt.IPPROTO_IP, option = opt.IP_MTU_DISCOVER,
                       value = opt.IP_PMTUDISC_DO, to = "10.99.2.2",
                       router = "10.99.1.2", origin = "icmp", type = 3,
                       code = 4 })
  end,
  router_pmtu6 = function()
    pmtu_from_router({ level = opt.IPPROTO_IPV6,
                       option = opt.IPV6_MTU_DISCOVER,
                       value = opt.IPV6_PMTUDISC_DO, to = "fd00:99:2::2",
                       router = "fd00:99:1::2", origin = "icmp6", type = 2,
                       code = 0 })
  end,
  pmtu = function()
    local rx = assert(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
    local to = assert(llsocket.sockname(rx))
    local fd = assert(llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
    T.nothing("pmtudisc", llsocket.setsockopt(fd, opt.IPPROTO_IP,
                                              opt.IP_MTU_DISCOVER,
                                              opt.IP_PMTUDISC_DO))
    T.eq(opt.recverr(fd, true), true, "recverr")
    T.nothing("connect", llsocket.connect(fd, to))
    T.iofails("EMSGSIZE", false, "send over the MTU",
              llsocket.send(fd, string.rep("m", 2000)))
    local m = next_error(fd)
    local ee = T.truthy(m.errqueue, "errqueue decoded")
    T.eq(ee.errno, llsocket.errno.EMSGSIZE, "errno")
    T.eq(ee.origin, "local", "origin")
    T.eq(ee.info, 1300, "the MTU")
    T.eq(ee.offender, nil, "no offender")
    llsocket.close(fd)
    llsocket.close(rx)
  end,
})

T.case("opt.recverr and opt.zerocopy read back", function(t)
  local a = t:udppair()
  T.eq(opt.recverr(a), false, "default")
  T.eq(opt.recverr(a, true), true, "on")
  T.eq(opt.zerocopy(a), false, "zerocopy default")
  local u1, u2 = llsocket.socketpair(opt.SOCK_DGRAM)
  t:own("pair", u1)
  t:own("pair", u2)
  T.fails("EOPNOTSUPP", "recverr on unix", opt.recverr(u1))
end)

T.case("port unreachable over 127.0.0.1: ICMP 3/3 from 127.0.0.1", function(t)
  local fd = t:own("udp", llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local to = closed_port(t, "127.0.0.1")
  T.eq(opt.recverr(fd, true), true, "recverr")
  T.eq(llsocket.sendto(fd, "probe", to), 5, "sendto")
  local m = next_error(fd)
  T.eq(m.data, "probe", "the payload comes back")
  T.truthy(T.band(m.flags, opt.MSG_ERRQUEUE) ~= 0, "MSG_ERRQUEUE in flags")
  local ee = T.truthy(m.errqueue, "errqueue")
  T.eq(ee.errno, llsocket.errno.ECONNREFUSED, "errno")
  T.eq(ee.origin, "icmp", "origin")
  T.eq(ee.type, 3, "ICMP destination unreachable")
  T.eq(ee.code, 3, "port unreachable")
  T.eq(ee.offender:host(), "127.0.0.1", "offender")
  T.eq(ee.zerocopy, nil, "no zerocopy range")
  T.eq(#m.control, 0, "decoded, so not also raw")
  T.iofails("EAGAIN", true, "the queue is empty now",
            llsocket.recvmsg(fd, 256, 256, opt.MSG_ERRQUEUE, opt.MSG_DONTWAIT))
end)

T.case("port unreachable over ::1: ICMPv6 1/4 from ::1", function(t)
  local fd, e = llsocket.inet.bind("::1", 0, opt.SOCK_DGRAM)
  if not fd then t:skip("::1 is not usable here: " .. T.errdesc(e)) end
  t:own("udp6", fd)
  local to = closed_port(t, "::1")
  T.eq(opt.recverr(fd, true), true, "recverr")
  T.eq(llsocket.sendto(fd, "probe6", to), 6, "sendto")
  local ee = T.truthy(next_error(fd).errqueue, "errqueue")
  T.eq(ee.errno, llsocket.errno.ECONNREFUSED, "errno")
  T.eq(ee.origin, "icmp6", "origin")
  T.eq(ee.type, 1, "ICMPv6 destination unreachable")
  T.eq(ee.code, 4, "port unreachable")
  T.eq(ee.offender:host(), "::1", "offender")
end)

T.case("zerocopy sends complete as a range of send numbers", function(t)
  local c, s = t:tcppair()
  local on, e = opt.zerocopy(c, true)
  if on == nil then t:skip("no SO_ZEROCOPY: " .. T.errdesc(e)) end
  local data = string.rep("z", 8192)
  T.eq(llsocket.send(c, data, opt.MSG_ZEROCOPY), 8192, "first send")
  T.eq(llsocket.send(c, data, opt.MSG_ZEROCOPY), 8192, "second send")
  local next_id = 0
  for _ = 1, 4 do
    if next_id == 2 then break end
    local ee = T.truthy(next_error(c).errqueue, "errqueue")
    T.eq(ee.origin, "zerocopy", "origin")
    T.eq(ee.errno, 0, "no error")
    local range = T.truthy(ee.zerocopy, "range")
    T.eq(range.first, next_id, "first")
    T.truthy(range.last >= range.first, "last")
    T.eq(range.copied, true, "loopback copies")
    next_id = range.last + 1
  end
  T.eq(next_id, 2, "both sends completed")
  t:close(s)
end)

T.case("a datagram over the path MTU: a local EMSGSIZE with the MTU",
       function(t)
  t:in_netns("ip link set lo mtu 1300 && ip link set lo up", "pmtu")
end)

T.case("a router answers ICMP 3/4 \"fragmentation needed\" with MTU 1280",
       function(t)
  t:in_netns(T.netns_chain(1, 1280), "router_pmtu4")
end)

T.case("a router answers ICMPv6 2/0 \"packet too big\" with MTU 1280",
       function(t)
  t:in_netns(T.netns_chain(1, 1280), "router_pmtu6")
end)

T.done()
