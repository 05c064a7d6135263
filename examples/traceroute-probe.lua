-- A traceroute over the socket error queue: sends UDP probes to HOST PORT
-- with a time-to-live of 1, 2, 3 ... and reads, for each, what came back
-- through MSG_ERRQUEUE: "time exceeded" from a router on the way (its
-- address is the hop), or "port unreachable" from HOST itself, which ends
-- the trace.  No raw socket and no privilege: the kernel decodes the ICMP
-- reply and the error queue hands it over with who sent it.
--
-- usage: llsockrun examples/traceroute-probe.lua [HOST [PORT [MAXHOPS]]]
-- Defaults to 127.0.0.1, a port nothing listens on, 30 hops.
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = tonumber(arg[2] or "33434")
local maxhops = math.tointeger(tonumber(arg[3] or "30"))
local WAIT = 2 -- seconds to wait for each reply

local target = assert(llsocket.getaddrinfo(host, port, opt.SOCK_DGRAM))[1]
local v6 = target:family() == opt.AF_INET6
local fd = assert(llsocket.socket(target:family(), opt.SOCK_DGRAM))
assert(opt.recverr(fd, true))

local ICMP_NAMES = {
  icmp = { [0] = "echo reply", [3] = "unreachable", [11] = "time exceeded" },
  icmp6 = { [1] = "unreachable", [3] = "time exceeded" },
}

-- The next error queue entry, waiting up to WAIT seconds; nil on timeout.
local function wait_error()
  local deadline = os.time() + WAIT
  repeat
    local m = llsocket.recvmsg(fd, 512, 512, opt.MSG_ERRQUEUE,
                               opt.MSG_DONTWAIT)
    if m and m.errqueue then return m.errqueue end
    os.execute("sleep 0.01")
  until os.time() > deadline
end

print(string.format("traceroute to %s, %d hops max", tostring(target),
                    maxhops))
for ttl = 1, maxhops do
  if v6 then opt.hoplimit(fd, ttl) else opt.ttl(fd, ttl) end
  assert(llsocket.sendto(fd, "llsock probe " .. ttl, target))
  local ee = wait_error()
  if not ee then
    print(string.format("%2d  *", ttl))
  else
    local what = ICMP_NAMES[ee.origin] and ICMP_NAMES[ee.origin][ee.type]
                 or ee.origin
    print(string.format("%2d  %s  %s (%s %d/%d: %s)", ttl,
                        ee.offender and ee.offender:host() or "?",
                        llsocket.errname(ee.errno), ee.origin, ee.type,
                        ee.code, what))
    -- the destination answers "port unreachable": the trace is done
    if ee.errno == llsocket.errno.ECONNREFUSED then break end
  end
end
llsocket.close(fd)
