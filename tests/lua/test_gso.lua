-- UDP segmentation offload: opt.udp_segment and opt.udp_gro, a segment
-- size per sendmsg and per sendmmsg message, recvmsg's `segment` and
-- recvsegments, proven on loopback against the datagrams that arrive.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

-- Bytes that say where they were: a datagram out of place does not match.
local function pattern(len)
  local t = {}
  for i = 1, len do t[i] = string.char((i * 7 + math.floor(i / 251)) % 256) end
  return table.concat(t)
end

-- Every datagram waiting on fd, read without blocking.
local function drain(fd)
  local got = {}
  T.ok("rcvtimeo", opt.rcvtimeo(fd, 2))
  got[1] = T.ok("first datagram", llsocket.recv(fd, 65536))
  for _ = 1, 200 do
    local d, e, again = llsocket.recv(fd, 65536, opt.MSG_DONTWAIT)
    if not d then
      T.truthy(again, "drained: " .. T.errdesc(e))
      return got
    end
    got[#got + 1] = d
  end
  error("more than 200 datagrams")
end

-- The pieces data must arrive as, size bytes each but the last.
local function pieces(data, size)
  local t = {}
  for i = 1, #data, size do t[#t + 1] = data:sub(i, i + size - 1) end
  return t
end

local function same_list(got, want, what)
  T.eq(#got, #want, what .. ": count")
  for i = 1, #want do T.eq(got[i], want[i], what .. " #" .. i) end
end

local function gso_pair(t)
  local r, s, ra = t:udppair()
  if opt.udp_segment(s) == nil then t:skip("no UDP GSO in this kernel") end
  return r, s, ra
end

T.case("opt.udp_segment and opt.udp_gro read back; ranges are checked",
       function(t)
  local _, s = gso_pair(t)
  T.eq(opt.udp_segment(s), 0, "default")
  T.eq(opt.udp_segment(s, 1200), 1200, "set")
  T.eq(opt.udp_segment(s, 0), 0, "off")
  T.argerror(2, "udp_segment -1", opt.udp_segment, s, -1)
  T.argerror(2, "udp_segment 65536", opt.udp_segment, s, 65536)
  T.eq(opt.udp_gro(s), false, "gro default")
  T.eq(opt.udp_gro(s, true), true, "gro on")
  T.eq(type(opt.UDP_SEGMENT), "number", "UDP_SEGMENT")
  T.eq(type(opt.UDP_GRO), "number", "UDP_GRO")
  local c = t:tcppair()
  T.fails("ENOPROTOOPT", "udp_gro on TCP", opt.udp_gro(c, true))
end)

T.case("sendmsg with {segment = n}: one call, datagrams of n bytes",
       function(t)
  local r, s, ra = gso_pair(t)
  for _, len in ipairs({ 1000, 1050, 1, 100 }) do
    local data = pattern(len)
    T.eq(llsocket.sendmsg(s, data, ra, { segment = 100 }), len, "sent")
    same_list(drain(r), pieces(data, 100), "arrived " .. len)
  end
  -- with other ancillary data in the same control table
  local data = pattern(250)
  T.eq(llsocket.sendmsg(s, { data:sub(1, 7), data:sub(8) }, ra,
                        { { opt.IPPROTO_IP, opt.IP_TOS, string.pack("=i", 0) },
                          segment = 64 }), 250, "iovecs and control")
  same_list(drain(r), pieces(data, 64), "arrived with control")
  T.argerror(4, "segment 0", llsocket.sendmsg, s, "x", ra, { segment = 0 })
  T.argerror(4, "segment string", llsocket.sendmsg, s, "x", ra,
             { segment = "9" })
  T.iofails("EINVAL", false, "more than 128 segments",
            llsocket.sendmsg(s, pattern(1290), ra, { segment = 10 }))
end)

T.case("sendmmsg with a segment size per message", function(t)
  local r, s, ra = gso_pair(t)
  local r2 = t:own("second receiver",
                   llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local ra2 = T.ok("sockname", llsocket.sockname(r2))
  local a, b = pattern(300), pattern(200)
  T.eq(llsocket.sendmmsg(s, { { a, ra, segment = 100 }, { b, ra2, segment = 50 },
                              { "plain", ra } }), 3, "messages sent")
  same_list(drain(r), { a:sub(1, 100), a:sub(101, 200), a:sub(201), "plain" },
            "first receiver")
  same_list(drain(r2), pieces(b, 50), "second receiver")
  T.argerror(2, "segment 70000", llsocket.sendmmsg, s,
             { { "x", ra, segment = 70000 } })
end)

T.case("with udp_gro, recvmsg reports the segment and recvsegments splits",
       function(t)
  local r, s, ra = gso_pair(t)
  T.eq(opt.udp_gro(r, true), true, "gro on")
  local data = pattern(1000)
  T.eq(llsocket.sendmsg(s, data, ra, { segment = 100 }), 1000, "sent")
  T.ok("rcvtimeo", opt.rcvtimeo(r, 2))
  local m = T.ok("recvmsg", llsocket.recvmsg(r, 4096))
  T.eq(m.data, data, "coalesced payload")
  T.eq(m.segment, 100, "segment size")
  T.eq(#m.control, 0, "decoded, so not also raw")

  data = pattern(1030)
  T.eq(llsocket.sendmsg(s, data, ra, { segment = 100 }), 1030, "sent")
  local d, from = T.ok("recvsegments", llsocket.recvsegments(r, 4096))
  same_list(d, pieces(data, 100), "split")
  T.eq(from, T.ok("sockname", llsocket.sockname(s)), "sender")

  T.eq(llsocket.sendto(s, "lone", ra), 4, "a plain datagram")
  d = T.ok("recvsegments", llsocket.recvsegments(r))
  same_list(d, { "lone" }, "one datagram")
  T.eq(llsocket.sendto(s, "", ra), 0, "an empty datagram")
  d = T.ok("recvsegments", llsocket.recvsegments(r))
  same_list(d, { "" }, "empty datagram")
  T.iofails("EAGAIN", true, "nothing waiting",
            llsocket.recvsegments(r, 100, opt.MSG_DONTWAIT))
  T.argerror(2, "len 0", llsocket.recvsegments, r, 0)
end)

T.done()
