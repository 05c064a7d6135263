-- make check-soak: 1,000,000 messages over TCP, UDP and unix sockets
-- through llsocket, every byte verified, and the process's resident memory
-- at the end within 10% of what it was after a warm-up.  Bounded: it stops
-- with a failure after LIMIT_SECONDS whatever happens.
--
-- One process talks to itself: each round sends a burst of messages (well
-- under any socket buffer, so a send never waits) and then receives them
-- all, with a receive timeout so that a lost message fails rather than
-- hangs.  Loopback and a temporary directory only.
local llsocket = require "llsocket"
local opt = llsocket.opt

local TOTAL = tonumber(os.getenv("SOAK_MESSAGES")) or 1000000
local LIMIT_SECONDS = tonumber(os.getenv("SOAK_LIMIT_SECONDS")) or 600
-- Messages sent before they are received: a unix datagram socket queues
-- only net.unix.max_dgram_qlen of them (10 by default) before a send waits.
local BURST = { ["tcp"] = 32, ["udp"] = 32, ["unix stream"] = 32,
                ["unix datagram"] = 8 }
local WARMUP = 0.1     -- fraction of the messages before the first reading
local RSS_SLACK = 0.10

local started = llsocket.clock()

local function rss_kib()
  local f = assert(io.open("/proc/self/status"))
  local kib
  for line in f:lines() do
    kib = kib or tonumber(line:match("^VmRSS:%s+(%d+)%s+kB"))
  end
  f:close()
  return assert(kib, "no VmRSS in /proc/self/status")
end

local function check(cond, fmt, ...)
  if not cond then error(string.format(fmt, ...), 2) end
end

local function ok(v, err, ...)
  check(v ~= nil, "llsocket call failed: %s", err and llsocket.strerror(err) or "?")
  return v, err, ...
end

-- Message i: its number, then a body whose length and bytes depend on i,
-- so that a message delivered twice, late or with one byte wrong fails.
local bodies = {}
for k = 0, 96 do
  local len = (k * 617) % 1400
  local bytes = {}
  for j = 1, len do bytes[j] = string.char((j * 31 + k) % 256) end
  bodies[k] = table.concat(bytes)
end
local function message(i)
  return string.pack(">I4", i) .. bodies[i % 97]
end

local function act(err)
  check(err == nil, "llsocket call failed: %s", err and llsocket.strerror(err))
end

local function timeout(fd)
  ok(opt.rcvtimeo(fd, 5))
end

-- A stream carries length-prefixed messages; a receive may return any
-- part of the stream, so the receiver keeps what it has not parsed yet.
local function stream_transport(name, a, b)
  timeout(b)
  local pending = ""
  local t = { name = name }
  function t.send(i)
    local m = message(i)
    local framed = string.pack(">s2", m)
    local sent = 0
    while sent < #framed do
      local n = ok(llsocket.send(a, framed:sub(sent + 1)))
      sent = sent + n
    end
  end
  function t.recv(i)
    while true do
      if #pending >= 2 then
        local len = string.unpack(">I2", pending)
        if #pending >= 2 + len then
          local m = pending:sub(3, 2 + len)
          pending = pending:sub(3 + len)
          check(m == message(i), "%s: message %d differs", name, i)
          return
        end
      end
      local data = ok(llsocket.recv(b, 65536))
      check(#data > 0, "%s: end of stream at message %d", name, i)
      pending = pending .. data
    end
  end
  function t.close()
    check(pending == "", "%s: %d bytes left over", name, #pending)
    llsocket.close(a)
    llsocket.close(b)
  end
  return t
end

local function datagram_transport(name, a, b, to)
  timeout(b)
  local t = { name = name }
  function t.send(i)
    local n = ok(llsocket.sendto(a, message(i), to))
    check(n == #message(i), "%s: short send of message %d", name, i)
  end
  function t.recv(i)
    local data = ok(llsocket.recv(b, 2048))
    check(data == message(i), "%s: message %d differs", name, i)
  end
  function t.close()
    check(llsocket.recv(b, 2048, opt.MSG_DONTWAIT) == nil,
          "%s: a datagram left over", name)
    llsocket.close(a)
    llsocket.close(b)
  end
  return t
end

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -m 700 " .. dir))

local transports = {}
do
  local l = ok(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  act(llsocket.listen(l))
  local port = ok(llsocket.sockname(l)):port()
  local c = ok(llsocket.inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local s = ok(llsocket.accept(l))
  llsocket.close(l)
  transports[#transports + 1] = stream_transport("tcp", c, s)

  local u1 = ok(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local u2 = ok(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  transports[#transports + 1] =
    datagram_transport("udp", u1, u2, ok(llsocket.sockname(u2)))

  local path = dir .. "/stream"
  local ul = ok(llsocket.unix.bind(path, opt.SOCK_STREAM))
  act(llsocket.listen(ul))
  local uc = ok(llsocket.unix.connect(path, opt.SOCK_STREAM))
  local us = ok(llsocket.accept(ul))
  llsocket.close(ul)
  transports[#transports + 1] = stream_transport("unix stream", uc, us)

  local d2 = ok(llsocket.unix.bind(dir .. "/dgram", opt.SOCK_DGRAM))
  local d1 = ok(llsocket.socket(opt.AF_UNIX, opt.SOCK_DGRAM))
  transports[#transports + 1] = datagram_transport(
    "unix datagram", d1, d2, llsocket.addr.unix(dir .. "/dgram"))
end

local counts, bytes = {}, 0
local warm_rss, warm_at
local i, round = 0, 0
while i < TOTAL do
  local t = transports[round % #transports + 1]
  local last = math.min(i + BURST[t.name], TOTAL)
  round = round + 1
  for k = i + 1, last do t.send(k) end
  for k = i + 1, last do t.recv(k); bytes = bytes + #message(k) end
  counts[t.name] = (counts[t.name] or 0) + (last - i)
  i = last
  if not warm_rss and i >= TOTAL * WARMUP then
    collectgarbage("collect")
    warm_rss, warm_at = rss_kib(), i
  end
  check(llsocket.clock() - started < LIMIT_SECONDS,
        "over %d seconds after %d messages", LIMIT_SECONDS, i)
end
for _, t in ipairs(transports) do t.close() end
os.remove(dir .. "/stream")
os.remove(dir .. "/dgram")
os.remove(dir)

collectgarbage("collect")
local end_rss = rss_kib()
local seconds = llsocket.clock() - started
for _, t in ipairs(transports) do
  print(string.format("soak: %-13s %8d messages", t.name, counts[t.name]))
end
print(string.format("soak: %d messages, %d bytes verified in %.1f s " ..
                    "(%.0f messages/s)", TOTAL, bytes, seconds,
                    TOTAL / seconds))
print(string.format("soak: RSS %d KiB after %d messages (warm-up), %d KiB " ..
                    "at the end (%+.1f%%, limit +%d%%)", warm_rss, warm_at,
                    end_rss, (end_rss - warm_rss) * 100 / warm_rss,
                    RSS_SLACK * 100))
check(end_rss <= warm_rss * (1 + RSS_SLACK), "RSS grew more than %d%%",
      RSS_SLACK * 100)
