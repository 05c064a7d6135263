-- Waiting: clock, sleep, readable/writable, the poller object and connect
-- timeouts.  Time bounds are loose: these machines are shared and slow.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

local SLACK = 2.0

T.case("clock is monotonic seconds and sleep waits at least its time",
       function()
  local t0 = llsocket.clock()
  T.type(t0, "number", "clock")
  T.nothing("sleep", llsocket.sleep(0.02))
  local took = llsocket.clock() - t0
  T.truthy(took >= 0.02 and took < 0.02 + SLACK, "slept " .. took)
  T.nothing("sleep 0", llsocket.sleep(0))
end)

T.case("sleep refuses what is not a time", function()
  T.argerror(1, "no argument", llsocket.sleep)
  T.argerror(1, "nil", llsocket.sleep, nil)
  T.argerror(1, "negative", llsocket.sleep, -1)
  T.argerror(1, "NaN", llsocket.sleep, 0 / 0)
  T.argerror(1, "string", llsocket.sleep, "1")
  T.argerror(1, "infinite", llsocket.sleep, math.huge)
end)

T.case("readable and writable: true when ready, false on timeout",
       function(t)
  local a, b = t:tcppair()
  T.eq(llsocket.readable(a, 0), false, "nothing to read")
  T.eq(llsocket.writable(a, 0), true, "room to write")
  T.eq(llsocket.writable(a, nil), true, "nil timeout waits for ever")
  T.eq(llsocket.writable(a, math.huge), true, "so does an infinite one")
  T.eq(llsocket.send(b, "x"), 1, "send")
  T.eq(llsocket.readable(a, 2), true, "data arrived")
  T.eq(llsocket.readable(a), true, "no timeout")
  local t0 = llsocket.clock()
  T.eq(llsocket.readable(b, 0.05), false, "times out")
  local took = llsocket.clock() - t0
  T.truthy(took >= 0.05 and took < 0.05 + SLACK, "waited " .. took)
end)

T.case("readable reports a hang-up and a reset as ready", function(t)
  local a, b = t:tcppair()
  t:close(b)
  T.eq(llsocket.readable(a, 2), true, "EOF is readable")
  T.eq(llsocket.recv(a), "", "and reads as EOF")
  local c, d = t:tcppair()
  T.ok("linger 0", opt.linger(d, 0))
  t:close(d)
  T.eq(llsocket.writable(c, 2), true, "a reset is ready")
  T.eq(llsocket.error(c), llsocket.errno.ECONNRESET, "SO_ERROR says why")
end)

T.case("readable and writable on bad fds and bad timeouts", function(t)
  local closed = t:own("bind", llsocket.inet.bind("127.0.0.1", 0,
                                                 opt.SOCK_DGRAM))
  t:close(closed)
  T.fails("EBADF", "closed fd", llsocket.readable(closed, 0))
  T.argerror(1, "negative fd", llsocket.readable, -1, 0)
  T.argerror(1, "string fd", llsocket.writable, "3", 0)
  T.argerror(2, "NaN timeout", llsocket.readable, 0, 0 / 0)
  T.argerror(2, "string timeout", llsocket.readable, 0, "1")
end)

T.case("poller: add, wait, modify, remove, with reused result arrays",
       function(t)
  local a, b = t:tcppair()
  local p = T.ok("poller", llsocket.poller())
  T.match(tostring(p), "^llsocket%.poller %(fd %d+%)$", "tostring")
  T.type(p:fd(), "number", "fd")
  T.eq(opt.cloexec(p:fd()), true, "close-on-exec")
  T.nothing("add", p:add(a, opt.POLLIN))
  local n, fds, events = p:wait(0)
  T.eq(n, 0, "nothing ready")
  T.type(fds, "table", "fds")
  T.type(events, "table", "events")
  T.eq(llsocket.send(b, "x"), 1, "send")
  local n2, fds2, events2 = p:wait(2)
  T.eq(n2, 1, "one ready")
  T.truthy(fds2 == fds and events2 == events, "the same arrays every call")
  T.eq(fds[1], a, "fd")
  T.eq(events[1], opt.POLLIN, "events")
  T.nothing("modify", p:modify(a, opt.POLLOUT))
  n = p:wait(0)
  T.eq(n, 1, "writable")
  T.eq(events[1], opt.POLLOUT, "now POLLOUT")
  T.nothing("remove", p:remove(a))
  n = p:wait(0)
  T.eq(n, 0, "removed")
  T.eq(#fds, 0, "an empty wait leaves no stale entries")
  T.nothing("close", p:close())
end)

T.case("poller: many fds, max caps the count, the arrays shrink with n",
       function(t)
  local p = T.ok("poller", llsocket.poller())
  local pairs_ = {}
  for i = 1, 40 do
    local x, y = llsocket.socketpair(opt.SOCK_STREAM)
    t:own("pair x", x)
    t:own("pair y", y)
    pairs_[i] = x
    p:add(x, opt.POLLOUT)
  end
  local n, fds = p:wait(0)
  T.eq(n, 40, "all writable")
  T.eq(#fds, 40, "40 entries")
  local seen = {}
  for i = 1, n do seen[fds[i]] = true end
  for i = 1, 40 do T.truthy(seen[pairs_[i]], "fd " .. pairs_[i] .. " seen") end
  n = p:wait(0, 3)
  T.eq(n, 3, "max 3")
  T.eq(#fds, 3, "entries beyond n are cleared")
  T.eq(fds[4], nil, "fds[4]")
  p:close()
end)

T.case("poller: ONESHOT, ET and RDHUP", function(t)
  local a, b = t:tcppair()
  local p = llsocket.poller()
  T.eq(llsocket.send(b, "x"), 1, "send")
  p:add(a, T.bor(opt.POLLIN, opt.POLLONESHOT))
  T.eq(p:wait(2), 1, "once")
  T.eq(p:wait(0), 0, "then quiet")
  p:modify(a, T.bor(opt.POLLIN, opt.POLLET, opt.POLLRDHUP))
  T.eq(p:wait(2), 1, "re-armed: the unread byte, once")
  T.eq(p:wait(0), 0, "edge-triggered: not again")
  t:close(b)
  local n, _, events = p:wait(2)
  T.eq(n, 1, "hang-up")
  T.truthy(T.band(events[1], opt.POLLRDHUP) ~= 0, "POLLRDHUP set")
  p:close()
end)

T.case("poller misuse is a Lua error; system failures are nil, err",
       function(t)
  local a, b = t:tcppair()
  local p = llsocket.poller()
  p:add(a, opt.POLLIN)
  local ok, msg = pcall(p.add, p, a, opt.POLLIN)
  T.truthy(not ok and msg:find("already in the poller"), "add twice: " ..
           tostring(msg))
  ok, msg = pcall(p.remove, p, b)
  T.truthy(not ok and msg:find("not in the poller"), "remove unknown")
  ok, msg = pcall(p.modify, p, b, opt.POLLIN)
  T.truthy(not ok and msg:find("not in the poller"), "modify unknown")
  T.argerror(3, "bad events", p.add, p, b, -1)
  T.argerror(3, "events too big", p.add, p, b, T.bit(32))
  T.argerror(3, "events a string", p.add, p, b, "1")
  T.argerror(2, "bad fd", p.add, p, -1, opt.POLLIN)
  T.argerror(3, "max 0", p.wait, p, 0, 0)
  T.argerror(3, "max too big", p.wait, p, 0, 65537)
  T.argerror(2, "NaN timeout", p.wait, p, 0 / 0)
  T.argerror(1, "not a poller", p.wait, {})
  -- unknown event bits reach the library, which refuses them
  T.eq(p:add(b, T.bit(20)), llsocket.errno.EINVAL, "unknown bit")
  p:close()
  T.nothing("closing again does nothing", p:close())
  T.match(tostring(p), "closed", "tostring after close")
  ok, msg = pcall(p.wait, p, 0)
  T.truthy(not ok and msg:find("closed poller"), "wait after close")
  ok, msg = pcall(p.fd, p)
  T.truthy(not ok and msg:find("closed poller"), "fd after close")
end)

T.case("poller: explicit nil is the same as an omitted argument", function()
  local p = llsocket.poller()
  T.eq(p:wait(0, nil), 0, "max nil")
  T.eq(p:wait(0), 0, "max omitted")
  p:close()
end)

T.case("poller objects dropped without close leak no fd", function()
  local _, before = T.openfds()
  for _ = 1, 200 do llsocket.poller() end
  collectgarbage()
  collectgarbage()
  local _, after = T.openfds()
  T.eq(after, before, "fds after a full GC")
end)

-- A TCP listener with a full accept queue on 127.0.0.1: the kernel drops
-- further SYNs, so connects to it never finish.
local function full_listener(t)
  local lfd = t:own("bind", llsocket.inet.bind("127.0.0.1", 0,
                                               opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(lfd, 0))
  local port = llsocket.sockname(lfd):port()
  for _ = 1, 16 do
    local fd, err = llsocket.inet.connect("127.0.0.1", port, opt.SOCK_STREAM,
                                          nil, nil, 0.2)
    if not fd then
      T.err(err, "ETIMEDOUT", "filling the queue")
      return lfd, port
    end
    t:own("queued", fd)
  end
  error("the accept queue never filled")
end

T.case("inet.connect with a timeout: ETIMEDOUT within the budget",
       function(t)
  local _, port = full_listener(t)
  local t0 = llsocket.clock()
  T.fails("ETIMEDOUT", "connect", llsocket.inet.connect(
    "127.0.0.1", port, opt.SOCK_STREAM, false, false, 0.3))
  local took = llsocket.clock() - t0
  T.truthy(took >= 0.3 and took < 0.3 + SLACK, "took " .. took)
end)

T.case("inet.connect with a timeout: success and refusal as without one",
       function(t)
  local lfd, port = t:listener()
  local fd = t:own("connect", llsocket.inet.connect(
    "127.0.0.1", port, opt.SOCK_STREAM, true, nil, 2))
  T.eq(opt.nonblock(fd), true, "non-blocking as asked")
  T.truthy(llsocket.readable(lfd, 2), "the listener sees it")
  t:own("accept", llsocket.accept(lfd))
  fd = t:own("connect", llsocket.inet.connect(
    "127.0.0.1", port, opt.SOCK_STREAM, nil, nil, 2))
  T.eq(opt.nonblock(fd), false, "blocking as asked")
  t:close(lfd)
  T.fails("ECONNREFUSED", "refused", llsocket.inet.connect(
    "127.0.0.1", port, opt.SOCK_STREAM, nil, nil, 2))
  T.argerror(6, "NaN", llsocket.inet.connect, "127.0.0.1", port,
             opt.SOCK_STREAM, nil, nil, 0 / 0)
  T.argerror(6, "string", llsocket.inet.connect, "127.0.0.1", port,
             opt.SOCK_STREAM, nil, nil, "1")
end)

T.case("unix.connect with a timeout: waits for room in a full backlog",
       function(t)
  local path = t:tmpdir() .. "/full"
  local lfd = t:own("bind", llsocket.unix.bind(path, opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(lfd, 0))
  local filled = false
  for _ = 1, 16 do
    local fd, err = llsocket.unix.connect(path, opt.SOCK_STREAM, nil, 0)
    if not fd then
      T.err(err, "ETIMEDOUT", "a zero timeout on a full backlog")
      filled = true
      break
    end
    t:own("queued", fd)
  end
  T.truthy(filled, "the backlog filled")
  local t0 = llsocket.clock()
  T.fails("ETIMEDOUT", "full", llsocket.unix.connect(path, opt.SOCK_STREAM,
                                                     true, 0.2))
  T.truthy(llsocket.clock() - t0 < 0.2 + SLACK, "in time")
  t:own("accept", llsocket.accept(lfd))
  local fd = t:own("connect", llsocket.unix.connect(path, opt.SOCK_STREAM,
                                                    true, 2))
  T.eq(opt.nonblock(fd), true, "non-blocking as asked")
  T.argerror(4, "NaN", llsocket.unix.connect, path, opt.SOCK_STREAM, nil,
             0 / 0)
end)

T.case("the POLL constants are distinct bits that combine", function()
  local names = { "POLLIN", "POLLOUT", "POLLERR", "POLLHUP", "POLLRDHUP",
                  "POLLET", "POLLONESHOT" }
  local all = 0
  for _, name in ipairs(names) do
    local v = opt[name]
    T.type(v, "number", name)
    T.truthy(v > 0 and T.band(v, v - 1) == 0, name .. " is one bit")
    T.eq(T.band(all, v), 0, name .. " is distinct")
    all = T.bor(all, v)
  end
end)

T.done()
