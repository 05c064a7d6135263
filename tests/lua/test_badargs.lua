-- Misuse raises a Lua error naming the bad argument ("bad argument #N"),
-- for every function; nothing is returned, nothing leaks.
local T = require "testlib"
local llsocket = T.llsocket
local inet, unix, opt, addr = llsocket.inet, llsocket.unix, llsocket.opt,
                              llsocket.addr

local OPTIONS = T.options()


-- Values that are not fds.  2^31 and 2^32+1000 would name a real (or the
-- wrong) fd if narrowed to int without a range check.
local BAD_FDS = {
  { "x", "string fd" },
  { 1.5, "float fd 1.5" },
  { -1, "negative fd" },
  { math.tointeger(2 ^ 31), "fd 2^31" },
  { math.tointeger(2 ^ 32 + 1000), "fd 2^32+1000" },
  { {}, "table fd" },
  { true, "boolean fd" },
  { nil, "missing fd" },
}

-- Every function taking an fd first, with valid arguments after it.
local function fd_functions()
  local list = {
    { "sockname", llsocket.sockname },
    { "peername", llsocket.peername },
    { "atmark", llsocket.atmark },
    { "type", llsocket.type },
    { "error", llsocket.error },
    { "shutdown", llsocket.shutdown, opt.SHUT_RDWR },
    { "close", llsocket.close },
    { "close how", llsocket.close, opt.SHUT_RDWR },
    { "listen", llsocket.listen },
    { "accept", llsocket.accept },
    { "acceptInherits", llsocket.acceptInherits },
    { "recv", llsocket.recv },
    { "recvfrom", llsocket.recvfrom },
    { "send", llsocket.send, "x" },
    { "sendto", llsocket.sendto, "x" },
  }
  -- every option read, and the flags and integers written too
  for _, o in ipairs(OPTIONS) do
    list[#list + 1] = { "opt." .. o.name, o.f }
    if o.kind == "flag" then
      list[#list + 1] = { "opt." .. o.name .. " set", o.f, true }
    elseif o.kind == "int" then
      list[#list + 1] = { "opt." .. o.name .. " set", o.f, o.max }
    end
  end
  return list
end

T.case("every fd-taking function rejects non-fds as argument #1", function()
  local n = 0
  for _, f in ipairs(fd_functions()) do
    local name, fn, extra = f[1], f[2], f[3]
    T.type(fn, "function", name)
    for _, bad in ipairs(BAD_FDS) do
      if extra == nil then
        T.argerror(1, name .. " with " .. bad[2], fn, bad[1])
      else
        T.argerror(1, name .. " with " .. bad[2], fn, bad[1], extra)
      end
      n = n + 1
    end
  end
  T.truthy(n >= 8 * 45, "all combinations ran")
end)

T.case("the message has luaL_argerror's shape and names the function",
       function()
  local ok, msg = pcall(function()
    local r = llsocket.recv("x")
    return r
  end)
  T.eq(ok, false, "raised")
  T.match(msg, "bad argument #1 to 'recv' %(number expected, got string%)",
          "message")
  ok, msg = pcall(function()
    local r = llsocket.opt.nodelay(0, "yes")
    return r
  end)
  T.eq(ok, false, "raised")
  T.match(msg, "bad argument #2 to 'nodelay' %(boolean expected, got string%)",
          "message")
end)

T.case("inet.bind and inet.connect check host, port, socktype, flags", function()
  local S = opt.SOCK_STREAM
  for _, f in ipairs({ { "inet.bind", inet.bind }, { "inet.connect", inet.connect } }) do
    local name, fn = f[1], f[2]
    T.argerror(1, name .. " table host", fn, {}, 0, S)
    T.argerror(1, name .. " boolean host", fn, true, 0, S)
    T.argerror(2, name .. " table port", fn, "127.0.0.1", {}, S)
    T.argerror(2, name .. " float port", fn, "127.0.0.1", 1.5, S)
    T.argerror(2, name .. " negative port", fn, "127.0.0.1", -1, S)
    T.argerror(2, name .. " port 65536", fn, "127.0.0.1", 65536, S)
    T.argerror(2, name .. " boolean port", fn, "127.0.0.1", true, S)
    T.argerror(3, name .. " missing socktype", fn, "127.0.0.1", 0)
    T.argerror(3, name .. " nil socktype", fn, "127.0.0.1", 0, nil, false)
    T.argerror(3, name .. " string socktype", fn, "127.0.0.1", 0, "stream")
    T.argerror(3, name .. " float socktype", fn, "127.0.0.1", 0, 1.5)
    T.argerror(3, name .. " table socktype", fn, "127.0.0.1", 0, {})
    T.argerror(4, name .. " nonblock \"yes\"", fn, "127.0.0.1", 0, S, "yes")
    T.argerror(4, name .. " nonblock 1", fn, "127.0.0.1", 0, S, 1)
    T.argerror(4, name .. " nonblock table", fn, "127.0.0.1", 0, S, {})
    T.argerror(5, name .. " reuseaddr \"yes\"", fn, "127.0.0.1", 0, S, false, "yes")
    T.argerror(5, name .. " reuseaddr 0", fn, "127.0.0.1", 0, S, true, 0)
  end
end)

T.case("unix.bind and unix.connect check path, socktype, nonblock", function(t)
  local path = t:tmpdir() .. "/never"
  local S = opt.SOCK_STREAM
  for _, f in ipairs({ { "unix.bind", unix.bind }, { "unix.connect", unix.connect } }) do
    local name, fn = f[1], f[2]
    T.argerror(1, name .. " table path", fn, {}, S)
    T.argerror(1, name .. " nil path", fn, nil, S)
    T.argerror(1, name .. " boolean path", fn, true, S)
    T.argerror(2, name .. " missing socktype", fn, path)
    T.argerror(2, name .. " string socktype", fn, path, "stream")
    T.argerror(2, name .. " float socktype", fn, path, 1.5)
    T.argerror(3, name .. " nonblock \"yes\"", fn, path, S, "yes")
    T.argerror(3, name .. " nonblock 1", fn, path, S, 1)
  end
end)

T.case("shutdown, close, listen check how and backlog", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.argerror(2, "shutdown missing how", llsocket.shutdown, fd)
  T.argerror(2, "shutdown how 99", llsocket.shutdown, fd, 99)
  T.argerror(2, "shutdown how -1", llsocket.shutdown, fd, -1)
  T.argerror(2, "shutdown how \"x\"", llsocket.shutdown, fd, "x")
  T.argerror(2, "shutdown how 1.5", llsocket.shutdown, fd, 1.5)
  T.argerror(2, "close how 99", llsocket.close, fd, 99)
  T.argerror(2, "close how \"x\"", llsocket.close, fd, "x")
  T.argerror(2, "close how {}", llsocket.close, fd, {})
  T.argerror(2, "listen backlog -1", llsocket.listen, fd, -1)
  T.argerror(2, "listen backlog 2^31", llsocket.listen, fd,
             math.tointeger(2 ^ 31))
  T.argerror(2, "listen backlog \"x\"", llsocket.listen, fd, "x")
  T.argerror(2, "listen backlog 1.5", llsocket.listen, fd, 1.5)
  T.argerror(2, "listen backlog {}", llsocket.listen, fd, {})
  -- The fd survived all of that: it is still open and not listening.
  T.eq(llsocket.type(fd), opt.SOCK_STREAM, "fd still open")
  T.fails("ENOTCONN", "still unconnected", llsocket.peername(fd))
end)

T.case("recv and recvfrom check len and every flag", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  for _, f in ipairs({ { "recv", llsocket.recv }, { "recvfrom", llsocket.recvfrom } }) do
    local name, fn = f[1], f[2]
    T.argerror(2, name .. " len 0", fn, fd, 0)
    T.argerror(2, name .. " len -1", fn, fd, -1)
    T.argerror(2, name .. " len 2^40", fn, fd, math.tointeger(2 ^ 40))
    T.argerror(2, name .. " len 16777217", fn, fd, 16777217)
    T.argerror(2, name .. " len 1.5", fn, fd, 1.5)
    T.argerror(2, name .. " len \"x\"", fn, fd, "x")
    T.argerror(2, name .. " len {}", fn, fd, {})
    T.argerror(3, name .. " flag \"x\"", fn, fd, 10, "x")
    T.argerror(3, name .. " flag 1.5", fn, fd, 10, 1.5)
    T.argerror(3, name .. " flag {}", fn, fd, 10, {})
    T.argerror(4, name .. " second flag \"x\"", fn, fd, 10, opt.MSG_PEEK, "x")
    T.argerror(5, name .. " third flag {}", fn, fd, 10, opt.MSG_PEEK,
               opt.MSG_DONTWAIT, {})
  end
end)

T.case("send and sendto check msg, addr and every flag", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  T.argerror(2, "send missing msg", llsocket.send, fd)
  T.argerror(2, "send table msg", llsocket.send, fd, {})
  T.argerror(2, "send boolean msg", llsocket.send, fd, true)
  T.argerror(3, "send flag \"x\"", llsocket.send, fd, "x", "x")
  T.argerror(3, "send flag 1.5", llsocket.send, fd, "x", 1.5)
  T.argerror(4, "send second flag {}", llsocket.send, fd, "x",
             opt.MSG_DONTWAIT, {})
  T.argerror(2, "sendto missing msg", llsocket.sendto, fd)
  T.argerror(2, "sendto table msg", llsocket.sendto, fd, {})
  T.argerror(3, "sendto string addr", llsocket.sendto, fd, "x", "127.0.0.1:9")
  T.argerror(3, "sendto table addr", llsocket.sendto, fd, "x", {})
  T.argerror(3, "sendto number addr", llsocket.sendto, fd, "x", 9)
  T.argerror(3, "sendto boolean addr", llsocket.sendto, fd, "x", true)
  T.argerror(3, "sendto file addr", llsocket.sendto, fd, "x", io.stdout)
  local peer = addr.inet("127.0.0.1", 9)
  T.argerror(4, "sendto flag \"x\"", llsocket.sendto, fd, "x", peer, "x")
  T.argerror(4, "sendto flag 1.5", llsocket.sendto, fd, "x", peer, 1.5)
  T.argerror(5, "sendto second flag {}", llsocket.sendto, fd, "x", nil,
             opt.MSG_DONTWAIT, {})
end)

T.case("option setters check the value's type and range", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  for _, o in ipairs(T.options("flag")) do
    T.argerror(2, o.name .. " \"yes\"", o.f, fd, "yes")
    T.argerror(2, o.name .. " 1", o.f, fd, 1)
    T.argerror(2, o.name .. " 0", o.f, fd, 0)
    T.argerror(2, o.name .. " {}", o.f, fd, {})
  end
  for _, o in ipairs(T.options("int")) do
    T.argerror(2, o.name .. " INT_MIN", o.f, fd, T.INT_MIN)
    T.argerror(2, o.name .. " 2^31", o.f, fd, math.tointeger(2 ^ 31))
    T.argerror(2, o.name .. " 1.5", o.f, fd, 1.5)
    T.argerror(2, o.name .. " \"x\"", o.f, fd, "x")
    T.argerror(2, o.name .. " true", o.f, fd, true)
  end
  for _, o in ipairs(T.options("timeout")) do
    T.argerror(2, o.name .. " -1", o.f, fd, -1)
    T.argerror(2, o.name .. " -0.5", o.f, fd, -0.5)
    T.argerror(2, o.name .. " NaN", o.f, fd, 0 / 0)
    T.argerror(2, o.name .. " \"x\"", o.f, fd, "x")
    T.argerror(2, o.name .. " true", o.f, fd, true)
  end
  -- Nothing was changed by the refused calls.
  T.eq(opt.nonblock(fd), false, "nonblock untouched")
  T.truthy(opt.rcvtimeo(fd) == 0, "rcvtimeo untouched")
end)

T.case("addr constructors check their arguments", function()
  T.argerror(1, "addr.inet table host", addr.inet, {}, 80)
  T.argerror(1, "addr.inet boolean host", addr.inet, true, 80)
  T.argerror(2, "addr.inet table port", addr.inet, "127.0.0.1", {})
  T.argerror(2, "addr.inet port -1", addr.inet, "127.0.0.1", -1)
  T.argerror(2, "addr.inet port 65536", addr.inet, "127.0.0.1", 65536)
  T.argerror(2, "addr.inet port 1.5", addr.inet, "127.0.0.1", 1.5)
  T.argerror(1, "addr.unix table", addr.unix, {})
  T.argerror(1, "addr.unix nil", addr.unix, nil)
  T.argerror(1, "addr.unix boolean", addr.unix, true)
end)

T.case("addr methods refuse anything that is not an llsocket.addr", function()
  local a = addr.inet("127.0.0.1", 80)
  local not_addrs = { {}, "127.0.0.1:80", 80, io.stdout, nil }
  for _, m in ipairs({ "family", "host", "port", "path", "info" }) do
    local method = a[m]
    T.type(method, "function", "addr:" .. m)
    for i = 1, 5 do
      T.argerror(1, "addr." .. m .. " on " .. type(not_addrs[i]), method,
                 not_addrs[i])
    end
  end
  T.argerror(2, "info flag \"x\"", a.info, a, "x")
  T.argerror(2, "info flag 1.5", a.info, a, 1.5)
  T.argerror(3, "info second flag {}", a.info, a, opt.NI_NUMERICHOST, {})
  local mt = getmetatable(a)
  if type(mt) == "table" and type(mt.__tostring) == "function" then
    T.argerror(1, "__tostring on a table", mt.__tostring, {})
  end
end)

T.case("strerror and errname check their argument", function()
  for _, fn in ipairs({ llsocket.strerror, llsocket.errname }) do
    T.argerror(1, "string", fn, "x")
    T.argerror(1, "table", fn, {})
    T.argerror(1, "nil", fn, nil)
    T.argerror(1, "float", fn, 1.5)
  end
end)

T.case("a numeric string is not an fd or a length", function()
  T.match(T.argerror(1, "close(\"1\")", llsocket.close, "1"),
          "number expected, got string", "fd")
  T.argerror(2, "length as string", llsocket.recv, 1000, "10")
  T.argerror(3, "flag as string", llsocket.send, 1000, "x", "64")
end)

local names_from_loaded = T.NAMES_FROM_LOADED

T.case("a number is not a host, and errors name nested functions",
       function()
  local function named(msg, pattern, what)
    if names_from_loaded then T.match(msg, pattern, what) end
  end
  local msg = T.argerror(1, "number host", llsocket.inet.bind, 127, 0,
                         opt.SOCK_STREAM)
  named(msg, "'llsocket%.inet%.bind'", "inet.bind named")
  T.match(msg, "string or nil expected, got number", "what was wrong")
  T.argerror(1, "number host", llsocket.addr.inet, 127, 0)
  T.argerror(1, "number host", llsocket.getaddrinfo, 127, 0)
  named(T.argerror(1, "opt", opt.nodelay, "x"), "'llsocket%.opt%.nodelay'",
        "opt.nodelay named")
  named(T.argerror(1, "unix", llsocket.unix.bind, {}, opt.SOCK_STREAM),
        "'llsocket%.unix%.bind'", "unix.bind named")
end)

T.case("a string with a NUL byte is refused wherever C takes a C string",
       function(t)
  local S, D = opt.SOCK_STREAM, opt.SOCK_DGRAM
  local fd = t:own("udp", inet.bind("127.0.0.1", 0, D))
  local host, port = "127.0.0.1\0.evil.example", "80\0junk"
  local calls = {
    { 1, "host", "addr.inet", addr.inet, host, 80 },
    { 2, "port", "addr.inet", addr.inet, "127.0.0.1", port },
    { 1, "host", "inet.bind", inet.bind, host, 0, S },
    { 2, "port", "inet.bind", inet.bind, "127.0.0.1", port, S },
    { 1, "host", "inet.connect", inet.connect, host, 9, S },
    { 2, "port", "inet.connect", inet.connect, "127.0.0.1", port, S },
    { 1, "host", "getaddrinfo", llsocket.getaddrinfo, host, 80 },
    { 2, "port", "getaddrinfo", llsocket.getaddrinfo, "127.0.0.1", port },
    { 1, "host", "getaddrinfo", llsocket.getaddrinfo, "\0", nil },
    { 2, "group", "opt.join", opt.join, fd, "239.1.1.1\0x" },
    { 3, "interface", "opt.join", opt.join, fd, "239.1.1.1", "lo\0x" },
    { 2, "group", "opt.leave", opt.leave, fd, "239.1.1.1\0x" },
    { 3, "source", "opt.join_source", opt.join_source, fd, "232.1.1.1",
      "127.0.0.1\0x" },
    { 4, "interface", "opt.block_source", opt.block_source, fd, "239.1.1.1",
      "127.0.0.1", "lo\0" },
    { 2, "interface", "opt.multicast_if", opt.multicast_if, fd, "lo\0x" },
    { 2, "interface name", "opt.bindtodevice", opt.bindtodevice, fd,
      "lo\0x" },
    { 1, "path", "unix.bind", unix.bind, "/tmp/x\0y", S },
    { 1, "path", "addr.unix", addr.unix, "/tmp/x\0y" },
  }
  for _, c in ipairs(calls) do
    local argn, what, name, fn = c[1], c[2], c[3], c[4]
    local ok, msg = pcall(fn, table.unpack(c, 5, 4 + argn + 2))
    local label = name .. " " .. what .. " with NUL"
    if fn == unix.bind or fn == addr.unix then
      -- unix paths are checked by the library, as for every path rule
      T.truthy(ok and msg == nil, label .. ": refused with nil, err")
    else
      T.eq(ok, false, label .. ": raised")
      T.match(msg, "bad argument #" .. argn .. " ", label .. ": argument")
      T.match(msg, what .. " contains a NUL byte", label .. ": reason")
    end
  end
  -- a NUL at the end is a NUL too, and the C string itself still works
  T.argerror(1, "trailing NUL", addr.inet, "127.0.0.1\0", 80)
  T.eq(tostring(addr.inet("127.0.0.1", "80")), "127.0.0.1:80", "plain")
end)

-- Every llsocket function outside opt (whose options follow the same rules
-- in test_opt.lua) with a valid call: the positions of its optional
-- arguments and of its integer arguments.  The calls are on fresh
-- non-blocking sockets, so none waits.
local function conventions_table(t)
  local S, D, W = opt.SOCK_STREAM, opt.SOCK_DGRAM, opt.MSG_DONTWAIT
  local s1, s2 = llsocket.socketpair(S, true)
  local d1, d2 = llsocket.socketpair(D, true)
  for _, fd in ipairs({ s1, s2, d1, d2 }) do t:own("pair", fd) end
  local u = t:own("udp", inet.bind("127.0.0.1", 0, D, true))
  local uaddr = llsocket.sockname(u)
  local file = io.tmpfile()
  file:write("0123456789")
  file:flush()
  local a = addr.inet("127.0.0.1", 9)
  local fresh = function()
    return t:own("socket", llsocket.socket(opt.AF_INET, D, 0, true))
  end
  local lfd = t:own("listener", inet.bind("127.0.0.1", 0, S, true))
  llsocket.listen(lfd)
  return {
    { "socket", llsocket.socket, function() return opt.AF_INET, D, 0, true end,
      opt = { 3, 4 }, ints = { 1, 2, 3 }, returns_fd = true },
    { "socketpair", llsocket.socketpair, function() return D, true, opt.AF_UNIX end,
      opt = { 2, 3 }, ints = { 1, 3 }, returns_fd = 2 },
    { "bind", llsocket.bind, function() return fresh(), addr.inet("127.0.0.1", 0) end,
      ints = { 1 } },
    { "connect", llsocket.connect, function() return fresh(), uaddr end,
      ints = { 1 } },
    { "sockname", llsocket.sockname, function() return u end, ints = { 1 } },
    { "peername", llsocket.peername, function() return s1 end, ints = { 1 } },
    { "atmark", llsocket.atmark, function() return s1 end, ints = { 1 } },
    { "type", llsocket.type, function() return s1 end, ints = { 1 } },
    { "error", llsocket.error, function() return s1 end, ints = { 1 } },
    { "shutdown", llsocket.shutdown, function() return fresh(), opt.SHUT_RDWR end,
      ints = { 1, 2 } },
    { "close", llsocket.close, function() return fresh(), opt.SHUT_RDWR end,
      opt = { 2 }, ints = { 1, 2 } },
    { "listen", llsocket.listen, function() return lfd, 8 end,
      opt = { 2 }, ints = { 1, 2 } },
    { "accept", llsocket.accept, function() return lfd end, ints = { 1 } },
    { "acceptInherits", llsocket.acceptInherits, function() return lfd end,
      ints = { 1 } },
    { "recv", llsocket.recv, function() return s2, 10, W end,
      opt = { 2, 3 }, ints = { 1, 2, 3 } },
    { "recvfrom", llsocket.recvfrom, function() return u, 10, W end,
      opt = { 2, 3 }, ints = { 1, 2, 3 } },
    { "send", llsocket.send, function() return s1, "x", W end,
      opt = { 3 }, ints = { 1, 3 } },
    { "sendto", llsocket.sendto, function() return d1, "x", uaddr, W end,
      opt = { 3, 4 }, ints = { 1, 4 } },
    { "sendmsg", llsocket.sendmsg,
      function() return d1, { "x", "y" }, uaddr, {}, W end,
      opt = { 3, 4, 5 }, ints = { 1, 5 } },
    { "recvmsg", llsocket.recvmsg, function() return d2, 10, 64, W end,
      opt = { 2, 3, 4 }, ints = { 1, 2, 3, 4 } },
    { "sendfds", llsocket.sendfds, function() return d1, "x", {}, W end,
      opt = { 4 }, ints = { 1, 4 } },
    { "recvfds", llsocket.recvfds, function() return d2, 10, 3, W end,
      opt = { 2, 3, 4 }, ints = { 1, 2, 3, 4 } },
    { "sendmmsg", llsocket.sendmmsg, function() return d1, { "x" }, W end,
      opt = { 3 }, ints = { 1, 3 } },
    { "recvmmsg", llsocket.recvmmsg, function() return d2, 2, 10, W end,
      opt = { 3, 4 }, ints = { 1, 2, 3, 4 } },
    { "peercred", llsocket.peercred, function() return s1 end, ints = { 1 } },
    { "sendfile", llsocket.sendfile, function() return s1, file, 2, 0 end,
      opt = { 4 }, ints = { 1, 3, 4 } },
    { "getaddrinfo", llsocket.getaddrinfo,
      function() return "127.0.0.1", 80, D, opt.AF_INET, opt.AI_NUMERICHOST end,
      opt = { 1, 3, 4, 5 }, ints = { 3, 4, 5 } },
    { "getaddrinfo no port", llsocket.getaddrinfo,
      function() return "127.0.0.1", 80, D end, opt = { 2 } },
    { "getnameinfo", llsocket.getnameinfo,
      function() return a, opt.NI_NUMERICHOST end, opt = { 2 }, ints = { 2 } },
    { "addr:info", a.info, function() return a, opt.NI_NUMERICHOST end,
      opt = { 2 }, ints = { 2 } },
    { "addr.inet", addr.inet, function() return "127.0.0.1", 80 end,
      opt = { 2 } },
    { "inet.bind", inet.bind,
      function() return "127.0.0.1", 0, D, true, true end,
      opt = { 1, 2, 4, 5 }, ints = { 3 }, returns_fd = true },
    { "inet.connect", inet.connect,
      function() return "127.0.0.1", uaddr:port(), D, true, true end,
      opt = { 4, 5 }, ints = { 3 }, returns_fd = true },
    { "unix.bind", unix.bind, function() return "\0llsock-conv", D, true end,
      opt = { 3 }, ints = { 2 }, returns_fd = true },
    { "unix.connect", unix.connect,
      function() return "\0llsock-conv-none", D, true end,
      opt = { 3 }, ints = { 2 } },
  }, file
end

-- Calls fn with the n values of args, owning any fds it returns.
local function call(t, entry, args, n)
  local r = table.pack(pcall(entry[2], table.unpack(args, 1, n)))
  if r[1] and entry.returns_fd and math.type(r[2]) == "integer" then
    t:own(entry[1], r[2])
    if entry.returns_fd == 2 then t:own(entry[1], r[3]) end
  end
  return r[1], r[2]
end

T.case("nil is the same as an absent optional argument, in every function",
       function(t)
  local list, file = conventions_table(t)
  local checked = 0
  for _, entry in ipairs(list) do
    local args = table.pack(entry[3]())
    for _, p in ipairs(entry.opt or {}) do
      local holed = table.pack(table.unpack(args, 1, args.n))
      holed[p] = nil
      local ok, err = call(t, entry, holed, args.n)
      T.truthy(ok, entry[1] .. " with nil at #" .. p .. ": " .. tostring(err))
      checked = checked + 1
    end
    if entry.opt then
      -- every optional argument nil, and two more nils after the last
      local holed = table.pack(table.unpack(args, 1, args.n))
      for _, p in ipairs(entry.opt) do holed[p] = nil end
      if holed[1] ~= nil or holed[2] ~= nil then
        local ok, err = call(t, entry, holed, args.n + 2)
        T.truthy(ok, entry[1] .. " with every optional nil: " .. tostring(err))
      end
    end
  end
  T.truthy(checked >= 40, "every optional argument was tried")
  file:close()
end)

T.case("a numeric string is refused for every integer argument", function(t)
  local list, file = conventions_table(t)
  local checked = 0
  for _, entry in ipairs(list) do
    local args = table.pack(entry[3]())
    for _, p in ipairs(entry.ints or {}) do
      local bad = table.pack(table.unpack(args, 1, args.n))
      bad[p] = tostring(bad[p] == true and 1 or bad[p])
      local msg = T.argerror(p, entry[1] .. " with \"" .. bad[p] ..
                             "\" at #" .. p, entry[2],
                             table.unpack(bad, 1, args.n))
      T.match(msg, "number expected, got string", entry[1] .. " #" .. p)
      checked = checked + 1
    end
  end
  T.argerror(2, "sendfile file fd \"3\"", llsocket.sendfile, 1000, "3", 1)
  -- inside tables a number must be an integer in range, too
  local d1 = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  for _, bad in ipairs({ { "1", 1 }, { 1.5, 1 }, { 1, 2 ^ 40 },
                         { math.mininteger or -2 ^ 63, 1 } }) do
    T.argerror(4, "control level/type " .. tostring(bad[1]) .. ", " ..
               tostring(bad[2]), llsocket.sendmsg, d1, "x", nil,
               { { bad[1], bad[2], "data" } })
  end
  T.truthy(checked >= 40, "every integer argument was tried")
  file:close()
end)

T.case("misuse through a method reference names the method, never '?'",
       function()
  local a = addr.inet("127.0.0.1", 80)
  for _, m in ipairs({ "family", "host", "port", "path", "info", "socktype",
                       "protocol", "canonname" }) do
    local msg = T.argerror(1, "addr " .. m .. " on a table", a[m], {})
    if names_from_loaded then
      T.match(msg, "'llsocket%.addr%." .. m .. "'", m .. " named")
    end
    if T.LIGHT_C_FUNCTIONS then
      T.eq(addr[m], a[m], "llsocket.addr." .. m .. " is the method")
    end
  end
  local msg = T.argerror(2, "info flag", a.info, a, "x")
  if names_from_loaded then
    T.match(msg, "'llsocket%.addr%.info'", "info named for its flag")
  end
  T.eq(addr.port(a), 80, "llsocket.addr.port(a) is a:port()")
end)

T.done()
