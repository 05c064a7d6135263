-- llsocket.opt: every option read and written, and the constants.
local T = require "testlib"
local llsocket = T.llsocket
local inet, unix, opt = llsocket.inet, llsocket.unix, llsocket.opt

local BOOLEAN_OPTIONS = {
  "cloexec", "nonblock", "nodelay", "reuseaddr", "broadcast", "debug",
  "keepalive", "oobinline", "timestamp",
}

local ALL_OPTIONS = {
  "cloexec", "nonblock", "nodelay", "reuseaddr", "broadcast", "debug",
  "keepalive", "oobinline", "timestamp", "rcvbuf", "rcvlowat", "sndbuf",
  "sndlowat", "rcvtimeo", "sndtimeo",
}

T.case("every boolean option reads a boolean and round-trips true and false",
       function(t)
  local fd = t:own("tcp", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  for _, name in ipairs(BOOLEAN_OPTIONS) do
    local f = opt[name]
    T.type(f, "function", "opt." .. name)
    T.type(f(fd), "boolean", name .. " read")
    local on, err = f(fd, true)
    if name == "debug" and on == nil then
      -- SO_DEBUG needs CAP_NET_ADMIN to enable.
      T.err(err, "EACCES", "debug without privilege")
    else
      T.eq(on, true, name .. " set true")
      T.eq(f(fd), true, name .. " read back true")
    end
    T.eq(f(fd, false), false, name .. " set false")
    T.eq(f(fd), false, name .. " read back false")
    T.eq(f(fd, nil), false, name .. " nil value reads")
  end
end)

T.case("boolean options map to the socket state they name", function(t)
  local c, s = t:tcppair()
  T.eq(opt.nodelay(c, true), true, "nodelay")
  T.eq(opt.keepalive(s, true), true, "keepalive")
  T.eq(opt.nonblock(s, true), true, "nonblock on")
  T.iofails("EAGAIN", true, "nonblock really set", llsocket.recv(s))
  T.eq(opt.nonblock(s, false), false, "nonblock off")
  T.eq(opt.oobinline(s, true), true, "oobinline on")
  T.eq(llsocket.send(c, "ab"), 2, "send")
  T.eq(llsocket.send(c, "!", opt.MSG_OOB), 1, "send OOB")
  T.waitfor("urgent mark", 5, function() return llsocket.atmark(s) == false end)
  -- A read stops at the mark; with oobinline the urgent byte follows inline.
  T.eq(llsocket.recv(s, 3), "ab", "data before the mark")
  T.eq(llsocket.atmark(s), true, "at the mark")
  T.eq(llsocket.recv(s, 1), "!", "urgent byte inline")
  local u = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.eq(opt.broadcast(u, true), true, "broadcast")
  T.eq(opt.cloexec(u, false), false, "cloexec off")
  T.eq(opt.cloexec(u, true), true, "cloexec on")
end)

T.case("buffer sizes: the kernel doubles rcvbuf/sndbuf, rcvlowat round-trips",
       function(t)
  local fd = t:own("tcp", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  for _, name in ipairs({ "rcvbuf", "sndbuf", "rcvlowat", "sndlowat" }) do
    T.type(opt[name](fd), "integer", name .. " read")
    T.truthy(opt[name](fd) > 0, name .. " > 0")
  end
  T.eq(opt.rcvbuf(fd, 8192), 16384, "rcvbuf set 8192")
  T.eq(opt.rcvbuf(fd), 16384, "rcvbuf read back")
  T.eq(opt.sndbuf(fd, 8192), 16384, "sndbuf set 8192")
  T.eq(opt.sndbuf(fd), 16384, "sndbuf read back")
  T.eq(opt.rcvlowat(fd, 10), 10, "rcvlowat set")
  T.eq(opt.rcvlowat(fd), 10, "rcvlowat read back")
  T.eq(opt.rcvlowat(fd, 1), 1, "rcvlowat reset")
  T.eq(opt.sndlowat(fd), 1, "sndlowat read")
  -- Linux cannot change SO_SNDLOWAT.
  T.fails("ENOPROTOOPT", "sndlowat set", opt.sndlowat(fd, 1))
  T.type(opt.rcvbuf(fd, 0), "integer", "rcvbuf 0 is clamped to the minimum")
  T.type(opt.sndbuf(fd, 2147483647), "integer", "huge sndbuf is clamped")
end)

-- Linux stores timeouts in jiffies, rounding up; a round trip can gain up
-- to one tick (10 ms at HZ=100).
local TICK = 0.01

local function timeout_roundtrip(f, name, fd, sec, exact)
  local got = f(fd, sec)
  T.type(got, "number", name .. "(" .. sec .. ")")
  if exact then
    T.truthy(got == sec, name .. "(" .. sec .. ") returned " .. got)
  else
    T.truthy(got >= sec and got < sec + TICK,
             name .. "(" .. sec .. ") returned " .. got)
  end
  T.truthy(f(fd) == got, name .. " read back")
end

T.case("rcvtimeo/sndtimeo take seconds with fractions; 0 means none",
       function(t)
  local fd = t:own("tcp", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  for _, name in ipairs({ "rcvtimeo", "sndtimeo" }) do
    local f = opt[name]
    T.truthy(f(fd) == 0, name .. " default 0")
    timeout_roundtrip(f, name, fd, 1.5, true)
    timeout_roundtrip(f, name, fd, 0.25, false)
    timeout_roundtrip(f, name, fd, 2, true)
    timeout_roundtrip(f, name, fd, 0, true)
  end
end)

T.case("rcvtimeo bounds a blocking recv with EAGAIN, again true", function(t)
  local _, s = t:tcppair()
  timeout_roundtrip(opt.rcvtimeo, "rcvtimeo", s, 0.25, false)
  local before = os.time()
  T.iofails("EAGAIN", true, "recv timed out", llsocket.recv(s))
  T.truthy(os.time() - before <= 2, "timed out promptly")
end)

T.case("options on a closed fd return nil, EBADF", function(t)
  local fd = t:own("tcp", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  t:close(fd)
  for _, name in ipairs(ALL_OPTIONS) do
    T.fails("EBADF", name .. " read", opt[name](fd))
  end
  for _, name in ipairs(BOOLEAN_OPTIONS) do
    T.fails("EBADF", name .. " write", opt[name](fd, true))
  end
  for _, name in ipairs({ "rcvbuf", "rcvlowat", "sndbuf", "sndlowat" }) do
    T.fails("EBADF", name .. " write", opt[name](fd, 4096))
  end
  T.fails("EBADF", "rcvtimeo write", opt.rcvtimeo(fd, 1))
  T.fails("EBADF", "sndtimeo write", opt.sndtimeo(fd, 1))
end)

T.case("TCP_NODELAY on a unix socket is EOPNOTSUPP", function(t)
  local path = t:tmpdir() .. "/s"
  local fd = t:own("unix", unix.bind(path, opt.SOCK_STREAM))
  T.fails("EOPNOTSUPP", "nodelay read", opt.nodelay(fd))
  T.fails("EOPNOTSUPP", "nodelay write", opt.nodelay(fd, true))
end)

T.case("SOCK_*, SHUT_*, AF_*, NI_*, SOMAXCONN have their Linux values",
       function()
  local expected = {
    SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5,
    SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2,
    AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10,
    NI_NUMERICHOST = 1, NI_NUMERICSERV = 2, NI_NOFQDN = 4, NI_NAMEREQD = 8,
    NI_DGRAM = 16,
  }
  for name, value in pairs(expected) do
    T.eq(opt[name], value, "opt." .. name)
  end
  T.type(opt.SOMAXCONN, "integer", "SOMAXCONN")
  T.truthy(opt.SOMAXCONN >= 128, "SOMAXCONN >= 128")
end)

-- glibc's bits/socket.h lists the MSG_* flags as an enum; every one must be
-- in llsocket.opt with the same value.
local function header_msg_flags()
  local candidates = {
    "/usr/include/x86_64-linux-gnu/bits/socket.h",
    "/usr/include/aarch64-linux-gnu/bits/socket.h",
    "/usr/include/i386-linux-gnu/bits/socket.h",
    "/usr/include/arm-linux-gnueabihf/bits/socket.h",
    "/usr/include/bits/socket.h",
  }
  for _, path in ipairs(candidates) do
    local f = io.open(path, "r")
    if f then
      local text = f:read("a")
      f:close()
      local flags = {}
      for name, value in text:gmatch("\n%s*(MSG_[%u_]+)%s*=%s*(0?x?%x+)") do
        flags[name] = math.tointeger(tonumber(value))
      end
      if next(flags) then return flags, path end
    end
  end
  return nil
end

T.case("every MSG_* flag is present as an integer with the platform's value",
       function()
  local core = {
    MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8,
    MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
    MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000,
  }
  for name, value in pairs(core) do
    T.eq(opt[name], value, "opt." .. name)
  end
  local flags, path = header_msg_flags()
  if flags then
    local n = 0
    for name, value in pairs(flags) do
      T.eq(opt[name], value, "opt." .. name .. " (from " .. path .. ")")
      n = n + 1
    end
    T.truthy(n >= 15, "flags parsed from " .. path)
  else
    print("# no bits/socket.h found; checked the core MSG_* flags only")
  end
  for name, value in pairs(opt) do
    if type(name) == "string" and name:match("^[%u_]+$") then
      T.type(value, "integer", "opt." .. name)
    end
  end
end)

T.done()
