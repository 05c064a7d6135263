-- socketpair, fd passing (sendfds/recvfds), peer credentials and sendfile.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

local function pair(t, socktype, nonblock)
  local a, b = llsocket.socketpair(socktype or opt.SOCK_STREAM, nonblock)
  t:own("socketpair a", a, b)
  t:own("socketpair b", b)
  return a, b
end

T.case("socketpair returns two connected close-on-exec sockets", function(t)
  local a, b = pair(t)
  T.eq(llsocket.type(a), opt.SOCK_STREAM, "type")
  T.eq(opt.cloexec(a), true, "cloexec")
  T.eq(opt.nonblock(b), false, "blocking by default")
  T.eq(llsocket.send(a, "hi"), 2, "send")
  T.eq(llsocket.recv(b), "hi", "recv")
  local c, d = pair(t, opt.SOCK_DGRAM, true)
  T.eq(opt.nonblock(c), true, "nonblock on request")
  T.iofails("EAGAIN", true, "empty recv", llsocket.recv(d))
end)

T.case("socketpair reports families without pairs and rejects misuse",
       function()
  T.fails("EOPNOTSUPP", "inet pair",
          llsocket.socketpair(opt.SOCK_STREAM, false, opt.AF_INET))
  T.argerror(1, "missing socktype", llsocket.socketpair)
  T.argerror(2, "nonblock string", llsocket.socketpair, opt.SOCK_STREAM, "yes")
end)

T.case("0, 1, several and 253 fds arrive, close-on-exec and usable",
       function(t)
  local a, b = pair(t)
  local dir = t:tmpdir()
  local f = assert(io.open(dir .. "/f", "w+"))
  f:write("fd passing")
  f:flush()
  local r, w = pair(t)
  for _, count in ipairs({ 0, 1, 3, 253 }) do
    local fds = {}
    for i = 1, count do fds[i] = r end
    T.eq(llsocket.sendfds(a, "x", fds), 1, "sendfds " .. count)
    local str, got, truncated = llsocket.recvfds(b)
    T.eq(str, "x", "data with " .. count)
    T.eq(#got, count, "fd count")
    T.eq(truncated, false, "not truncated")
    for i, fd in ipairs(got) do
      T.eq(opt.cloexec(fd), true, "received fd " .. i .. " cloexec")
      T.eq(llsocket.type(fd), opt.SOCK_STREAM, "received fd is the socket")
      T.nothing("close received", llsocket.close(fd))
    end
  end
  -- a received copy of r reads what is written to w
  T.eq(llsocket.sendfds(a, "y", { r }), 1, "send r")
  local _, got = llsocket.recvfds(b)
  T.eq(llsocket.send(w, "through the copy"), 16, "send on w")
  T.eq(llsocket.recv(got[1]), "through the copy", "recv on received copy")
  T.nothing("close copy", llsocket.close(got[1]))
  f:close()
end)

T.case("fds beyond maxfds are all closed and reported as truncated",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.eq(llsocket.sendfds(a, "x", { a, a, a }), 1, "send 3")
  local str, got, truncated = llsocket.recvfds(b, 16, 2)
  T.eq(str, "x", "data still arrives")
  T.eq(#got, 0, "no fds kept")
  T.eq(truncated, true, "truncation reported")
  T.eq(llsocket.sendfds(a, "y", { a }), 1, "send 1")
  str, got, truncated = llsocket.recvfds(b, 16, 0)
  T.eq(#got, 0, "maxfds 0 keeps none")
  T.eq(truncated, true, "and says so")
end)

T.case("recvfds keeps its fds when credentials or timestamps also arrive",
       function(t)
  local SO_PASSCRED, SO_TIMESTAMP, SO_TIMESTAMPNS = 16, 29, 35
  for _, socktype in ipairs({ opt.SOCK_DGRAM, opt.SOCK_STREAM }) do
    for _, option in ipairs({ SO_PASSCRED, SO_TIMESTAMP, SO_TIMESTAMPNS }) do
      local what = "socktype " .. socktype .. ", option " .. option
      local a, b = pair(t, socktype)
      T.nothing("set option", llsocket.setsockopt(b, opt.SOL_SOCKET, option, 1))
      for _, maxfds in ipairs({ 1, 3 }) do
        T.eq(llsocket.sendfds(a, "x", { a }), 1, "send 1 fd")
        local str, fds, truncated = llsocket.recvfds(b, 16, maxfds)
        T.eq(str, "x", "data " .. what)
        T.eq(#fds, 1, "the fd arrived, maxfds " .. maxfds .. ", " .. what)
        T.eq(truncated, false, "not truncated " .. what)
        T.eq(llsocket.type(fds[1]), socktype, "the fd is the socket")
        T.nothing("close", llsocket.close(fds[1]))
      end
      T.eq(llsocket.send(a, "y"), 1, "send no fd")
      local str, fds, truncated = llsocket.recvfds(b, 16, 0)
      T.eq(str, "y", "data " .. what)
      T.eq(#fds, 0, "no fd " .. what)
      T.eq(truncated, false, "no fd is not a truncation " .. what)
      t:close(a)
      t:close(b)
    end
  end
end)

T.case("sendfds and recvfds reject bad fd lists and lengths", function(t)
  local a, b = pair(t)
  T.argerror(3, "fds not a table", llsocket.sendfds, a, "x", 5)
  T.argerror(3, "string in fds", llsocket.sendfds, a, "x", { "0" })
  T.argerror(3, "negative fd", llsocket.sendfds, a, "x", { -1 })
  T.argerror(3, "float fd", llsocket.sendfds, a, "x", { 1.5 })
  local many = {}
  for i = 1, 254 do many[i] = a end
  T.argerror(3, "254 fds", llsocket.sendfds, a, "x", many)
  T.argerror(2, "len 0", llsocket.recvfds, b, 0)
  T.argerror(3, "maxfds 254", llsocket.recvfds, b, 1, 254)
  T.argerror(3, "maxfds -1", llsocket.recvfds, b, 1, -1)
  T.iofails("EBADF", false, "closed fd in list",
            llsocket.sendfds(a, "x", { 1000 }))
  T.iofails("EAGAIN", true, "nothing to receive",
            llsocket.recvfds(b, 1, 1, opt.MSG_DONTWAIT))
end)

T.case("sendfile sends what was written to a file handle but not flushed",
       function(t)
  local a, b = pair(t)
  local f = assert(io.tmpfile())
  T.truthy(f:write("ABCDEFGH"), "buffered write")
  T.eq(llsocket.sendfile(a, f, 8, 0), 8, "sendfile at offset 0")
  T.eq(llsocket.recv(b, 100), "ABCDEFGH", "the written bytes")
  T.truthy(f:write("IJ"), "more buffered writes")
  T.eq(llsocket.sendfile(a, f, 100, 6), 4, "sendfile at offset 6")
  T.eq(llsocket.recv(b, 100), "GHIJ", "up to the last write")
  T.eq(f:seek("set", 2), 2, "seek")
  T.truthy(f:write("cd"), "overwrite, buffered")
  T.eq(llsocket.sendfile(a, f, 3), 3, "sendfile from the position")
  T.eq(llsocket.recv(b, 100), "EFG", "from after the write")
  T.eq(f:seek(), 7, "the position moved past what was sent")
  T.eq(llsocket.sendfile(a, f, 4, 0), 4, "sendfile at offset 0 again")
  T.eq(llsocket.recv(b, 100), "ABcd", "the overwrite is in the file")
  f:close()
end)

T.case("sendfile from a pipe handle: whole when unread, refused with read-ahead",
       function(t)
  local a, b = pair(t)
  local p = assert(io.popen("printf 0123456789", "r"))
  T.eq(llsocket.sendfile(a, p, 100), 10, "all of the pipe")
  T.eq(llsocket.recv(b, 100), "0123456789", "the pipe's bytes")
  p:close()
  p = assert(io.popen("printf 0123456789", "r"))
  T.eq(p:read(2), "01", "stdio reads ahead")
  local msg = T.argerror(2, "read-ahead", llsocket.sendfile, a, p, 8)
  if T.NAMES_FROM_LOADED then
    T.match(msg, "sendfile'", "names the function")
  end
  T.match(msg, "buffered", "says why")
  T.eq(p:read("*a"), "23456789", "the buffered bytes are still there")
  p:close()
  p = assert(io.popen("printf 0123456789", "r"))
  T.truthy(p:setvbuf("no"), "unbuffered")
  T.eq(p:read(2), "01", "read unbuffered")
  T.eq(llsocket.sendfile(a, p, 100), 8, "the rest of the pipe")
  T.eq(llsocket.recv(b, 100), "23456789", "nothing skipped")
  p:close()
end)

T.case("sendfile sends from a file handle's position and moves it",
       function(t)
  local a, b = pair(t)
  local dir = t:tmpdir()
  local f = assert(io.open(dir .. "/data", "w+"))
  f:write("0123456789abcdefghij")
  f:seek("set", 0)
  T.eq(f:read(3), "012", "stdio read first")
  T.eq(llsocket.sendfile(a, f, 5), 5, "sendfile 5")
  T.eq(llsocket.recv(b), "34567", "bytes after the stdio position")
  T.eq(f:read(2), "89", "handle moved past what was sent")
  T.eq(llsocket.sendfile(a, f, 4, 16), 4, "sendfile at offset")
  T.eq(llsocket.recv(b), "ghij", "bytes at offset")
  T.eq(f:read(1), "a", "explicit offset leaves the handle alone")
  T.eq(llsocket.sendfile(a, f, 100, 18), 2, "short at end of file")
  T.eq(llsocket.recv(b), "ij", "tail")
  f:close()
  T.argerror(2, "closed file", llsocket.sendfile, a, f, 1)
end)

T.case("sendfile takes an integer fd and reports errors", function(t)
  local a, b = pair(t)
  local r, w = pair(t)
  T.eq(llsocket.send(w, "from a socket"), 13, "fill source")
  T.eq(llsocket.sendfile(a, r, 13), 13, "copy fallback from a socket")
  T.eq(llsocket.recv(b), "from a socket", "copied")
  T.iofails("EBADF", false, "bad file fd", llsocket.sendfile(a, 1000, 1))
  T.argerror(3, "negative len", llsocket.sendfile, a, r, -1)
  T.argerror(4, "negative offset", llsocket.sendfile, a, r, 1, -1)
  T.argerror(2, "string file", llsocket.sendfile, a, "f", 1)
end)

T.case("sendmsg gathers strings and recvmsg scatters them by sizes",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.eq(llsocket.sendmsg(a, { "ab", "cd", "e" }), 5, "gathered send")
  local m = T.ok("recvmsg", llsocket.recvmsg(b, { 1, 2, 10 }))
  T.eq(m.data[1], "a", "first part")
  T.eq(m.data[2], "bc", "second part")
  T.eq(m.data[3], "de", "short last part")
  T.eq(#m.control, 0, "no ancillary data")
  T.eq(m.flags, 0, "no flags")
  T.eq(m.addr, nil, "unnamed socketpair has no sender address")
  T.eq(llsocket.sendmsg(a, "whole"), 5, "one string")
  m = llsocket.recvmsg(b, 3)
  T.eq(m.data, "who", "single size gives a string")
  T.eq(T.band(m.flags, opt.MSG_TRUNC), opt.MSG_TRUNC, "datagram truncated")
end)

T.case("sendmsg and recvmsg carry addresses on UDP", function(t)
  local u1, u2, addr1, addr2 = t:udppair()
  T.eq(llsocket.sendmsg(u1, "to u2", addr2), 5, "sendmsg with addr")
  local m = T.ok("recvmsg", llsocket.recvmsg(u2))
  T.eq(m.data, "to u2", "data")
  T.eq(m.addr, addr1, "sender address")
end)

T.case("generic SCM_RIGHTS ancillary data passes fds and CTRUNC closes them",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  local rights = { opt.SOL_SOCKET, opt.SCM_RIGHTS, string.pack("i", a) }
  T.eq(llsocket.sendmsg(a, "fd", nil, { rights }), 2, "send with rights")
  local m = T.ok("recvmsg", llsocket.recvmsg(b))
  T.eq(#m.fds, 1, "one fd, decoded")
  T.eq(#m.control, 0, "and not also raw")
  local fd = m.fds[1]
  T.eq(opt.cloexec(fd), true, "received fd is close-on-exec")
  T.nothing("close received fd", llsocket.close(fd))
  rights[3] = string.pack("ii", a, a)
  T.eq(llsocket.sendmsg(a, "fd", nil, { rights }), 2, "send two")
  m = T.ok("recvmsg short control", llsocket.recvmsg(b, 16, 20))
  T.eq(T.band(m.flags, opt.MSG_CTRUNC), opt.MSG_CTRUNC, "truncation reported")
  T.eq(m.fds, nil, "closed fds are not listed")
  T.eq(#m.control, 0, "nor shown raw")
end)

T.case("recvmsg calls of different shapes in a row each get their own data",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  local sizes = {}
  for i = 1, 20 do sizes[i] = 2 end
  for round = 1, 3 do
    T.eq(llsocket.sendmsg(a, string.rep("a", 40)), 40, "send 40")
    T.eq(llsocket.sendmsg(a, "bcd"), 3, "send 3")
    T.eq(llsocket.sendmsg(a, string.rep("e", 5000)), 5000, "send 5000")
    local m = T.ok("recvmsg 20 sizes", llsocket.recvmsg(b, sizes))
    T.eq(#m.data, 20, "20 parts, round " .. round)
    T.eq(table.concat(m.data), string.rep("a", 40), "scattered")
    T.eq(T.ok("recvmsg 1", llsocket.recvmsg(b, 1, 0)).data, "b",
         "the next datagram, cut")
    m = T.ok("recvmsg 5000", llsocket.recvmsg(b, 5000))
    T.eq(m.data, string.rep("e", 5000), "a bigger block")
  end
end)

T.case("sendmsg and recvmsg reject malformed arguments", function(t)
  local a, b = pair(t)
  T.argerror(2, "number in iovec", llsocket.sendmsg, a, { "x", 5 })
  T.argerror(2, "bad data type", llsocket.sendmsg, a, true)
  T.argerror(3, "addr not an addr", llsocket.sendmsg, a, "x", "127.0.0.1")
  T.argerror(4, "control not a table", llsocket.sendmsg, a, "x", nil, 5)
  T.argerror(4, "short entry", llsocket.sendmsg, a, "x", nil, { { 1, 2 } })
  T.argerror(4, "huge entry", llsocket.sendmsg, a, "x", nil,
             { { 1, 1, string.rep("x", 70000) } })
  T.argerror(2, "size 0", llsocket.recvmsg, b, { 0 })
  T.argerror(2, "no sizes", llsocket.recvmsg, b, {})
  T.argerror(2, "size not a number", llsocket.recvmsg, b, { "1" })
  T.argerror(3, "negative control length", llsocket.recvmsg, b, 1, -1)
  T.iofails("EAGAIN", true, "nothing to receive",
            llsocket.recvmsg(b, 1, 0, opt.MSG_DONTWAIT))
  T.iofails("EBADF", false, "closed fd", llsocket.sendmsg(1000, "x"))
end)

T.case("sendmmsg sends a batch to several addresses and recvmmsg takes it",
       function(t)
  local u1, u2, addr1, addr2 = t:udppair()
  local u3 = t:own("bind u3", llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local addr3 = T.ok("sockname u3", llsocket.sockname(u3))
  local batch = {}
  for i = 1, 6 do
    batch[i] = { "datagram " .. i, i % 2 == 1 and addr2 or addr3 }
  end
  T.eq(llsocket.sendmmsg(u1, batch), 6, "all six sent")
  T.waitfor("three datagrams at u2", 5, function()
    return llsocket.recv(u2, 1, opt.MSG_PEEK, opt.MSG_DONTWAIT) ~= nil
  end)
  local datas, addrs = T.ok("recvmmsg", llsocket.recvmmsg(u2, 10, 64,
                                                           opt.MSG_WAITFORONE))
  T.truthy(#datas >= 1 and #datas <= 3, "between one and three at u2")
  for i, d in ipairs(datas) do
    T.eq(d, "datagram " .. (2 * i - 1), "datagram order")
    T.eq(addrs[i], addr1, "sender " .. i)
  end
  T.iofails("EAGAIN", true, "nothing at u3 yet or drained",
            (function()
              local all = {}
              for _ = 1, 3 do
                local d = llsocket.recvmmsg(u3, 3, 64, opt.MSG_DONTWAIT)
                if not d then break end
                for _, x in ipairs(d) do all[#all + 1] = x end
              end
              T.eq(#all, 3, "three at u3")
              return llsocket.recvmmsg(u3, 3, 64, opt.MSG_DONTWAIT)
            end)())
end)

T.case("recvmmsg truncates to len and gives false for unnamed senders",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.eq(llsocket.sendmmsg(a, { "abcdef", "gh" }), 2, "plain strings")
  local datas, addrs = T.ok("recvmmsg", llsocket.recvmmsg(b, 2, 4))
  T.eq(#datas, 2, "both")
  T.eq(datas[1], "abcd", "cut to len")
  T.eq(datas[2], "gh", "short one whole")
  T.eq(addrs[1], false, "no sender address")
end)

T.case("repeated recvmmsg calls keep their own results; one sender, one addr",
       function(t)
  local u1, u2 = t:udppair()
  local to = llsocket.sockname(u2)
  local kept = {}
  for round = 1, 3 do
    local batch = {}
    for i = 1, 4 do batch[i] = { round .. ":" .. i, to } end
    T.eq(llsocket.sendmmsg(u1, batch), 4, "send round " .. round)
    local all, addrs = {}, nil
    for _ = 1, 100 do
      local d, a = llsocket.recvmmsg(u2, 4, 16, opt.MSG_DONTWAIT)
      if d then
        for _, x in ipairs(d) do all[#all + 1] = x end
        addrs = addrs or a
      end
      if #all == 4 then break end
    end
    T.eq(table.concat(all, " "), ("%d:1 %d:2 %d:3 %d:4"):format(round, round,
         round, round), "round " .. round)
    kept[round] = all
    if #addrs > 1 then
      T.truthy(rawequal(addrs[1], addrs[2]), "same sender shares one addr")
    end
  end
  T.eq(kept[1][1], "1:1", "first round's strings unchanged")
  -- a block too big to keep still works, and so does the next small call
  T.eq(llsocket.sendmmsg(u1, { { "big", to } }), 1, "send big")
  T.waitfor("datagram", 5, function()
    return llsocket.recv(u2, 1, opt.MSG_PEEK, opt.MSG_DONTWAIT) ~= nil
  end)
  T.eq(llsocket.recvmmsg(u2, 64, 65536, opt.MSG_WAITFORONE)[1], "big",
       "large scratch")
  T.iofails("EAGAIN", true, "drained",
            llsocket.recvmmsg(u2, 4, 16, opt.MSG_DONTWAIT))
end)

T.case("sendmmsg and recvmmsg reject malformed batches", function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.argerror(2, "empty batch", llsocket.sendmmsg, a, {})
  T.argerror(2, "number item", llsocket.sendmmsg, a, { 5 })
  T.argerror(2, "bad address", llsocket.sendmmsg, a, { { "x", "y" } })
  T.argerror(2, "missing data", llsocket.sendmmsg, a, { {} })
  local many = {}
  for i = 1, 1025 do many[i] = "x" end
  T.argerror(2, "1025 messages", llsocket.sendmmsg, a, many)
  T.argerror(2, "count 0", llsocket.recvmmsg, b, 0)
  T.argerror(2, "count 1025", llsocket.recvmmsg, b, 1025)
  T.argerror(3, "too much memory", llsocket.recvmmsg, b, 1024, 65536)
  T.iofails("EBADF", false, "closed fd", llsocket.sendmmsg(1000, { "x" }))
end)

T.case("recvmsg decodes fds, credentials, pktinfo and timestamps",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.eq(llsocket.sendfds(a, "f", { a, b }), 1, "send two fds")
  local m = T.ok("recvmsg fds", llsocket.recvmsg(b))
  T.eq(#m.fds, 2, "two fds decoded")
  for _, fd in ipairs(m.fds) do
    T.eq(llsocket.type(fd), opt.SOCK_DGRAM, "fd is a socket")
    T.nothing("close", llsocket.close(fd))
  end
  T.nothing("passcred", llsocket.setsockopt(b, opt.SOL_SOCKET, 16, 1))
  T.eq(llsocket.send(a, "c"), 1, "send")
  m = T.ok("recvmsg cred", llsocket.recvmsg(b))
  T.truthy(m.cred and m.cred.pid > 0, "pid")
  local u1, u2 = t:udppair()
  T.nothing("pktinfo", llsocket.setsockopt(u2, opt.IPPROTO_IP, 8, 1))
  T.nothing("timestampns", llsocket.setsockopt(u2, opt.SOL_SOCKET, 35, 1))
  T.eq(llsocket.sendto(u1, "p", llsocket.sockname(u2)), 1, "sendto")
  m = T.ok("recvmsg pktinfo", llsocket.recvmsg(u2))
  T.eq(m.pktinfo.addr, "127.0.0.1", "destination address")
  T.truthy(m.pktinfo.ifindex > 0, "interface index")
  T.truthy(math.abs(m.timestamp - os.time()) < 60, "timestamp near now")
end)

T.case("recvmsg decodes fds and credentials at every data size and control room",
       function(t)
  -- Each odd data size once put the control block off its alignment; the
  -- sanitizer build catches any misaligned cmsghdr read.
  local a, b = pair(t, opt.SOCK_DGRAM)
  T.nothing("passcred", llsocket.setsockopt(b, opt.SOL_SOCKET, 16, 1))
  local sizes = {}
  for n = 1, 64 do sizes[#sizes + 1] = n end
  for _, n in ipairs({ 255, 256, 257, 4095, 4096, 4097, 65535, 65537 }) do
    sizes[#sizes + 1] = n
  end
  local payload = string.rep("p", 70000)
  for _, size in ipairs(sizes) do
    for _, shape in ipairs({ size, { size }, { 1, size }, { size, 3, 5 } }) do
      local total = 0
      if type(shape) == "number" then total = shape
      else for _, v in ipairs(shape) do total = total + v end end
      local what = "sizes " .. (type(shape) == "table" and
                                 table.concat(shape, ",") or shape)
      T.eq(llsocket.sendfds(a, payload:sub(1, total), { a }), total, "send " .. what)
      local m = T.ok("recvmsg " .. what, llsocket.recvmsg(b, shape))
      T.eq(#m.fds, 1, "one fd " .. what)
      T.nothing("close", llsocket.close(m.fds[1]))
      T.truthy(m.cred and m.cred.pid > 0, "credentials " .. what)
      T.eq(T.band(m.flags, opt.MSG_CTRUNC), 0, "control fitted " .. what)
    end
  end
  for _, room in ipairs({ 0, 1, 15, 16, 17, 23, 24, 31, 33, 47, 63, 64, 65 }) do
    T.eq(llsocket.sendfds(a, "x", { a, b }), 1, "send two fds")
    local m = T.ok("recvmsg room " .. room, llsocket.recvmsg(b, 7, room))
    T.eq(m.data, "x", "data with room " .. room)
    for _, fd in ipairs(m.fds or {}) do llsocket.close(fd) end
    if T.band(m.flags, opt.MSG_CTRUNC) ~= 0 then
      T.eq(m.fds, nil, "a cut control block delivers no fd, room " .. room)
    end
  end
end)

T.case("sendmsg and recvmsg take 1 to 1024 buffers with optional arguments left out",
       function(t)
  local a, b, _, baddr = t:udppair()
  local forms = { { "omitted" }, { "nil" }, { "given" } }
  for _, count in ipairs({ 1, 16, 17, 100, 1024 }) do
    local strings, sizes, want = {}, {}, {}
    for i = 1, count do
      strings[i] = string.char(65 + i % 26)
      sizes[i] = 1
      want[i] = strings[i]
    end
    want = table.concat(want)
    for _, form in ipairs(forms) do
      local what = count .. " buffers, optional arguments " .. form[1]
      local sent
      if form[1] == "omitted" then
        T.nothing("connect", llsocket.connect(b, llsocket.sockname(a)))
        sent = llsocket.sendmsg(b, strings)
      elseif form[1] == "nil" then
        sent = llsocket.sendmsg(b, strings, nil, nil, nil)
      else
        sent = llsocket.sendmsg(b, strings, llsocket.sockname(a), {},
                                opt.MSG_DONTWAIT)
      end
      T.eq(sent, count, "sendmsg " .. what)
      local m
      if form[1] == "omitted" then
        m = llsocket.recvmsg(a, sizes)
      elseif form[1] == "nil" then
        m = llsocket.recvmsg(a, sizes, nil, nil)
      else
        m = llsocket.recvmsg(a, sizes, 64, opt.MSG_DONTWAIT)
      end
      T.truthy(m, "recvmsg " .. what)
      T.eq(#m.data, count, "buffers " .. what)
      T.eq(table.concat(m.data), want, "data " .. what)
      T.truthy(m.addr == baddr, "sender " .. what)
    end
  end
  local too_many, sizes = {}, {}
  for i = 1, 1025 do too_many[i], sizes[i] = "x", 1 end
  T.argerror(2, "sendmsg 1025 strings", llsocket.sendmsg, b, too_many)
  T.argerror(2, "sendmsg 1025 strings, nils", llsocket.sendmsg, b, too_many,
             nil, nil)
  T.argerror(2, "recvmsg 1025 sizes", llsocket.recvmsg, a, sizes)
  T.argerror(2, "recvmsg 1025 sizes, nils", llsocket.recvmsg, a, sizes, nil)
end)

T.case("recvmsg fills an addr object given after controllen: it is msg.addr",
       function(t)
  local a, b, addr_a, addr_b = t:udppair()
  local from = llsocket.addr.inet("10.1.2.3", 9)
  T.eq(llsocket.sendmsg(a, "one", addr_b), 3, "sendmsg")
  local msg = T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, from))
  T.eq(msg.data, "one", "data")
  T.truthy(rawequal(msg.addr, from), "the same object")
  T.eq(from, addr_a, "filled with the sender")
  T.eq(llsocket.sendmsg(a, "two", addr_b), 3, "sendmsg")
  msg = T.ok("recvmsg", llsocket.recvmsg(b, 64, 0, from, opt.MSG_PEEK))
  T.eq(msg.data, "two", "flags follow it")
  msg = T.ok("recvmsg", llsocket.recvmsg(b, 64, 0, nil, opt.MSG_PEEK))
  T.truthy(not rawequal(msg.addr, from) and msg.addr == addr_a,
           "nil: a new addr, flags still read")
  msg = T.ok("recvmsg", llsocket.recvmsg(b, 64, 0, opt.MSG_PEEK))
  T.eq(msg.data, "two", "an integer there is still a flag")
  T.eq(opt.nonblock(b, true), true, "nonblock")
  T.eq(llsocket.recvmsg(b, 64, 0, from).data, "two", "received")
  local before = tostring(from)
  local m, err, again = llsocket.recvmsg(b, 64, 0, from)
  T.iofails("EAGAIN", true, "recvmsg", m, err, again)
  T.eq(tostring(from), before, "untouched on failure")
  T.argerror(4, "string", llsocket.recvmsg, b, 64, 0, "addr")
  T.argerror(4, "file", llsocket.recvmsg, b, 64, 0, io.stdout)
  T.eq(llsocket.sendmsg(a, "three", addr_b), 5, "sendmsg")
  T.eq(llsocket.recvmsg(b, 64, 0, from).data, "three", "the addr again")
end)

T.case("recvmsg and recvmmsg name each sender while sharing addrs",
       function(t)
  local r = T.ok("receiver", llsocket.inet.bind("127.0.0.1", 0,
                                                opt.SOCK_DGRAM))
  t:own("receiver", r)
  local senders, names = {}, {}
  for i = 1, 3 do
    senders[i] = T.ok("sender", llsocket.inet.bind("127.0.0.1", 0,
                                                   opt.SOCK_DGRAM))
    t:own("sender " .. i, senders[i])
    names[i] = llsocket.sockname(senders[i])
  end
  local to = llsocket.sockname(r)
  local pattern = { 1, 1, 1, 2, 1, 2, 2, 2, 3, 1, 1, 3, 3, 2, 2, 2 }
  local shared, last = 0, nil
  for i, k in ipairs(pattern) do
    T.eq(llsocket.sendmsg(senders[k], "m" .. i, to), #("m" .. i), "sendmsg")
    local m = T.ok("recvmsg", llsocket.recvmsg(r))
    T.eq(m.data, "m" .. i, "data " .. i)
    T.eq(m.addr, names[k], "sender " .. i)
    if rawequal(m.addr, last) then shared = shared + 1 end
    last = m.addr
  end
  T.truthy(shared > 0, "runs of one sender share an addr")
  -- recvmmsg: batches of 2, so runs cross from one call to the next
  local batch, got = {}, {}
  for i, k in ipairs(pattern) do
    batch[i] = { "b" .. i, to }
    T.eq(llsocket.sendmmsg(senders[k], { batch[i] }), 1, "sendmmsg " .. i)
  end
  shared, last = 0, nil
  for _ = 1, #pattern do
    if #got == #pattern then break end
    local datas, addrs = T.ok("recvmmsg", llsocket.recvmmsg(r, 2, 64,
                                                            opt.MSG_DONTWAIT))
    for j = 1, #datas do
      local i = #got + 1
      got[i] = datas[j]
      T.eq(datas[j], "b" .. i, "batch data " .. i)
      T.eq(addrs[j], names[pattern[i]], "batch sender " .. i)
      if rawequal(addrs[j], last) then shared = shared + 1 end
      last = addrs[j]
    end
  end
  T.eq(#got, #pattern, "every datagram received")
  T.truthy(shared > 0, "recvmmsg shares an addr across a run")
end)

T.case("recvmsg fills a msg table given after controllen, reusing its parts",
       function(t)
  local a, b, addr_a, addr_b = t:udppair()
  local m = {}
  T.eq(llsocket.sendmsg(a, "one", addr_b), 3, "sendmsg")
  T.truthy(rawequal(T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m)), m),
           "returns the table given")
  T.eq(m.data, "one", "data")
  T.eq(m.length, 3, "length")
  T.eq(m.flags, 0, "flags")
  T.eq(#m.control, 0, "control")
  T.eq(m.addr, addr_a, "addr")
  local addr, control = m.addr, m.control

  -- a sequence of sizes, flags after the table, the addr filled in place
  local c = T.ok("socket", llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  t:own("c", c)
  T.eq(llsocket.sendto(c, "abcde", addr_b), 5, "sendto from c")
  T.ok("recvmsg", llsocket.recvmsg(b, { 2, 2, 2 }, nil, m, opt.MSG_PEEK))
  T.eq(table.concat(m.data, "|"), "ab|cd|e", "scattered")
  T.truthy(rawequal(m.addr, addr) and addr == llsocket.sockname(c),
           "the same addr object, now c's")
  T.truthy(rawequal(m.control, control), "the same control table")
  local data = m.data
  T.ok("recvmsg", llsocket.recvmsg(b, { 4 }, nil, m))
  T.truthy(rawequal(m.data, data), "the same data table")
  T.eq(#m.data, 1, "cut to the new count")
  T.eq(m.data[1], "abcd", "refilled")
  T.eq(m.data[2], nil, "nothing after it")
  -- more sizes than the iovecs kept on the C stack (16), then fewer
  local sizes = {}
  for i = 1, 17 do sizes[i] = 1 end
  T.eq(llsocket.sendmsg(a, string.rep("z", 17), addr_b), 17, "sendmsg 17")
  T.ok("recvmsg 17", llsocket.recvmsg(b, sizes, nil, m, opt.MSG_PEEK))
  T.truthy(rawequal(m.data, data), "17 parts, the same data table")
  T.eq(#m.data, 17, "17 parts")
  T.eq(table.concat(m.data), string.rep("z", 17), "17 parts' data")
  T.ok("recvmsg 3", llsocket.recvmsg(b, { 5, 5, 5 }, nil, m))
  T.eq(#m.data, 3, "cut from 17 to 3")
  T.eq(table.concat(m.data, "|"), "zzzzz|zzzzz|zzzzz", "3 parts' data")
  -- sizes and controllen left out with nil
  T.eq(llsocket.sendmsg(a, "nil", addr_b), 3, "sendmsg")
  T.truthy(rawequal(llsocket.recvmsg(b, nil, nil, m), m), "nil, nil, msg")
  T.eq(m.data, "nil", "the default length")

  -- decoded fields appear and go; raw entries are refilled and cut
  T.eq(opt.timestamp(b, true), true, "timestamp on")
  T.nothing("recvttl", llsocket.setsockopt(b, opt.IPPROTO_IP, 12, 1))
  T.eq(llsocket.sendmsg(a, "two", addr_b), 3, "sendmsg")
  T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
  T.type(m.timestamp, "number", "timestamp decoded")
  T.eq(#m.control, 1, "the TTL, raw")
  T.eq(m.control[1][2], 2, "IP_TTL")
  T.eq(m.data, "two", "data is a string again")
  T.eq(opt.timestamp(b, false), false, "timestamp off")
  T.nothing("recvttl off", llsocket.setsockopt(b, opt.IPPROTO_IP, 12, 0))
  for round = 1, 2 do
    T.eq(llsocket.sendmsg(a, "three", addr_b), 5, "sendmsg")
    T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
    T.eq(m.timestamp, nil, "no timestamp left, round " .. round)
    T.eq(#m.control, 0, "no raw entry left, round " .. round)
    T.truthy(rawequal(m.control, control), "still the same control table")
  end

  -- what is not an addr or a table in its field is replaced
  m.addr, m.control, m.data = io.stdout, "x", "y"
  T.eq(llsocket.sendmsg(a, "four", addr_b), 4, "sendmsg")
  T.ok("recvmsg", llsocket.recvmsg(b, { 8 }, 0, m))
  T.eq(m.addr, addr_a, "a new addr")
  T.type(m.control, "table", "a new control table")
  T.eq(m.data[1], "four", "a new data table")

  -- a failure leaves it as it was
  T.eq(opt.nonblock(b, true), true, "nonblock")
  local before = m.data
  local r, err, again = llsocket.recvmsg(b, 64, 0, m)
  T.iofails("EAGAIN", true, "recvmsg", r, err, again)
  T.truthy(rawequal(m.data, before) and m.length == 4, "untouched")
end)

T.case("recvmsg into one table gives each message's fds, not the last ones",
       function(t)
  local a, b = pair(t, opt.SOCK_DGRAM)
  local m = {}
  for round = 1, 3 do
    T.eq(llsocket.sendfds(a, "f", { a, b }), 1, "send two fds")
    T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
    T.eq(#m.fds, 2, "two fds, round " .. round)
    for _, fd in ipairs(m.fds) do
      T.nothing("close", llsocket.close(fd))
    end
    T.eq(llsocket.send(a, "-"), 1, "send without fds")
    T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
    T.eq(m.fds, nil, "none listed, round " .. round)
    -- a field of the caller's own is not appended to
    m.fds = { 99 }
  end
  m = {}
  T.eq(llsocket.send(a, "-"), 1, "send")
  T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
  m.fds = { 99 }
  T.eq(llsocket.sendfds(a, "f", { a }), 1, "send one fd")
  T.ok("recvmsg", llsocket.recvmsg(b, 64, nil, m))
  T.eq(#m.fds, 1, "a new list, not the caller's")
  T.nothing("close", llsocket.close(m.fds[1]))
end)

T.case("sendto, recvfrom, sendmsg and recvmsg check each addr as they keep it",
       function(t)
  local a, b, addr_a, addr_b = t:udppair()
  local from = llsocket.addr.inet("10.1.2.3", 9)
  for round = 1, 3 do
    T.eq(llsocket.sendto(a, "x", addr_b), 1, "sendto, round " .. round)
    local data, got = llsocket.recvfrom(b, 64, from)
    T.truthy(data == "x" and rawequal(got, from), "recvfrom fills from")
    T.eq(llsocket.sendmsg(a, "y", addr_b), 1, "sendmsg, round " .. round)
    T.eq(llsocket.recvmsg(b, 64, 0, from).data, "y", "recvmsg fills from")
    -- the same functions given something else in between
    T.argerror(3, "sendto to a file", llsocket.sendto, a, "x", io.stdout)
    T.argerror(3, "recvfrom into a file", llsocket.recvfrom, b, 64,
               io.stdout)
    T.argerror(3, "sendmsg to a file", llsocket.sendmsg, a, "y", io.stdout)
    T.argerror(4, "recvmsg into a file", llsocket.recvmsg, b, 64, 0,
               io.stdout)
    T.argerror(3, "sendto to a table", llsocket.sendto, a, "x", {})
    T.argerror(3, "sendmsg to a number", llsocket.sendmsg, a, "y", 5)
    -- and another addr, after which the first must still pass
    T.eq(llsocket.sendto(a, "z", llsocket.addr.inet("127.0.0.1",
                                                     addr_b:port())),
         1, "sendto another addr")
    T.eq(llsocket.recv(b, 64), "z", "received")
  end
  T.eq(from, addr_a, "filled")
end)

T.done()
