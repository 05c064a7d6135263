-- Lua 5.4's to-be-closed variables (run on 5.4 only): for owned sockets
-- and pollers __close is the same idempotent close as close and __gc.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

local function isopen(fd)
  return opt.cloexec(fd) ~= nil
end

T.case("<close> closes the socket at the end of its scope", function()
  local fd, peer
  do
    local a <close>, b = llsocket.sock.socketpair(opt.SOCK_STREAM)
    fd, peer = a:fd(), b
    T.eq(a:send("x"), 1, "send")
  end
  T.truthy(not isopen(fd), "closed at scope exit")
  T.eq(peer:recv(), "x", "what was sent arrived")
  T.eq(peer:recv(), "", "then the end of the stream")
  peer:close()
end)

T.case("<close> closes on an error, once, and not what was unwrapped",
       function()
  local fd
  local ok, err = pcall(function()
    local s <close> = llsocket.sock.socket(opt.AF_INET, opt.SOCK_DGRAM)
    fd = s:fd()
    error("boom", 0)
  end)
  T.eq(ok, false, "the error propagates")
  T.eq(err, "boom", "unchanged")
  T.truthy(not isopen(fd), "closed while unwinding")
  local kept
  do
    local s <close> = llsocket.sock.socket(opt.AF_INET, opt.SOCK_DGRAM)
    kept = s:unwrap()
  end
  T.truthy(isopen(kept), "an unwrapped fd stays open")
  T.nothing("close", llsocket.close(kept))
  do
    local s <close> = llsocket.sock.socket(opt.AF_INET, opt.SOCK_DGRAM)
    T.nothing("explicit close first", s:close())
  end
end)

T.case("<close> closes a poller at the end of its scope", function()
  local _, before = T.openfds()
  do
    local p <close> = llsocket.poller()
    T.type(p:fd(), "number", "open inside the scope")
  end
  local _, scoped = T.openfds()
  T.eq(scoped, before, "fds after a <close> scope")
end)

T.done()
