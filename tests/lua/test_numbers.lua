-- Integer arguments and results at their edges, on every Lua: before 5.3
-- (and on LuaJIT) numbers are doubles, and the module still refuses what
-- 5.4 refuses (fractions, numbers out of range, numeric strings as fds)
-- and returns exact integers for fds, ports, lengths and error numbers.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

local INT_MAX = 2147483647

T.case("a fraction is refused where an integer is wanted", function()
  local msg = T.argerror(1, "close(1.5)", llsocket.close, 1.5)
  T.match(msg, "number has no integer representation", "close(1.5) message")
  T.argerror(2, "recv(fd, 10.5)", llsocket.recv, 0, 10.5)
  T.argerror(2, "inet.bind port 80.5", llsocket.inet.bind, "127.0.0.1", 80.5,
             opt.SOCK_STREAM)
  T.argerror(1, "strerror(0.5)", llsocket.strerror, 0.5)
end)

T.case("an integral float is an integer", function(t)
  local a, b = llsocket.socketpair(opt.SOCK_STREAM)
  t:own("pair a", a)
  t:own("pair b", b)
  T.eq(llsocket.send(a, "abc"), 3, "send")
  T.eq(llsocket.recv(b, 3.0), "abc", "recv(fd, 3.0)")
  T.eq(llsocket.strerror(111.0), llsocket.strerror(111), "strerror(111.0)")
end)

T.case("fds, lengths and ports out of range are refused, not wrapped", function()
  for _, bad in ipairs({ -1, INT_MAX + 1, 2 ^ 32, 2 ^ 53, 2 ^ 63, -2 ^ 63,
                         1e300, -1e300 }) do
    T.argerror(1, "close(" .. tostring(bad) .. ")", llsocket.close, bad)
  end
  for _, bad in ipairs({ 0, -1, 16 * 1024 * 1024 + 1, 2 ^ 32 + 1, 2 ^ 64 }) do
    T.argerror(2, "recv(0, " .. tostring(bad) .. ")", llsocket.recv, 0, bad)
  end
  for _, bad in ipairs({ -1, 65536, 2 ^ 32 + 80 }) do
    T.argerror(2, "inet.bind port " .. tostring(bad), llsocket.inet.bind,
               "127.0.0.1", bad, opt.SOCK_STREAM)
  end
end)

T.case("NaN and infinities are refused", function()
  local nan = 0 / 0
  for _, bad in ipairs({ nan, 1 / 0, -1 / 0 }) do
    T.argerror(1, "close(" .. tostring(bad) .. ")", llsocket.close, bad)
    T.argerror(1, "strerror(" .. tostring(bad) .. ")", llsocket.strerror, bad)
  end
end)

T.case("a numeric string is not an fd", function()
  T.argerror(1, 'close("1")', llsocket.close, "1")
  T.argerror(1, 'recv("0")', llsocket.recv, "0")
end)

T.case("the largest fd number is accepted and fails as EBADF", function()
  T.iofails("EBADF", false, "recv(INT_MAX)", llsocket.recv(INT_MAX))
  T.eq(T.count(llsocket.close(INT_MAX)), 1, "close(INT_MAX) returns err")
  T.err(llsocket.close(INT_MAX), "EBADF", "close(INT_MAX)")
end)

T.case("results are integers: fds, counts, ports, error numbers", function(t)
  local lfd, port = t:listener()
  T.type(lfd, "integer", "fd")
  T.type(port, "integer", "port")
  T.truthy(port > 0 and port < 65536, "port in range")
  local cfd = t:own("connect",
                    llsocket.inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local sfd = t:own("accept", llsocket.accept(lfd))
  T.type(sfd, "integer", "accepted fd")
  T.eq(llsocket.send(cfd, string.rep("x", 1000)), 1000, "send count")
  local _, err, again = llsocket.recv(lfd)
  T.type(err, "integer", "err")
  T.eq(again, false, "again")
  T.eq(llsocket.errno.EAGAIN, 11, "errno.EAGAIN")
end)

T.case("a 64-bit offset is exact up to 2^53 on every Lua", function(t)
  local a, b = llsocket.socketpair(opt.SOCK_STREAM)
  t:own("pair a", a)
  t:own("pair b", b)
  local f = assert(io.open(os.getenv("top_srcdir") .. "/README.md", "rb"))
  -- Far past the end of the file: nothing to send, or EOVERFLOW where the
  -- filesystem's largest file is smaller; a wrap to 0 would send bytes.
  T.eq(llsocket.sendfile(a, f, 10, 2 ^ 40), 0, "sendfile at offset 2^40")
  local n, err = llsocket.sendfile(a, f, 10, 2 ^ 53)
  if n ~= 0 then
    T.eq(n, nil, "sendfile at offset 2^53")
    T.eq(llsocket.errname(err), "EOVERFLOW", "sendfile at offset 2^53 fails")
  end
  T.eq(llsocket.sendfile(a, f, 4, 0), 4, "sendfile at offset 0")
  T.eq(llsocket.recv(b), "# ll", "the first bytes")
  T.argerror(4, "sendfile offset -1", llsocket.sendfile, a, f, 1, -1)
  T.argerror(4, "sendfile offset 0.5", llsocket.sendfile, a, f, 1, 0.5)
  f:close()
  T.argerror(2, "sendfile of a closed file", llsocket.sendfile, a, f, 1)
end)

T.case("integers beyond 2^53 are checked exactly (Lua 5.3 on)", function(t)
  if not math.maxinteger then
    t:skip(_VERSION .. " has no integers beyond 2^53")
  end
  local big = math.tointeger(2 ^ 53) + 1
  T.argerror(1, "close(maxinteger)", llsocket.close, math.maxinteger)
  T.argerror(1, "close(mininteger)", llsocket.close, math.mininteger)
  T.argerror(2, "recv(0, 2^53 + 1)", llsocket.recv, 0, big)
  local a, b = llsocket.socketpair(opt.SOCK_STREAM)
  t:own("pair a", a)
  t:own("pair b", b)
  local f = assert(io.open(os.getenv("top_srcdir") .. "/README.md", "rb"))
  local n, err = llsocket.sendfile(a, f, 10, big)
  f:close()
  if n ~= 0 then
    T.eq(n, nil, "sendfile at offset 2^53 + 1")
    T.eq(llsocket.errname(err), "EOVERFLOW", "sendfile at 2^53 + 1 fails")
  end
end)

T.done()
