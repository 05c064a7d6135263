-- llsocket.unix.bind/connect: paths in a temp dir, abstract names, path
-- length limits, stream, datagram and seqpacket sockets.
local T = require "testlib"
local llsocket = T.llsocket
local unix, opt = llsocket.unix, llsocket.opt

-- sun_path is 108 bytes on Linux; a path needs its terminating NUL.
local SUN_PATH_SIZE = 108

local function abstract_name(tag)
  return "\0llsocket-test-" .. tag .. "-" .. tostring({}):match("0x(%x+)") ..
         "-" .. os.time()
end

T.case("stream round trip over a path; addresses carry the path", function(t)
  local path = t:tmpdir() .. "/stream.sock"
  local lfd = t:own("bind", unix.bind(path, opt.SOCK_STREAM))
  T.type(lfd, "integer", "fd")
  T.nothing("listen", llsocket.listen(lfd))
  local c = t:own("connect", unix.connect(path, opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(c, "over unix"), 9, "send")
  T.eq(llsocket.recv(s), "over unix", "recv")
  T.eq(llsocket.send(s, "back"), 4, "send back")
  T.eq(llsocket.recv(c, 4), "back", "recv back")

  local laddr = T.ok("sockname", llsocket.sockname(lfd))
  T.eq(laddr:family(), opt.AF_UNIX, "family")
  T.eq(laddr:path(), path, "path")
  T.eq(laddr:host(), nil, "host of unix addr")
  T.eq(laddr:port(), nil, "port of unix addr")
  T.eq(tostring(laddr), path, "tostring")
  local peer = T.ok("peername", llsocket.peername(c))
  T.truthy(peer == laddr, "client peer == listener address")
  T.truthy(peer == llsocket.addr.unix(path), "peer == addr.unix(path)")

  local cname = T.ok("sockname client", llsocket.sockname(c))
  T.eq(cname:family(), opt.AF_UNIX, "unnamed family")
  T.eq(cname:path(), "", "unnamed path")
  T.eq(tostring(cname), "(unnamed)", "unnamed tostring")
  T.eq(tostring(T.ok("peername accepted", llsocket.peername(s))), "(unnamed)",
       "accepted peer is unnamed")
  T.eq(llsocket.type(c), opt.SOCK_STREAM, "type")
  T.eq(opt.cloexec(c), true, "cloexec")
  T.eq(opt.cloexec(s), true, "accepted cloexec")
  t:close(c)
  T.eq(llsocket.recv(s), "", "EOF")
end)

T.case("the nonblock argument sets O_NONBLOCK on unix sockets", function(t)
  local dir = t:tmpdir()
  local lfd = t:own("bind", unix.bind(dir .. "/nb", opt.SOCK_STREAM, true))
  T.eq(opt.nonblock(lfd), true, "bind nonblock")
  T.nothing("listen", llsocket.listen(lfd))
  T.iofails("EAGAIN", true, "accept", llsocket.accept(lfd))
  local c = t:own("connect", unix.connect(dir .. "/nb", opt.SOCK_STREAM, true))
  T.eq(opt.nonblock(c), true, "connect nonblock")
  local b = t:own("bind", unix.bind(dir .. "/b", opt.SOCK_STREAM, false))
  T.eq(opt.nonblock(b), false, "bind false")
  local n = t:own("bind", unix.bind(dir .. "/n", opt.SOCK_STREAM))
  T.eq(opt.nonblock(n), false, "bind default")
  local s = t:own("acceptInherits", llsocket.acceptInherits(lfd))
  T.eq(opt.nonblock(s), true, "inherited")
  T.iofails("EAGAIN", true, "recv", llsocket.recv(s))
end)

T.case("abstract names: \"\\0name\" binds, path keeps the NUL, tostring is @name",
       function(t)
  local name = abstract_name("abs")
  local lfd = t:own("bind abstract", unix.bind(name, opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(lfd))
  local laddr = T.ok("sockname", llsocket.sockname(lfd))
  T.eq(laddr:family(), opt.AF_UNIX, "family")
  T.eq(laddr:path(), name, "path")
  T.eq(tostring(laddr), "@" .. name:sub(2), "tostring")
  local c = t:own("connect abstract", unix.connect(name, opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(c, "abstract"), 8, "send")
  T.eq(llsocket.recv(s), "abstract", "recv")
  T.truthy(T.ok("peername", llsocket.peername(c)) == laddr, "peer")
  T.fails("EADDRINUSE", "bind same abstract name",
          unix.bind(name, opt.SOCK_STREAM))
end)

T.case("datagram: sendto addr.unix, recvfrom gives the sender's path", function(t)
  local dir = t:tmpdir()
  local a = t:own("bind a", unix.bind(dir .. "/a", opt.SOCK_DGRAM))
  local b = t:own("bind b", unix.bind(dir .. "/b", opt.SOCK_DGRAM))
  local aaddr = T.ok("addr.unix", llsocket.addr.unix(dir .. "/a"))
  T.eq(llsocket.sendto(b, "dgram", aaddr), 5, "sendto")
  local msg, from = llsocket.recvfrom(a)
  T.eq(msg, "dgram", "recvfrom")
  T.eq(from:path(), dir .. "/b", "sender path")
  T.truthy(from == T.ok("sockname", llsocket.sockname(b)), "sender == sockname")
  T.eq(llsocket.sendto(a, "reply", from), 5, "reply")
  T.eq(llsocket.recv(b), "reply", "reply received")
  T.eq(llsocket.type(a), opt.SOCK_DGRAM, "type")

  local c = t:own("connect dgram", unix.connect(dir .. "/a", opt.SOCK_DGRAM))
  T.eq(llsocket.send(c, "connected"), 9, "send on connected dgram")
  local m2, from2 = llsocket.recvfrom(a)
  T.eq(m2, "connected", "recv")
  -- The kernel gives no address for an unbound sender.
  T.eq(from2, nil, "unbound sender has no address")
end)

T.case("seqpacket keeps message boundaries", function(t)
  local path = t:tmpdir() .. "/seq"
  local lfd = t:own("bind", unix.bind(path, opt.SOCK_SEQPACKET))
  T.nothing("listen", llsocket.listen(lfd))
  local c = t:own("connect", unix.connect(path, opt.SOCK_SEQPACKET))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.type(s), opt.SOCK_SEQPACKET, "type")
  T.eq(llsocket.send(c, "ab"), 2, "send 1")
  T.eq(llsocket.send(c, "cd"), 2, "send 2")
  T.eq(llsocket.recv(s, 10), "ab", "first message")
  T.eq(llsocket.recv(s, 10), "cd", "second message")
end)

T.case("a 107-byte path works; 108 bytes is ENAMETOOLONG, never truncated",
       function(t)
  local dir = t:tmpdir()
  local function path_of(len)
    return dir .. "/" .. string.rep("p", len - #dir - 1)
  end
  local longest = path_of(SUN_PATH_SIZE - 1)
  T.eq(#longest, 107, "path length")
  local fd = t:own("bind 107", unix.bind(longest, opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(fd))
  T.eq(T.ok("sockname", llsocket.sockname(fd)):path(), longest, "full path kept")
  local c = t:own("connect 107", unix.connect(longest, opt.SOCK_STREAM))
  T.eq(T.ok("peername", llsocket.peername(c)):path(), longest, "peer path")

  local too_long = path_of(SUN_PATH_SIZE)
  T.eq(#too_long, 108, "path length")
  T.fails("ENAMETOOLONG", "bind 108", unix.bind(too_long, opt.SOCK_STREAM))
  T.fails("ENAMETOOLONG", "connect 108", unix.connect(too_long, opt.SOCK_STREAM))
  T.fails("ENAMETOOLONG", "addr.unix 108", llsocket.addr.unix(too_long))
  T.truthy(llsocket.addr.unix(longest), "addr.unix 107")
  T.fails("ENAMETOOLONG", "bind 4096",
          unix.bind(dir .. "/" .. string.rep("q", 4096), opt.SOCK_STREAM))
  -- Nothing was created under a truncated name.
  local p = assert(io.popen("ls '" .. dir .. "' | wc -l"))
  local entries = tonumber(p:read("*l"))
  p:close()
  T.eq(entries, 1, "entries in temp dir")
end)

T.case("abstract names may use all 108 bytes; 109 is ENAMETOOLONG", function(t)
  local base = abstract_name("len")
  local full = base .. string.rep("z", SUN_PATH_SIZE - #base)
  T.eq(#full, 108, "name length")
  local fd = t:own("bind 108 abstract", unix.bind(full, opt.SOCK_DGRAM))
  T.eq(T.ok("sockname", llsocket.sockname(fd)):path(), full, "name kept")
  T.fails("ENAMETOOLONG", "bind 109 abstract",
          unix.bind(full .. "z", opt.SOCK_DGRAM))
end)

T.case("an embedded NUL in a path is EINVAL", function(t)
  local dir = t:tmpdir()
  T.fails("EINVAL", "bind", unix.bind(dir .. "/a\0b", opt.SOCK_STREAM))
  T.fails("EINVAL", "connect", unix.connect(dir .. "/a\0b", opt.SOCK_STREAM))
  T.fails("EINVAL", "addr.unix", llsocket.addr.unix(dir .. "/a\0b"))
end)

T.case("connect errors: ENOENT for no file, ECONNREFUSED when not listening",
       function(t)
  local dir = t:tmpdir()
  T.fails("ENOENT", "connect missing",
          unix.connect(dir .. "/missing", opt.SOCK_STREAM))
  local fd = t:own("bind", unix.bind(dir .. "/idle", opt.SOCK_STREAM))
  T.fails("ECONNREFUSED", "connect not listening",
          unix.connect(dir .. "/idle", opt.SOCK_STREAM))
  T.fails("EADDRINUSE", "bind existing path",
          unix.bind(dir .. "/idle", opt.SOCK_STREAM))
  T.fails("EPROTOTYPE", "connect dgram to stream",
          unix.connect(dir .. "/idle", opt.SOCK_DGRAM))
  T.fails("ENOENT", "bind in a missing directory",
          unix.bind(dir .. "/no/such/dir", opt.SOCK_STREAM))
  t:close(fd)
end)

-- The output of a command, one line.
local function command_line(cmd)
  local p = assert(io.popen(cmd))
  local line = p:read("*l")
  p:close()
  return line
end

T.case("peercred names this process as the peer of a unix socket",
       function(t)
  local a, b = llsocket.socketpair(opt.SOCK_STREAM)
  t:own("pair a", a)
  t:own("pair b", b)
  local pid, uid, gid = llsocket.peercred(a)
  local stat = assert(io.open("/proc/self/stat", "r"))
  T.eq(pid, math.tointeger(stat:read("*n")), "pid")
  stat:close()
  T.eq(uid, math.tointeger(tonumber(command_line("id -u"))), "uid")
  T.eq(gid, math.tointeger(tonumber(command_line("id -g"))), "gid")
  t:close(a)
  T.fails("EBADF", "closed fd", llsocket.peercred(a))
  local u = T.ok("udp socket", llsocket.inet.bind("127.0.0.1", 0,
                                                 opt.SOCK_DGRAM))
  t:own("udp", u)
  T.fails("ENOTCONN", "no peer", llsocket.peercred(u))
end)

T.done()
