-- llsocket.opt: every option read and written, and the constants.
local T = require "testlib"
local llsocket = T.llsocket
local inet, unix, opt = llsocket.inet, llsocket.unix, llsocket.opt

local errno = llsocket.errno

-- The effective capability set, to know what privileged options must do.
local function capabilities()
  local f = assert(io.open("/proc/self/status", "r"))
  local text = f:read("*a")
  f:close()
  return tonumber(text:match("CapEff:%s*(%x+)"), 16) or 0
end
local CAP_NET_ADMIN, CAP_NET_RAW = T.bit(12), T.bit(13)

-- The integer in a /proc/sys file: the defaults some options start from.
local function sysctl(path)
  local f = assert(io.open("/proc/sys/" .. path, "r"))
  local value = math.tointeger(f:read("*n"))
  f:close()
  return value
end

local function ipv6_usable(t)
  local probe = inet.bind("::1", 0, opt.SOCK_DGRAM)
  if probe == nil then return false end
  t:close(t:own("probe ::1", probe))
  return true
end

-- An unbound IPv6 UDP socket (binding to ::1 would turn v6only on), or a
-- skip when ::1 is unusable.
local function udp6(t)
  if not ipv6_usable(t) then t:skip("::1 is not usable here") end
  return t:own("udp6", llsocket.socket(opt.AF_INET6, opt.SOCK_DGRAM))
end

-- lo's interface index.
local function lo_index()
  local f = assert(io.open("/sys/class/net/lo/ifindex", "r"))
  local index = math.tointeger(f:read("*n"))
  f:close()
  return index
end

-- ---- every option, found by walking llsocket.opt -----------------------------

local OPTIONS = T.options()


-- One socket of each kind an option may need, IPv6 where it is usable.
local function sockets(t)
  local socks = {
    t:own("tcp", llsocket.socket(opt.AF_INET, opt.SOCK_STREAM)),
    t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM)),
    t:own("unix", llsocket.socket(opt.AF_UNIX, opt.SOCK_DGRAM)),
  }
  if ipv6_usable(t) then
    socks[#socks + 1] =
      t:own("udp6", llsocket.socket(opt.AF_INET6, opt.SOCK_DGRAM))
  else
    print("# ::1 is not usable here: IPv6 options are not checked")
  end
  return socks
end

-- The first socket on which f(fd, ...) succeeds, or nil and the errors.
local function socket_where(socks, f, ...)
  local errors = {}
  for _, fd in ipairs(socks) do
    local v, err = f(fd, ...)
    if v ~= nil then return fd end
    errors[#errors + 1] = err
  end
  return nil, errors
end

T.case("walking llsocket.opt finds its flags, integers and read-only options",
       function()
  T.truthy(#T.options("flag") >= 15, #T.options("flag") .. " flags")
  T.truthy(#T.options("int") >= 15, #T.options("int") .. " integers")
  local by_name = {}
  for _, o in ipairs(OPTIONS) do by_name[o.name] = o end
  T.eq(by_name.nodelay.kind, "flag", "nodelay")
  T.eq(by_name.acceptconn.kind, "readonly", "acceptconn")
  T.eq(by_name.linger.kind, "other", "linger")
  T.eq(by_name.join, nil, "join is no option")
  local ttl = by_name.ttl
  T.eq(ttl.kind, "int", "ttl")
  T.eq(ttl.min, 1, "ttl min")
  T.eq(ttl.max, 255, "ttl max")
  T.eq(ttl.default, true, "ttl -1 for the default")
  T.eq(by_name.tos.default, false, "tos has no default value")
end)

T.case("every flag option reads a boolean and round-trips true and false",
       function(t)
  local socks = sockets(t)
  for _, o in ipairs(T.options("flag")) do
    local f, name = o.f, o.name
    local fd, errors = socket_where(socks, f, true)
    if fd == nil then
      -- SO_DEBUG needs CAP_NET_ADMIN to be turned on
      T.truthy(errors[1] == errno.EACCES or errors[1] == errno.EPERM,
               name .. " set nowhere: " .. T.errdesc(errors[1]))
    else
      T.eq(f(fd), true, name .. " read back true")
      T.eq(f(fd, false), false, name .. " set false")
      T.eq(f(fd), false, name .. " read back false")
      T.eq(f(fd, nil), false, name .. " nil value reads")
    end
    T.argerror(2, name .. "(1)", f, socks[1], 1)
    T.argerror(2, name .. "('true')", f, socks[1], "true")
  end
end)

T.case("read-only options refuse any value and read with nil", function(t)
  local socks = sockets(t)
  for _, o in ipairs(T.options("readonly")) do
    for _, v in ipairs({ true, false, 1 }) do
      T.argerror(2, o.name .. "(" .. tostring(v) .. ")", o.f, socks[1], v)
    end
    T.truthy(socket_where(socks, o.f, nil), o.name .. " reads with nil")
  end
end)

T.case("integer options raise for values outside their range, the library's",
       function(t)
  local socks = sockets(t)
  for _, o in ipairs(T.options("int")) do
    local f, name = o.f, o.name
    local fd = socket_where(socks, f)
    if fd then
      local before = T.type(f(fd), "integer", name .. " read")
      local below = o.min - 1
      if below == -1 and o.default then below = -2 end
      local outside = { T.INT_MIN, below }
      if o.max < 2147483647 then outside[#outside + 1] = o.max + 1 end
      for _, v in ipairs(outside) do
        T.argerror(2, name .. "(" .. v .. ")", f, fd, v)
      end
      T.argerror(2, name .. "(true)", f, fd, true)
      T.argerror(2, name .. "(1.5)", f, fd, 1.5)
      T.argerror(2, name .. "('3')", f, fd, "3")
      T.eq(f(fd), before, name .. " kept after bad values")
      local inside = { o.min, o.max }
      if o.default then inside[#inside + 1] = -1 end
      for _, v in ipairs(inside) do
        local got, err = f(fd, v)
        if got == nil then
          T.type(err, "integer", name .. "(" .. v .. ") refused by the kernel")
        else
          T.eq(f(fd), got, name .. "(" .. v .. ") read back")
        end
      end
    end
  end
end)

T.case("ttl of 0 and of 256 raise alike; -1 is the default", function(t)
  local fd = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.argerror(2, "ttl(0)", opt.ttl, fd, 0)
  T.argerror(2, "ttl(256)", opt.ttl, fd, 256)
  T.eq(opt.ttl(fd, 17), 17, "ttl 17")
  T.eq(opt.ttl(fd, -1), sysctl("net/ipv4/ip_default_ttl"),
       "ttl -1 is the default")
  T.argerror(2, "keepidle(0)", opt.keepidle, fd, 0)
  T.argerror(2, "keepidle(32768)", opt.keepidle, fd, 32768)
  T.fails("EOPNOTSUPP", "keepidle on UDP", opt.keepidle(fd))
  T.fails("ENOPROTOOPT", "set keepidle on UDP", opt.keepidle(fd, 9))
end)

T.case("every option on a closed fd returns nil, EBADF", function(t)
  local fd = t:own("tcp", llsocket.socket(opt.AF_INET, opt.SOCK_STREAM))
  t:close(fd)
  for _, o in ipairs(OPTIONS) do
    T.fails("EBADF", o.name .. " read", o.f(fd))
    if o.kind == "flag" then
      T.fails("EBADF", o.name .. " write", o.f(fd, true))
    elseif o.kind == "int" then
      T.fails("EBADF", o.name .. " write", o.f(fd, o.max))
    elseif o.kind == "timeout" then
      T.fails("EBADF", o.name .. " write", o.f(fd, 1))
    end
  end
  T.fails("EBADF", "linger write", opt.linger(fd, 1))
  T.fails("EBADF", "mark write", opt.mark(fd, 1))
  T.fails("EBADF", "bindtodevice write", opt.bindtodevice(fd, "lo"))
  T.fails("EBADF", "multicast_if write", opt.multicast_if(fd, "127.0.0.1"))
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
  local timeouts = T.options("timeout")
  T.eq(#timeouts, 2, "rcvtimeo and sndtimeo")
  for _, o in ipairs(timeouts) do
    local f, name = o.f, o.name
    T.truthy(f(fd) == 0, name .. " default 0")
    timeout_roundtrip(f, name, fd, 1.5, true)
    timeout_roundtrip(f, name, fd, 0.25, false)
    timeout_roundtrip(f, name, fd, 2, true)
    timeout_roundtrip(f, name, fd, 0, true)
    T.argerror(2, name .. "('1.5')", f, fd, "1.5")
  end
end)

T.case("rcvtimeo bounds a blocking recv with EAGAIN, again true", function(t)
  local _, s = t:tcppair()
  timeout_roundtrip(opt.rcvtimeo, "rcvtimeo", s, 0.25, false)
  local before = os.time()
  T.iofails("EAGAIN", true, "recv timed out", llsocket.recv(s))
  T.truthy(os.time() - before <= 2, "timed out promptly")
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
      local text = f:read("*a")
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

-- ---- the options with more than one value --------------------------------

-- Errors by name through llsocket.errname, which knows every errno
-- (llsocket.errno lists only the common ones).
local function named(got, name, what)
  T.type(got, "integer", what)
  T.eq(llsocket.errname(got), name, what)
end

local function fails_named(name, what, v, e)
  T.eq(v, nil, what)
  named(e, name, what)
end

T.case("flags of IPv6 and unix sockets round-trip; IPv4 refuses IPv6 ones",
       function(t)
  local v6 = udp6(t)
  T.eq(opt.v6only(v6), sysctl("net/ipv6/bindv6only") ~= 0, "v6only default")
  T.eq(opt.v6only(v6, true), true, "v6only on")
  T.eq(opt.v6only(v6, false), false, "v6only off")
  T.eq(opt.recvpktinfo(v6), false, "recvpktinfo default")
  T.eq(opt.recvpktinfo(v6, true), true, "recvpktinfo on")
  T.eq(opt.multicast_loop(v6), true, "IPv6 multicast_loop default")
  T.eq(opt.multicast_loop(v6, false), false, "IPv6 multicast_loop off")
  T.eq(llsocket.getsockopt(v6, opt.IPPROTO_IPV6, opt.IPV6_MULTICAST_LOOP), 0,
       "multicast_loop picked IPV6_MULTICAST_LOOP")
  local v4 = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.fails("EOPNOTSUPP", "v6only on IPv4", opt.v6only(v4))
  T.fails("ENOPROTOOPT", "set v6only on IPv4", opt.v6only(v4, true))
  T.fails("ENOPROTOOPT", "set recvpktinfo on IPv4", opt.recvpktinfo(v4, true))
  local a = t:own("unix dgram", unix.bind(t:tmpdir() .. "/d", opt.SOCK_DGRAM))
  T.eq(opt.passcred(a), false, "passcred default")
  T.eq(opt.passcred(a, true), true, "passcred on")
  T.eq(opt.passcred(a, false), false, "passcred off")
  T.fails("EOPNOTSUPP", "multicast_loop on unix", opt.multicast_loop(a))
  T.argerror(2, "passcred with an integer", opt.passcred, a, 1)
end)

T.case("acceptconn is false until listen, true after, and read only",
       function(t)
  local fd = t:own("tcp", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.eq(opt.acceptconn(fd), false, "before listen")
  T.nothing("listen", llsocket.listen(fd))
  T.eq(opt.acceptconn(fd), true, "after listen")
  T.eq(opt.acceptconn(fd, nil), true, "nil value reads")
  T.argerror(2, "acceptconn set true", opt.acceptconn, fd, true)
  T.argerror(2, "acceptconn set false", opt.acceptconn, fd, false)
end)

T.case("reuseport lets two UDP sockets bind one port", function(t)
  local a = t:own("udp a", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local port = T.ok("sockname", llsocket.sockname(a)):port()
  -- a port already taken without reuseport stays taken
  T.fails("EADDRINUSE", "bind without reuseport",
          inet.bind("127.0.0.1", port, opt.SOCK_DGRAM))
  t:close(a)
  local addr = T.ok("addr", llsocket.addr.inet("127.0.0.1", 0))
  local fds = {}
  for i = 1, 2 do
    fds[i] = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
    T.eq(opt.reuseport(fds[i], true), true, "reuseport on " .. i)
  end
  T.nothing("bind first", llsocket.bind(fds[1], addr))
  addr = T.ok("sockname", llsocket.sockname(fds[1]))
  T.nothing("bind second to the same port", llsocket.bind(fds[2], addr))
end)

T.case("defer_accept rounds up to Linux's retransmission steps", function(t)
  local fd = t:own("tcp", llsocket.socket(opt.AF_INET, opt.SOCK_STREAM))
  T.eq(opt.defer_accept(fd, 5), 7, "5 s is three SYN-ACKs: 1+2+4 s")
end)

T.case("cork holds a small write back until uncorked", function(t)
  local c, s = t:tcppair()
  T.eq(opt.cork(c, true), true, "cork")
  T.eq(llsocket.send(c, "abc"), 3, "send")
  T.iofails("EAGAIN", true, "held back", llsocket.recv(s, 8, opt.MSG_DONTWAIT))
  T.eq(opt.cork(c, false), false, "uncork")
  T.eq(llsocket.recv(s, 8), "abc", "sent on uncork")
end)

T.case("fastopen options apply before connecting only", function(t)
  local c = t:tcppair()
  T.fails("EINVAL", "fastopen on a connected socket", opt.fastopen(c, 5))
  T.fails("EINVAL", "fastopen_connect on a connected socket",
          opt.fastopen_connect(c, true))
end)

T.case("linger reads false or seconds; 0 seconds makes close reset",
       function(t)
  local c, s = t:tcppair()
  T.eq(opt.linger(c), false, "default off")
  T.eq(opt.linger(c, 5), 5, "on for 5 s")
  T.eq(opt.linger(c), 5, "read back")
  T.eq(opt.linger(c, false), false, "off")
  T.argerror(2, "linger(true)", opt.linger, c, true)
  T.argerror(2, "linger(-1)", opt.linger, c, -1)
  T.argerror(2, "linger('5')", opt.linger, c, "5")
  T.argerror(2, "linger(0.5)", opt.linger, c, 0.5)
  T.eq(opt.linger(c, 0), 0, "on for 0 s")
  t:close(c)
  T.iofails("ECONNRESET", false, "peer sees a reset", llsocket.recv(s))
end)

T.case("mark reads 0 and, with CAP_NET_ADMIN, any 32-bit value", function(t)
  local fd = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.eq(opt.mark(fd), 0, "default")
  T.argerror(2, "mark(-1)", opt.mark, fd, -1)
  T.argerror(2, "mark(2^32)", opt.mark, fd, T.bit(32))
  T.argerror(2, "mark('x')", opt.mark, fd, "x")
  T.argerror(2, "mark('42')", opt.mark, fd, "42")
  local caps = capabilities()
  if T.band(caps, CAP_NET_ADMIN) ~= 0 then
    T.eq(opt.mark(fd, 42), 42, "mark 42")
    T.eq(opt.mark(fd, 0xffffffff), 0xffffffff, "mark 2^32-1")
    T.eq(opt.mark(fd), 0xffffffff, "read back")
  elseif T.band(caps, CAP_NET_RAW) == 0 then
    T.fails("EPERM", "mark without privilege", opt.mark(fd, 42))
  end
end)

T.case("bindtodevice names the interface; errors are returned", function(t)
  local fd = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.eq(opt.bindtodevice(fd), "", "unbound")
  T.fails("ENAMETOOLONG", "name too long",
          opt.bindtodevice(fd, "0123456789abcdef"))
  T.argerror(2, "name with a NUL", opt.bindtodevice, fd, "l\0o")
  T.argerror(2, "name as a table", opt.bindtodevice, fd, {})
  if T.band(capabilities(), CAP_NET_RAW) == 0 then
    -- since Linux 5.7 a first binding needs no privilege; changing it does
    local name, err = opt.bindtodevice(fd, "lo")
    if name == "lo" then name, err = opt.bindtodevice(fd, "") end
    T.fails("EPERM", "changing the binding without CAP_NET_RAW", name, err)
    return
  end
  fails_named("ENODEV", "unknown interface", opt.bindtodevice(fd, "nosuchif0"))
  T.eq(opt.bindtodevice(fd, "lo"), "lo", "bound to lo")
  T.eq(opt.bindtodevice(fd), "lo", "read back")
  T.eq(opt.bindtodevice(fd, ""), "", "unbound again")
end)

T.case("tcpinfo follows a loopback connection", function(t)
  local lfd, port = t:listener()
  T.eq(T.ok("tcpinfo", opt.tcpinfo(lfd)).state, "LISTEN", "listener")
  local c = t:own("connect", inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(c, "ping"), 4, "send")
  T.eq(llsocket.recv(s, 4), "ping", "recv")
  local info = T.ok("tcpinfo", opt.tcpinfo(c))
  T.eq(info.state, "ESTABLISHED", "state")
  for _, field in ipairs({ "rtt_us", "rto_us", "snd_mss", "rcv_mss",
                           "snd_cwnd", "pmtu" }) do
    T.type(info[field], "integer", field)
    T.truthy(info[field] > 0, field .. " > 0")
  end
  -- one loopback sample may leave no variation to speak of
  T.type(info.rttvar_us, "integer", "rttvar_us")
  T.truthy(info.pmtu > info.snd_mss, "segments fit the path MTU")
  for _, field in ipairs({ "retransmits", "total_retrans", "lost", "probes",
                           "backoff" }) do
    T.eq(info[field], 0, field)
  end
  t:close(s)
  T.eq(llsocket.recv(c), "", "end of file")
  T.eq(opt.tcpinfo(c).state, "CLOSE_WAIT", "after the peer closed")
  T.argerror(2, "tcpinfo with a value", opt.tcpinfo, c, {})
  local u = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.fails("EOPNOTSUPP", "tcpinfo on UDP", opt.tcpinfo(u))
end)

T.case("multicast_if: an address on IPv4, an index on IPv6", function(t)
  local fd = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.eq(opt.multicast_if(fd), "0.0.0.0", "IPv4 default")
  T.eq(opt.multicast_if(fd, "127.0.0.1"), "127.0.0.1", "by address")
  T.eq(opt.multicast_if(fd, ""), "0.0.0.0", "back to the default")
  T.eq(opt.multicast_if(fd, "lo"), "0.0.0.0", "by name reads no address")
  fails_named("ENODEV", "unknown interface", opt.multicast_if(fd, "nosuchif0"))
  T.fails("EADDRNOTAVAIL", "address of no interface",
          opt.multicast_if(fd, "192.0.2.1"))
  T.argerror(2, "interface as a table", opt.multicast_if, fd, {})
  T.argerror(2, "negative index", opt.multicast_if, fd, -1)
  local v6 = udp6(t)
  T.eq(opt.multicast_if(v6), 0, "IPv6 default")
  local lo = lo_index()
  T.eq(opt.multicast_if(v6, "lo"), lo, "by name")
  T.eq(opt.multicast_if(v6, 0), 0, "index 0")
  T.eq(opt.multicast_if(v6, lo), lo, "by index")
  T.fails("EINVAL", "IPv4 address on IPv6", opt.multicast_if(v6, "127.0.0.1"))
end)

local GROUP, SSM_GROUP = "239.255.0.2", "232.255.0.2"

-- A socket bound to group, joined to it; skips when this machine cannot.
local function member(t, group, join, ...)
  local fd = t:own("bind " .. group, inet.bind(group, 0, opt.SOCK_DGRAM))
  local result = table.pack(join(fd, group, ...))
  local err = result[1]
  if err ~= nil and (llsocket.errname(err) == "ENODEV" or
                     llsocket.errname(err) == "ENOBUFS") then
    t:skip("cannot join a multicast group here (" .. T.errdesc(err) .. ")")
  end
  T.nothing("join " .. group, table.unpack(result, 1, result.n))
  return fd, T.ok("sockname", llsocket.sockname(fd))
end

-- A socket on source that sends multicast over loopback, never beyond.
local function sender(t, source)
  local fd = t:own("bind " .. source, inet.bind(source, 0, opt.SOCK_DGRAM))
  T.eq(opt.multicast_if(fd, "127.0.0.1"), "127.0.0.1", "multicast_if")
  T.eq(opt.multicast_loop(fd, true), true, "multicast_loop")
  T.eq(opt.multicast_ttl(fd, 0), 0, "TTL 0: the host only")
  return fd
end

T.case("join a group on lo, receive what is sent there, leave", function(t)
  local fd, to = member(t, GROUP, opt.join, "lo")
  local s = sender(t, "127.0.0.1")
  T.eq(llsocket.sendto(s, "to the group", to), 12, "sendto group")
  T.eq(llsocket.recv(fd), "to the group", "received")
  T.err(opt.join(fd, GROUP, "lo"), "EADDRINUSE", "join twice")
  T.nothing("leave", opt.leave(fd, GROUP, "lo"))
  T.err(opt.leave(fd, GROUP, "lo"), "EADDRNOTAVAIL", "leave twice")
  T.nothing("join by index", opt.join(fd, GROUP, lo_index()))
  T.nothing("leave by address", opt.leave(fd, GROUP, "127.0.0.1"))
end)

T.case("source-specific join and block on lo filter by sender", function(t)
  local fd, to = member(t, SSM_GROUP, function(fd, group)
    return opt.join_source(fd, group, "127.0.0.1", "lo")
  end)
  local good, bad = sender(t, "127.0.0.1"), sender(t, "127.0.0.2")
  -- sent first, so it would be read first had it not been dropped
  T.eq(llsocket.sendto(bad, "from .2", to), 7, "send from .2")
  T.eq(llsocket.sendto(good, "from .1", to), 7, "send from .1")
  T.eq(llsocket.recv(fd), "from .1", "only the joined source")
  T.nothing("leave_source", opt.leave_source(fd, SSM_GROUP, "127.0.0.1", "lo"))
  T.err(opt.leave_source(fd, SSM_GROUP, "127.0.0.1", "lo"), "EINVAL",
        "no membership left")
  local any = member(t, GROUP, opt.join, "127.0.0.1")
  to = T.ok("sockname", llsocket.sockname(any))
  T.nothing("block .2", opt.block_source(any, GROUP, "127.0.0.2", "127.0.0.1"))
  T.eq(llsocket.sendto(bad, "blocked", to), 7, "send from .2")
  T.eq(llsocket.sendto(good, "allowed", to), 7, "send from .1")
  T.eq(llsocket.recv(any), "allowed", "blocked source dropped")
  T.nothing("unblock .2",
            opt.unblock_source(any, GROUP, "127.0.0.2", "127.0.0.1"))
  T.eq(llsocket.sendto(bad, "unblocked", to), 9, "send from .2 again")
  T.eq(llsocket.recv(any), "unblocked", "unblocked source received")
end)

T.case("IPv6 groups are joined and left on lo", function(t)
  local fd = udp6(t)
  T.nothing("join", opt.join(fd, "ff15::4c4c:2", "lo"))
  T.nothing("join_source", opt.join_source(fd, "ff35::4c4c:2", "::1", "lo"))
  T.nothing("leave_source", opt.leave_source(fd, "ff35::4c4c:2", "::1", "lo"))
  T.nothing("leave", opt.leave(fd, "ff15::4c4c:2", "lo"))
  T.err(opt.leave(fd, "ff15::4c4c:2", "lo"), "EADDRNOTAVAIL", "leave twice")
  T.err(opt.join(fd, "ff15::4c4c:2", "127.0.0.1"), "EINVAL",
        "IPv4 interface address on IPv6")
end)

T.case("membership calls check their arguments", function(t)
  local fd = t:own("udp", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  T.err(opt.join(fd, "not-a-group", "lo"), "EINVAL", "non-numeric group")
  T.err(opt.join(fd, "127.0.0.1", "lo"), "EINVAL", "unicast group")
  named(opt.join(fd, GROUP, "nosuchif0"), "ENODEV", "unknown interface")
  T.err(opt.join_source(fd, GROUP, "::1", "lo"), "EINVAL", "mixed families")
  T.argerror(2, "no group", opt.join, fd)
  T.argerror(2, "group with a NUL", opt.join, fd, "239.0.0.1\0")
  T.argerror(3, "interface as a table", opt.join, fd, GROUP, {})
  T.argerror(3, "no source", opt.join_source, fd, GROUP)
  T.argerror(4, "interface as a boolean", opt.block_source, fd, GROUP,
             "127.0.0.1", true)
  T.argerror(1, "fd as a string", opt.leave, "x", GROUP)
  t:close(fd)
  for _, name in ipairs({ "join", "leave" }) do
    T.err(opt[name](fd, GROUP, "lo"), "EBADF", name .. " on a closed fd")
  end
  for _, name in ipairs({ "join_source", "leave_source", "block_source",
                          "unblock_source" }) do
    T.err(opt[name](fd, GROUP, "127.0.0.1", "lo"), "EBADF",
          name .. " on a closed fd")
  end
end)

T.case("getsockopt/setsockopt reach any option, as integers or bytes",
       function(t)
  local get, set = llsocket.getsockopt, llsocket.setsockopt
  local c = t:tcppair()
  T.nothing("set SO_KEEPALIVE", set(c, opt.SOL_SOCKET, opt.SO_KEEPALIVE, 1))
  T.eq(get(c, opt.SOL_SOCKET, opt.SO_KEEPALIVE), 1, "get SO_KEEPALIVE")
  T.eq(opt.keepalive(c), true, "the named option agrees")
  T.eq(get(c, opt.SOL_SOCKET, opt.SO_TYPE), opt.SOCK_STREAM, "SO_TYPE")
  T.nothing("set SO_LINGER raw",
            set(c, opt.SOL_SOCKET, opt.SO_LINGER, string.pack("i4i4", 1, 7)))
  T.eq(opt.linger(c), 7, "linger set raw")
  local raw = T.ok("get SO_LINGER raw",
                   get(c, opt.SOL_SOCKET, opt.SO_LINGER, 8))
  T.eq(#raw, 8, "8 bytes")
  T.eq(select(2, string.unpack("i4i4", raw)), 7, "l_linger")
  raw = T.ok("TCP_INFO", get(c, opt.IPPROTO_TCP, opt.TCP_INFO, 4096))
  T.truthy(#raw > 100 and #raw < 4096, "TCP_INFO is the kernel's length")
  T.eq(raw:byte(1), 1, "tcpi_state is ESTABLISHED")
  T.eq(#T.ok("short read", get(c, opt.SOL_SOCKET, opt.SO_TYPE, 1)), 1,
       "a short buffer gets what fits")
  T.fails("ENOPROTOOPT", "unknown name", get(c, opt.SOL_SOCKET, 9999))
  T.fails("ENOPROTOOPT", "unknown name raw", get(c, opt.SOL_SOCKET, 9999, 4))
  T.err(set(c, opt.SOL_SOCKET, 9999, 1), "ENOPROTOOPT", "set unknown name")
  T.err(set(c, opt.SOL_SOCKET, opt.SO_LINGER, "xy"), "EINVAL",
        "raw value too short")
  T.argerror(4, "size 0", get, c, opt.SOL_SOCKET, opt.SO_TYPE, 0)
  T.argerror(4, "size 4097", get, c, opt.SOL_SOCKET, opt.SO_TYPE, 4097)
  T.argerror(4, "boolean value", set, c, opt.SOL_SOCKET, opt.SO_KEEPALIVE,
             true)
  T.argerror(4, "fractional value", set, c, opt.SOL_SOCKET, opt.SO_KEEPALIVE,
             1.5)
  T.argerror(4, "no value", set, c, opt.SOL_SOCKET, opt.SO_KEEPALIVE)
  T.argerror(2, "level as a string", get, c, "x", 1)
  T.argerror(3, "name out of range", get, c, 1, T.bit(40))
  t:close(c)
  T.fails("EBADF", "get on a closed fd", get(c, opt.SOL_SOCKET, opt.SO_TYPE))
  T.err(set(c, opt.SOL_SOCKET, opt.SO_KEEPALIVE, 1), "EBADF",
        "set on a closed fd")
end)

T.case("SO_*, TCP_*, IP_*, IPV6_*, MCAST_* names have their Linux values",
       function()
  local expected = {
    SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_KEEPALIVE = 9,
    SO_LINGER = 13, SO_REUSEPORT = 15, SO_RCVBUF = 8, SO_BINDTODEVICE = 25,
    SO_ACCEPTCONN = 30, SO_MARK = 36, SO_PASSCRED = 16, SO_TIMESTAMPNS = 35,
    IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41,
    TCP_NODELAY = 1, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6,
    TCP_DEFER_ACCEPT = 9, TCP_INFO = 11, TCP_CORK = 3, TCP_USER_TIMEOUT = 18,
    TCP_FASTOPEN = 23, TCP_FASTOPEN_CONNECT = 30,
    IP_TOS = 1, IP_TTL = 2, IP_PKTINFO = 8, IP_MULTICAST_IF = 32,
    IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34, IP_ADD_MEMBERSHIP = 35,
    IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_IF = 17, IPV6_MULTICAST_HOPS = 18,
    IPV6_MULTICAST_LOOP = 19, IPV6_V6ONLY = 26, IPV6_RECVPKTINFO = 49,
    IPV6_TCLASS = 67, MCAST_JOIN_GROUP = 42, MCAST_JOIN_SOURCE_GROUP = 46,
  }
  for name, value in pairs(expected) do
    T.eq(opt[name], value, "opt." .. name)
  end
end)

T.done()
