-- Owned sockets (llsocket.sock, llsocket.wrap): methods over the fd
-- functions, one idempotent close that never closes a number the object
-- no longer owns, timeouts, sendall and receive.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt
local sock = llsocket.sock

-- Whether fd is open, without creating anything.
local function isopen(fd)
  return opt.cloexec(fd) ~= nil
end

-- A connected pair of objects over loopback TCP: client, accepted.
local function tcp_objects()
  local l = assert(sock.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, false, true))
  T.nothing("listen", l:listen())
  local port = l:sockname():port()
  local c = T.ok("connect", sock.inet.connect("127.0.0.1", port,
                                              opt.SOCK_STREAM))
  local a = T.ok("accept", l:accept())
  T.nothing("close listener", l:close())
  return c, a
end

T.case("constructors mirror the fd functions and return objects", function()
  local c, a = tcp_objects()
  T.match(tostring(c), "^llsocket%.socket: fd %d+, inet stream, " ..
          "127%.0%.0%.1:%d+ %-> 127%.0%.0%.1:%d+$", "client tostring")
  T.eq(c:peername():port(), a:sockname():port(), "the two ends")
  T.eq(c:type(), opt.SOCK_STREAM, "type method")
  T.type(c:fd(), "integer", "fd")
  local x, y = sock.socketpair(opt.SOCK_DGRAM)
  T.match(tostring(x), "^llsocket%.socket: fd %d+, unix dgram, ", "pair")
  T.eq(x:send("d"), 1, "send")
  T.eq(y:recv(), "d", "recv")
  local s = T.ok("socket", sock.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.nothing("bind", s:bind(llsocket.addr.inet("127.0.0.1", 0)))
  T.match(tostring(s), "^llsocket%.socket: fd %d+, inet dgram, 127%.0%.0%.1:%d+$",
          "bound, unconnected")
  for _, o in ipairs({ c, a, x, y, s }) do T.nothing("close", o:close()) end
end)

T.case("failures keep the fd functions' shape; misuse raises", function(t)
  local dir = t:tmpdir()
  T.fails("ENOENT", "unix.connect", sock.unix.connect(dir .. "/none",
                                                      opt.SOCK_STREAM))
  local l = sock.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM)
  local port = l:sockname():port()
  T.fails("ECONNREFUSED", "refused",
          sock.inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  T.argerror(1, "inet.bind host", sock.inet.bind, 127, 0, opt.SOCK_STREAM)
  T.argerror(2, "recv length", l.recv, l, "x")
  T.argerror(2, "nodelay value", l.nodelay, l, "x")
  T.nothing("close", l:close())
end)

T.case("every fd function and option is a method", function()
  local c, a = tcp_objects()
  for _, name in ipairs({ "sockname", "peername", "atmark", "type", "error",
                          "shutdown", "listen", "bind", "connect", "accept",
                          "acceptInherits", "recv", "recvfrom", "send",
                          "sendto", "sendmsg", "recvmsg", "sendfds",
                          "recvfds", "sendmmsg", "recvmmsg", "sendfile",
                          "peercred", "getsockopt", "setsockopt", "readable",
                          "writable" }) do
    T.type(c[name], "function", "method " .. name)
  end
  for name, v in pairs(opt) do
    if type(v) == "function" then
      T.type(c[name], "function", "option method " .. name)
    end
  end
  T.eq(c:nodelay(true), true, "s:nodelay(true)")
  T.eq(opt.nodelay(c:fd()), true, "the option is the fd's")
  T.eq(c:writable(0), true, "s:writable(0)")
  T.eq(a:readable(0), false, "s:readable(0)")
  c:close()
  a:close()
end)

T.case("close is idempotent, and a closed object refuses other use", function()
  local a, b = sock.socketpair(opt.SOCK_STREAM)
  local fd = a:fd()
  T.nothing("close", a:close())
  T.truthy(not isopen(fd), "fd closed")
  T.nothing("close again", a:close())
  T.eq(tostring(a), "llsocket.socket: closed", "tostring")
  for _, call in ipairs({ "fd", "send", "recv", "receive", "unwrap",
                          "settimeout", "sockname", "nodelay" }) do
    local ok, err = pcall(a[call], a, "x")
    T.truthy(not ok, call .. " on a closed socket raises")
    T.match(err, "closed socket", call .. " message")
  end
  T.nothing("close(how)", b:close(opt.SHUT_RDWR))
  T.argerror(2, "bad how", b.close, b, 99)
end)

T.case("a bad argument to a method names the method, as called, and where",
       function()
  local a, b = sock.socketpair(opt.SOCK_DGRAM)
  local load = loadstring or load
  local calls = {
    { "s:send(nil)", "#1 to 'send' (string expected, got nil)" },
    { "s:recv('x')", "#1 to 'recv' (number expected, got string)" },
    { "s.recv(s, 'x')", "#2 to 'recv' (number expected, got string)" },
    { "s:sendto('x', io.stdout)",
      "#2 to 'sendto' (llsocket.addr expected" },
    { "s:recvmsg(64, 0, 'x')", "#3 to 'recvmsg'" },
    { "s:nodelay('x')", "#1 to 'nodelay'" },
  }
  for _, call in ipairs(calls) do
    -- not a tail call, which LuaJIT reports without name or place
    local ok, err = pcall(assert(load("local s = ...\nlocal r = " ..
                                      call[1] .. "\nreturn r", "=caller")), a)
    T.truthy(not ok, call[1] .. " raises")
    T.eq(err:sub(1, #"caller:2: bad argument " + #call[2]),
         "caller:2: bad argument " .. call[2], call[1])
  end
  a:close()
  b:close()
end)

T.case("unwrap hands the fd over: collecting the object leaves it open", function()
  local a, b = sock.socketpair(opt.SOCK_STREAM)
  local fd = T.type(a:unwrap(), "integer", "unwrap")
  T.eq(tostring(a), "llsocket.socket: closed", "unwrapped")
  a = nil
  collectgarbage()
  collectgarbage()
  T.truthy(isopen(fd), "the fd outlives the object")
  T.eq(llsocket.send(fd, "mine"), 4, "and works")
  T.eq(b:recv(), "mine", "received")
  T.nothing("close fd", llsocket.close(fd))
  b:close()
end)

T.case("a number closed behind the object's back and reused is not closed",
       function()
  for _, how in ipairs({ "close", "gc" }) do
    local a, b = sock.socketpair(opt.SOCK_STREAM)
    local fd = a:fd()
    T.nothing("close behind its back", llsocket.close(fd))
    local x, y = llsocket.socketpair(opt.SOCK_STREAM)
    local other = (x == fd) and x or (y == fd) and y or nil
    if other == nil then
      llsocket.close(x)
      llsocket.close(y)
      a:close()
      b:close()
      error("the freed number was not reused: cannot test", 0)
    end
    if how == "close" then
      T.err(a:close(), "EBADF", "close reports the socket gone")
    else
      a = nil
      collectgarbage()
      collectgarbage()
    end
    T.truthy(isopen(other), how .. " left the new socket open")
    T.eq(llsocket.send(x, "ok"), 2, "new socket still works")
    T.eq(llsocket.recv(y), "ok", "new socket still works")
    llsocket.close(x)
    llsocket.close(y)
    b:close()
  end
end)

T.case("a thousand objects dropped unclosed are all closed by a full GC",
       function()
  local _, before = T.openfds()
  collectgarbage("stop")
  for _ = 1, 500 do
    sock.socketpair(opt.SOCK_STREAM)
  end
  local _, held = T.openfds()
  collectgarbage("restart")
  T.eq(held - before, 1000, "1000 fds open before the collection")
  collectgarbage()
  collectgarbage()
  local _, after = T.openfds()
  T.eq(after, before, "no fd left after a full GC")
end)

T.case("wrap takes any socket fd; not a socket or not open is an error",
       function()
  local x, y = llsocket.socketpair(opt.SOCK_STREAM)
  local s = T.ok("wrap", llsocket.wrap(x))
  T.eq(s:fd(), x, "same fd")
  T.eq(s:send("w"), 1, "send through the object")
  T.eq(llsocket.recv(y), "w", "received on the fd")
  s:close()
  T.truthy(not isopen(x), "the object closed it")
  llsocket.close(y)
  T.fails("EBADF", "wrap a closed fd", llsocket.wrap(x))
  local p = llsocket.poller() -- an epoll fd: open, not a socket
  T.fails("ENOTSOCK", "wrap a poller's fd", llsocket.wrap(p:fd()))
  p:close()
  T.argerror(1, "wrap a string", llsocket.wrap, "1")
  T.argerror(1, "wrap -1", llsocket.wrap, -1)
end)

T.case("sendall sends everything; receive(n) gives exactly n bytes", function()
  local c, a = tcp_objects()
  local big = string.rep("0123456789abcdef", 65536) -- 1 MiB
  -- the sender fills the buffers before the reader drains them: use a pair
  -- of non-blocking steps, reading whatever arrived while sending
  c:settimeout(5)
  a:settimeout(5)
  local got, sent_total = {}, 0
  local chunk = 65536
  for i = 1, #big, chunk do
    local piece = big:sub(i, i + chunk - 1)
    T.eq(c:sendall(piece), #piece, "sendall " .. i)
    sent_total = sent_total + #piece
    got[#got + 1] = T.ok("receive", a:receive(#piece))
  end
  T.eq(table.concat(got), big, "every byte, in order")
  T.eq(sent_total, #big, "total")
  c:close()
  a:close()
end)

T.case("receive by line across many small segments, and at EOF", function()
  local c, a = tcp_objects()
  a:settimeout(0)
  local text = "hello\r\nworld\n\nno newline"
  local lines = {}
  for i = 1, #text do
    T.eq(c:send(text:sub(i, i)), 1, "one byte")
    T.truthy(a:readable(5), "byte arrived")
    local line, err = a:receive("l")
    if line then
      lines[#lines + 1] = line
    else
      T.err(err, "ETIMEDOUT", "no complete line yet")
    end
  end
  T.eq(#lines, 3, "three complete lines")
  T.eq(lines[1], "hello", "CR LF ends a line")
  T.eq(lines[2], "world", "LF ends a line")
  T.eq(lines[3], "", "an empty line")
  T.nothing("shutdown", c:shutdown(opt.SHUT_WR))
  T.truthy(a:readable(5), "EOF arrived")
  T.eq(a:receive("*l"), "no newline", "the last line needs no newline")
  T.eq(T.count(a:receive("l")), 1, "one value at the end")
  T.eq(a:receive("l"), nil, "nil at the end")
  T.eq(a:receive(10), "", "receive(n) at the end")
  T.eq(a:receive("a"), "", "receive('a') at the end")
  c:close()
  a:close()
end)

T.case("receive(n) and 'a' at EOF; recv and unwrap take read-ahead bytes",
       function()
  local c, a = tcp_objects()
  T.eq(c:sendall("abcdefgh-rest"), 13, "sendall")
  T.nothing("shutdown", c:shutdown(opt.SHUT_WR))
  T.eq(a:receive(3), "abc", "receive(3)")
  -- receive read the whole segment ahead: recv returns it first
  T.eq(a:recv(2, opt.MSG_PEEK), "de", "peek at read-ahead")
  T.eq(a:recv(2), "de", "recv takes read-ahead")
  local ok, err = pcall(a.recvfrom, a)
  T.truthy(not ok and err:find("read ahead"), "recvfrom refuses with read-ahead")
  T.eq(a:receive(0), "", "receive(0)")
  T.eq(a:receive(3), "fgh", "receive(3)")
  T.eq(a:receive("a"), "-rest", "receive('a') to the end")
  c:close()
  local x, y = sock.socketpair(opt.SOCK_STREAM)
  T.eq(x:send("line\nmore"), 9, "send")
  T.eq(y:receive("l"), "line", "a line")
  local fd, pending = y:unwrap()
  T.eq(pending, "more", "unwrap returns the read-ahead bytes")
  llsocket.close(fd)
  T.argerror(2, "bad pattern", x.receive, x, "x")
  T.argerror(2, "negative length", x.receive, x, -1)
  x:close()
  a:close()
end)

T.case("timeouts: each blocking method gives up with ETIMEDOUT", function()
  local c, a = tcp_objects()
  T.eq(a:gettimeout(), nil, "no timeout by default")
  T.eq(a:nonblock(), false, "blocking by default")
  T.nothing("settimeout", a:settimeout(0.2))
  T.eq(a:gettimeout(), 0.2, "gettimeout")
  T.eq(a:nonblock(), true, "non-blocking underneath")
  local t0 = llsocket.clock()
  T.iofails("ETIMEDOUT", false, "recv", a:recv())
  local waited = llsocket.clock() - t0
  T.truthy(waited >= 0.15 and waited < 10, "recv waited about 0.2 s: " .. waited)
  T.iofails("ETIMEDOUT", false, "receive", a:receive("l"))
  T.iofails("ETIMEDOUT", false, "receive(n)", a:receive(4))
  -- the peer never reads: sendall fills the buffers, then gives up
  c:settimeout(0.2)
  local big = string.rep("x", 64 * 1024 * 1024)
  local n, err, again, sent = c:sendall(big)
  T.iofails("ETIMEDOUT", false, "sendall", n, err, again)
  T.truthy(sent > 0 and sent < #big, "sendall says how much went: " .. sent)
  -- send takes what still fits (the kernel may have grown its buffers),
  -- then times out as well
  local r1, r2, r3
  for _ = 1, 100 do
    r1, r2, r3 = c:send(big)
    if r1 == nil then break end
  end
  T.iofails("ETIMEDOUT", false, "send", r1, r2, r3)
  -- what went out arrives, whole and in order
  a:settimeout(5)
  T.eq(a:receive(sent), big:sub(1, sent), "the bytes sendall sent")
  T.nothing("settimeout(nil)", a:settimeout(nil))
  T.eq(a:nonblock(), false, "blocking again")
  T.argerror(2, "settimeout('x')", a.settimeout, a, "x")
  T.argerror(2, "settimeout(NaN)", a.settimeout, a, 0 / 0)
  c:close()
  a:close()
  local l = sock.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, false, true)
  l:listen()
  l:settimeout(0.1)
  T.iofails("ETIMEDOUT", false, "accept", l:accept())
  l:settimeout(0)
  T.iofails("ETIMEDOUT", false, "accept, timeout 0", l:accept())
  l:close()
end)

T.case("a socket made non-blocking without a timeout says again", function()
  local a, b = sock.socketpair(opt.SOCK_STREAM, true)
  T.iofails("EAGAIN", true, "recv", a:recv())
  T.iofails("EAGAIN", true, "receive", a:receive("l"))
  a:close()
  b:close()
end)

T.done()
