-- A traceroute over the socket error queue: sends UDP probes to HOST with
-- a time-to-live of 1, 2, 3 ... and reads, for each, what came back
-- through MSG_ERRQUEUE: "time exceeded" from a router on the way (its
-- address is the hop), or "port unreachable" from HOST itself, which ends
-- the trace.  No raw socket and no privilege: the kernel decodes the ICMP
-- reply and the error queue hands it over with who sent it.
--
-- usage: llsockrun examples/traceroute-probe.lua [-m MAXHOPS] [-w SECONDS]
--                                                [-p PORT] [HOST]
-- HOST defaults to 127.0.0.1, PORT (where nothing should listen) to 33434,
-- MAXHOPS to 30 and the wait for each reply to 2 seconds.  Exits 0 when
-- HOST answered, 1 when it did not within MAXHOPS.
local llsocket = require "llsocket"
local opt = llsocket.opt

local USAGE = "usage: traceroute-probe.lua [-m MAXHOPS] [-w SECONDS] " ..
              "[-p PORT] [HOST]"

local function usage(why)
  io.stderr:write("traceroute-probe.lua: ", why, "\n", USAGE, "\n")
  os.exit(2)
end

-- The options and HOST from arg; each number within its bounds.
local function parse_args()
  local o = { host = "127.0.0.1", port = 33434, maxhops = 30, wait = 2 }
  local numbers = {
    ["-m"] = { "maxhops", 1, 255, math.tointeger },
    ["-p"] = { "port", 1, 65535, math.tointeger },
    ["-w"] = { "wait", 0.001, 60, tonumber },
  }
  local i = 1
  while arg[i] do
    local a = arg[i]
    local spec = numbers[a]
    if spec then
      local v = arg[i + 1] and spec[4](tonumber(arg[i + 1]))
      if not v or v < spec[2] or v > spec[3] then
        usage(string.format("%s wants a number from %s to %s", a, spec[2],
                            spec[3]))
      end
      o[spec[1]] = v
      i = i + 2
    elseif a:sub(1, 1) == "-" then
      usage("unknown option " .. a)
    elseif arg[i + 1] then
      usage("one HOST only")
    else
      o.host = a
      i = i + 1
    end
  end
  return o
end

local o = parse_args()
local found, err = llsocket.getaddrinfo(o.host, o.port, opt.SOCK_DGRAM)
if not found then usage(o.host .. ": " .. llsocket.strerror(err)) end
local target = found[1]
local v6 = target:family() == opt.AF_INET6
local fd = assert(llsocket.socket(target:family(), opt.SOCK_DGRAM))
assert(opt.recverr(fd, true))

local ICMP_NAMES = {
  icmp = { [0] = "echo reply", [3] = "unreachable", [11] = "time exceeded" },
  icmp6 = { [1] = "unreachable", [3] = "time exceeded" },
}

-- The error queue entry caused by the probe whose payload is probe, or
-- nil after o.wait seconds.  Replies to earlier probes that come late are
-- dropped: the queue gives back the payload of the datagram concerned.
local function wait_reply(probe)
  local deadline = llsocket.clock() + o.wait
  while true do
    local left = deadline - llsocket.clock()
    if left <= 0 or not llsocket.readable(fd, left) then return nil end
    local m, e, again = llsocket.recvmsg(fd, 512, 512, opt.MSG_ERRQUEUE)
    if m and m.errqueue and m.data == probe then return m.errqueue end
    if not m and not again then
      error("recvmsg MSG_ERRQUEUE: " .. llsocket.strerror(e))
    end
  end
end

print(string.format("traceroute to %s, %d hops max", tostring(target),
                    o.maxhops))
local reached = false
for ttl = 1, o.maxhops do
  if v6 then opt.hoplimit(fd, ttl) else opt.ttl(fd, ttl) end
  local probe = "llsock probe " .. ttl
  assert(llsocket.sendto(fd, probe, target))
  local ee = wait_reply(probe)
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
    if ee.errno == llsocket.errno.ECONNREFUSED then
      reached = true
      break
    end
  end
end
llsocket.close(fd)
os.exit(reached and 0 or 1)
