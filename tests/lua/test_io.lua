-- recv, recvfrom, send and sendto: lengths, flags as varargs, EOF, EAGAIN
-- with again == true, EPIPE instead of SIGPIPE.
local T = require "testlib"
local llsocket = T.llsocket
local inet, unix, opt = llsocket.inet, llsocket.unix, llsocket.opt

-- A bound on send loops: 4096 sends of 64 KiB exceed any socket buffer.
local MAX_SENDS = 4096
local CHUNK = string.rep("x", 65536)

T.case("recv reads at most 4096 bytes by default and at most len when given",
       function(t)
  local c, s = t:tcppair()
  local data = string.rep("0123456789", 500)
  T.eq(llsocket.send(c, data), 5000, "send 5000")
  local first = llsocket.recv(s)
  T.eq(#first, 4096, "default length")
  T.eq(first, data:sub(1, 4096), "first part")
  T.eq(llsocket.recv(s, 4), data:sub(4097, 4100), "len 4")
  T.eq(llsocket.recv(s, 16777216), data:sub(4101), "rest with maximal len")
end)

T.case("binary data with NUL and high bytes round-trips unchanged", function(t)
  local c, s = t:tcppair()
  local bytes = {}
  for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
  local data = table.concat(bytes)
  T.eq(llsocket.send(c, data), 256, "send")
  T.eq(llsocket.recv(s, 256, opt.MSG_WAITALL), data, "recv")
end)

T.case("recv returns \"\" at end of stream, repeatedly, with no error", function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "last"), 4, "send")
  t:close(c)
  T.eq(llsocket.recv(s), "last", "pending data first")
  for i = 1, 3 do
    local str, err, again = llsocket.recv(s)
    T.eq(str, "", "EOF " .. i)
    T.eq(err, nil, "no error at EOF")
    T.eq(again, nil, "no again at EOF")
  end
  local str, from = llsocket.recvfrom(s)
  T.eq(str, "", "recvfrom at EOF")
  T.eq(from, nil, "recvfrom at EOF has no addr")
end)

T.case("non-blocking recv/recvfrom with no data: nil, EAGAIN, true", function(t)
  local c, s = t:tcppair()
  T.eq(opt.nonblock(s, true), true, "set nonblock")
  T.iofails("EAGAIN", true, "recv", llsocket.recv(s))
  local str, addr, err, again = llsocket.recvfrom(s, 10)
  T.eq(str, nil, "recvfrom str")
  T.eq(addr, nil, "recvfrom addr")
  T.err(err, "EAGAIN", "recvfrom err")
  T.eq(again, true, "recvfrom again")
  T.eq(llsocket.send(c, "now"), 3, "send")
  T.waitfor("data", 5, function() return llsocket.recv(s, 3, opt.MSG_PEEK) end)
  T.eq(llsocket.recv(s, 10), "now", "recv after data")
  T.eq(llsocket.errno.EAGAIN, llsocket.errno.EWOULDBLOCK or llsocket.errno.EAGAIN,
       "EWOULDBLOCK is EAGAIN")
end)

T.case("MSG_DONTWAIT makes one recv non-blocking on a blocking socket",
       function(t)
  local c, s = t:tcppair()
  T.eq(opt.nonblock(s), false, "blocking")
  T.iofails("EAGAIN", true, "recv MSG_DONTWAIT",
            llsocket.recv(s, 10, opt.MSG_DONTWAIT))
  local str, addr, err, again = llsocket.recvfrom(s, 10, opt.MSG_DONTWAIT)
  T.eq(str, nil, "recvfrom str")
  T.eq(addr, nil, "recvfrom addr")
  T.err(err, "EAGAIN", "recvfrom MSG_DONTWAIT")
  T.eq(again, true, "again")
  T.eq(opt.nonblock(s), false, "socket stays blocking")
  T.eq(llsocket.send(c, "ab", opt.MSG_DONTWAIT), 2, "send MSG_DONTWAIT")
  T.eq(llsocket.recv(s, 2, opt.MSG_WAITALL), "ab", "recv")
end)

T.case("MSG_PEEK leaves data queued; several flags are OR-ed", function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "hello"), 5, "send")
  T.eq(llsocket.recv(s, 5, opt.MSG_PEEK, opt.MSG_WAITALL), "hello", "peek")
  T.eq(llsocket.recv(s, 3, opt.MSG_PEEK), "hel", "peek 3")
  T.eq(llsocket.recv(s, 5, opt.MSG_PEEK, opt.MSG_DONTWAIT), "hello",
       "peek + dontwait")
  local str, from = llsocket.recvfrom(s, 5, opt.MSG_PEEK)
  T.eq(str, "hello", "recvfrom peek")
  T.eq(from, nil, "no source addr on connected TCP")
  T.eq(llsocket.recv(s, 5), "hello", "data still there")
  T.iofails("EAGAIN", true, "now empty",
            llsocket.recv(s, 5, opt.MSG_PEEK, opt.MSG_DONTWAIT))
end)

T.case("send with flags varargs (MSG_NOSIGNAL, MSG_DONTWAIT, MSG_MORE)",
       function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "a", opt.MSG_NOSIGNAL), 1, "MSG_NOSIGNAL")
  T.eq(llsocket.send(c, "b", opt.MSG_NOSIGNAL, opt.MSG_DONTWAIT), 1, "two flags")
  T.eq(llsocket.send(c, "c", opt.MSG_MORE), 1, "MSG_MORE")
  T.eq(llsocket.send(c, "d"), 1, "flush")
  T.eq(llsocket.recv(s, 4, opt.MSG_WAITALL), "abcd", "recv all")
  T.eq(llsocket.send(c, ""), 0, "empty send")
end)

T.case("out-of-band data: MSG_OOB send, atmark before/after, MSG_OOB recv",
       function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "abc"), 3, "send normal")
  T.eq(llsocket.send(c, "!", opt.MSG_OOB), 1, "send OOB")
  T.waitfor("urgent data", 5, function()
    return llsocket.recv(s, 4, opt.MSG_PEEK, opt.MSG_DONTWAIT) == "abc"
      and llsocket.atmark(s) == false
  end)
  T.eq(llsocket.atmark(s), false, "not at mark before reading")
  T.eq(llsocket.recv(s, 10), "abc", "recv stops at the mark")
  T.eq(llsocket.atmark(s), true, "at mark")
  T.eq(llsocket.recv(s, 1, opt.MSG_OOB), "!", "urgent byte")
end)

T.case("non-blocking send on a full buffer: nil, EAGAIN, true", function(t)
  local c, s = t:tcppair()
  opt.sndbuf(c, 4096)
  opt.rcvbuf(s, 4096)
  T.eq(opt.nonblock(c, true), true, "nonblock")
  local sent, err, again, n = 0, nil, nil, 0
  repeat
    local bytes
    bytes, err, again = llsocket.send(c, CHUNK)
    if bytes then
      T.truthy(bytes > 0 and bytes <= #CHUNK, "partial send size")
      sent = sent + bytes
    end
    n = n + 1
  until bytes == nil or n >= MAX_SENDS
  T.iofails("EAGAIN", true, "send on full buffer", nil, err, again)
  T.truthy(sent > 0, "something was sent before the buffer filled")
  -- MSG_DONTWAIT on a blocking socket behaves the same.
  T.eq(opt.nonblock(c, false), false, "blocking again")
  T.iofails("EAGAIN", true, "send MSG_DONTWAIT",
            llsocket.send(c, CHUNK, opt.MSG_DONTWAIT))
  T.iofails("EAGAIN", true, "sendto MSG_DONTWAIT",
            llsocket.sendto(c, CHUNK, nil, opt.MSG_DONTWAIT))
end)

T.case("send after our own SHUT_WR is EPIPE (no SIGPIPE), again false",
       function(t)
  local c = t:tcppair()
  T.nothing("shutdown", llsocket.shutdown(c, opt.SHUT_WR))
  T.iofails("EPIPE", false, "send", llsocket.send(c, "x"))
  T.iofails("EPIPE", false, "sendto", llsocket.sendto(c, "x"))
end)

T.case("TCP send to a closed peer ends in EPIPE (no SIGPIPE), again false",
       function(t)
  local c, s = t:tcppair()
  t:close(s)
  local bytes, err, again
  for _ = 1, 100 do
    bytes, err, again = llsocket.send(c, "are you there?")
    -- The first send may succeed, the one after the RST is ECONNRESET.
    if bytes == nil and err ~= llsocket.errno.ECONNRESET then break end
  end
  T.iofails("EPIPE", false, "send to a gone peer", bytes, err, again)
end)

T.case("unix stream send to a closed peer is EPIPE at once", function(t)
  local dir = t:tmpdir()
  local path = dir .. "/s"
  local lfd = t:own("bind", unix.bind(path, opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(lfd))
  local c = t:own("connect", unix.connect(path, opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  t:close(s)
  T.iofails("EPIPE", false, "send", llsocket.send(c, "x"))
  T.iofails("EPIPE", false, "send MSG_DONTWAIT", llsocket.send(c, "x",
                                                               opt.MSG_DONTWAIT))
end)

T.case("recv on an unconnected TCP socket is ENOTCONN, again false", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.iofails("ENOTCONN", false, "recv", llsocket.recv(fd))
  local str, addr, err, again = llsocket.recvfrom(fd)
  T.eq(str, nil, "recvfrom str")
  T.eq(addr, nil, "recvfrom addr")
  T.err(err, "ENOTCONN", "recvfrom")
  T.eq(again, false, "again")
end)

T.case("UDP: recv truncates to len, MSG_TRUNC never overruns, empty datagrams",
       function(t)
  local a, b, aaddr, baddr = t:udppair()
  T.eq(llsocket.sendto(b, "0123456789", aaddr), 10, "sendto")
  T.eq(llsocket.recv(a, 4), "0123", "datagram truncated to len")
  T.eq(llsocket.sendto(b, "abcdefghij", aaddr), 10, "sendto")
  T.eq(llsocket.recv(a, 3, opt.MSG_TRUNC), "abc", "MSG_TRUNC keeps len bytes")
  -- MSG_TRUNC makes the kernel report the datagram's real length: neither
  -- the default-length buffer nor a larger one may be read past.
  local big = string.rep("b", 60000)
  T.eq(llsocket.sendto(b, big, aaddr), 60000, "sendto 60000")
  T.eq(llsocket.recv(a, 10, opt.MSG_TRUNC), big:sub(1, 10), "MSG_TRUNC len 10")
  T.eq(llsocket.sendto(b, big, aaddr), 60000, "sendto 60000")
  T.eq(llsocket.recv(a, 5000, opt.MSG_TRUNC), big:sub(1, 5000),
       "MSG_TRUNC len 5000")
  T.eq(llsocket.sendto(b, big, aaddr), 60000, "sendto 60000")
  local tstr, tfrom = llsocket.recvfrom(a, 5000, opt.MSG_TRUNC)
  T.eq(tstr, big:sub(1, 5000), "recvfrom MSG_TRUNC len 5000")
  T.truthy(tfrom == baddr, "recvfrom MSG_TRUNC sender")
  T.eq(llsocket.sendto(b, "", aaddr), 0, "empty datagram")
  local str, from = llsocket.recvfrom(a)
  T.eq(str, "", "empty datagram received")
  T.truthy(from == baddr, "sender of empty datagram")
  T.eq(llsocket.sendto(b, "flags", aaddr, opt.MSG_DONTWAIT, opt.MSG_NOSIGNAL), 5,
       "sendto with addr and flags")
  str, from = llsocket.recvfrom(a, 16, opt.MSG_PEEK)
  T.eq(str, "flags", "peeked")
  T.truthy(from == baddr, "peeked sender")
  str, from = llsocket.recvfrom(a, 16, opt.MSG_DONTWAIT)
  T.eq(str, "flags", "received")
  T.truthy(from == baddr, "sender")
  T.eq(opt.nonblock(a), false, "blocking")
  local s2, a2, e2, g2 = llsocket.recvfrom(a, 16, opt.MSG_DONTWAIT)
  T.eq(s2, nil, "no datagram")
  T.eq(a2, nil, "no addr")
  T.err(e2, "EAGAIN", "empty queue")
  T.eq(g2, true, "again")
end)

T.case("MSG_TRUNC on TCP discards: every receive returns no stale bytes",
       function(t)
  local c, s = t:tcppair()
  -- Leave old bytes in the stack buffer (short lengths) and in the heap
  -- (long ones) for a broken receive to hand back.
  local stale = string.rep("S", 8192)
  local function refill()
    T.eq(llsocket.send(c, stale), #stale, "send stale")
    local got = 0
    while got < #stale do got = got + #T.ok("recv", llsocket.recv(s, 8192)) end
    T.eq(llsocket.send(c, "12345"), 5, "send 5")
    T.eq(llsocket.recv(s, 1, opt.MSG_PEEK), "1", "the 5 bytes arrived")
  end
  local function gone(what)
    T.iofails("EAGAIN", true, what .. ": the 5 bytes were discarded",
              llsocket.recv(s, 100, opt.MSG_DONTWAIT))
  end
  for _, len in ipairs({ 10, 5000, 100000 }) do
    local what = "len " .. len
    refill()
    T.eq(llsocket.recv(s, len, opt.MSG_TRUNC), "", "recv " .. what)
    gone("recv " .. what)
    refill()
    local str, from = llsocket.recvfrom(s, len, opt.MSG_TRUNC)
    T.eq(str, "", "recvfrom " .. what)
    T.eq(from, nil, "recvfrom sender " .. what)
    gone("recvfrom " .. what)
    refill()
    local fstr, fds, truncated = llsocket.recvfds(s, len, 0, opt.MSG_TRUNC)
    T.eq(fstr, "", "recvfds " .. what)
    T.eq(#fds, 0, "recvfds fds " .. what)
    T.eq(truncated, false, "recvfds truncated " .. what)
    gone("recvfds " .. what)
    refill()
    local msg = T.ok("recvmsg", llsocket.recvmsg(s, len, nil, opt.MSG_TRUNC))
    T.eq(msg.data, "", "recvmsg data " .. what)
    T.eq(msg.length, 5, "recvmsg length: the bytes discarded " .. what)
    gone("recvmsg " .. what)
    refill()
    msg = T.ok("recvmsg", llsocket.recvmsg(s, { 3, len }, nil, opt.MSG_TRUNC))
    T.eq(msg.data[1] .. msg.data[2], "", "recvmsg sizes " .. what)
    gone("recvmsg sizes " .. what)
  end
  refill()
  local datas = T.ok("recvmmsg", llsocket.recvmmsg(s, 1, 100, opt.MSG_TRUNC))
  T.eq(#datas, 1, "recvmmsg count")
  T.eq(datas[1], "", "recvmmsg data")
  gone("recvmmsg")
end)

T.case("MSG_TRUNC on a unix stream is ignored by the kernel: the bytes arrive",
       function(t)
  local c, d = llsocket.socketpair(opt.SOCK_STREAM)
  t:own("socketpair", c)
  t:own("socketpair", d)
  T.eq(llsocket.send(c, "hello world"), 11, "send")
  T.eq(llsocket.recv(d, 5, opt.MSG_TRUNC), "hello", "first 5 bytes")
  local msg = T.ok("recvmsg", llsocket.recvmsg(d, 100, nil, opt.MSG_TRUNC))
  T.eq(msg.data, " world", "the rest")
  T.eq(msg.length, 6, "recvmsg length")
end)

T.case("a datagram longer than len: cut to len, MSG_TRUNC tells the real length",
       function(t)
  local a, b, aaddr = t:udppair()
  local big = string.rep("0123456789", 100)
  for _, flags in ipairs({ { }, { opt.MSG_TRUNC } }) do
    T.eq(llsocket.sendto(b, big, aaddr), 1000, "sendto")
    local msg = T.ok("recvmsg", llsocket.recvmsg(a, 10, nil, table.unpack(flags)))
    T.eq(msg.data, "0123456789", "only the bytes that fit")
    T.truthy(T.band(msg.flags, opt.MSG_TRUNC) ~= 0, "MSG_TRUNC in flags")
    T.eq(msg.length, flags[1] and 1000 or 10,
         "length: the datagram's with MSG_TRUNC, the stored bytes without")
    T.eq(llsocket.sendto(b, big, aaddr), 1000, "sendto")
    msg = T.ok("recvmsg", llsocket.recvmsg(a, { 3, 4 }, nil, table.unpack(flags)))
    T.eq(msg.data[1], "012", "first buffer")
    T.eq(msg.data[2], "3456", "second buffer")
    T.truthy(T.band(msg.flags, opt.MSG_TRUNC) ~= 0, "MSG_TRUNC in flags (sizes)")
  end
  T.eq(llsocket.sendto(b, "short", aaddr), 5, "sendto short")
  local msg = T.ok("recvmsg", llsocket.recvmsg(a, 10, nil, opt.MSG_TRUNC))
  T.eq(msg.data, "short", "a datagram that fits")
  T.eq(msg.length, 5, "its length")
  T.eq(T.band(msg.flags, opt.MSG_TRUNC), 0, "not truncated")
  T.eq(llsocket.sendto(b, big, aaddr), 1000, "sendto")
  local datas = T.ok("recvmmsg", llsocket.recvmmsg(a, 1, 7, opt.MSG_TRUNC))
  T.eq(datas[1], "0123456", "recvmmsg keeps len bytes")
end)

T.case("a peer reset mid-stream: the data that came, ECONNRESET, then EOF",
       function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "half a message"), 14, "send")
  T.eq(llsocket.recv(s, 14), "half a message", "arrived before the reset")
  T.truthy(opt.linger(c, 0), "linger 0: close resets")
  t:close(c)
  T.iofails("ECONNRESET", false, "recv after the reset", llsocket.recv(s))
  T.eq(llsocket.recv(s), "", "then end of stream")
  local sent, err, again
  for _ = 1, 100 do
    sent, err, again = llsocket.send(s, "x")
    if not sent then break end
  end
  T.iofails("EPIPE", false, "send after the reset", sent, err, again)
end)

T.case("half-close: the peer reads EOF and still sends back", function(t)
  local c, s = t:tcppair()
  T.eq(llsocket.send(c, "request"), 7, "send")
  T.nothing("shutdown write", llsocket.shutdown(c, opt.SHUT_WR))
  T.eq(llsocket.recv(s), "request", "request")
  T.eq(llsocket.recv(s), "", "EOF after the half-close")
  T.eq(llsocket.send(s, "reply"), 5, "reply over the open half")
  T.eq(llsocket.recv(c), "reply", "reply received")
  T.iofails("EPIPE", false, "send on the closed half", llsocket.send(c, "x"))
end)

T.case("a datagram too long for its protocol is EMSGSIZE, nothing sent",
       function(t)
  local a, b, aaddr = t:udppair()
  T.iofails("EMSGSIZE", false, "UDP over IPv4 above 65507 bytes",
            llsocket.sendto(b, string.rep("u", 65508), aaddr))
  T.eq(llsocket.sendto(b, string.rep("u", 65507), aaddr), 65507, "65507 fits")
  local m = T.ok("recvmsg", llsocket.recvmsg(a, 100, nil, opt.MSG_TRUNC))
  T.eq(m.length, 65507, "the one datagram that was sent")
  T.iofails("EAGAIN", true, "nothing else", llsocket.recv(a, 1, opt.MSG_DONTWAIT))
  local u1, u2 = llsocket.socketpair(opt.SOCK_DGRAM)
  t:own("pair", u1)
  t:own("pair", u2)
  T.iofails("EMSGSIZE", false, "unix datagram above its buffer",
            llsocket.send(u1, string.rep("x", T.bit(20))))
  T.iofails("EMSGSIZE", false, "sendmsg too",
            llsocket.sendmsg(u1, { string.rep("x", T.bit(19)),
                                   string.rep("y", T.bit(19)) }))
end)

T.case("a large message (1 MiB) crosses a connection intact", function(t)
  local c, s = t:tcppair()
  local pattern = "llsocket-"
  local data = string.rep(pattern, math.floor(1048576 / #pattern))
  local off, n = 1, 0
  local got = {}
  T.eq(opt.nonblock(c, true), true, "nonblock sender")
  T.eq(opt.nonblock(s, true), true, "nonblock receiver")
  local received = 0
  while (off <= #data or received < #data) and n < 100000 do
    n = n + 1
    if off <= #data then
      local bytes, err = llsocket.send(c, data:sub(off, off + 65535))
      if bytes then
        off = off + bytes
      else
        T.err(err, "EAGAIN", "send")
      end
    end
    local str, err, again = llsocket.recv(s, 65536)
    if str then
      T.truthy(#str > 0, "no EOF mid-stream")
      got[#got + 1] = str
      received = received + #str
    else
      T.iofails("EAGAIN", true, "recv", str, err, again)
    end
  end
  T.eq(received, #data, "bytes received")
  T.truthy(table.concat(got) == data, "data intact")
end)

-- The receive sizes around every internal threshold: the stack buffer
-- (4096), the kept buffer's growth and its limit (256 KiB), and the
-- largest length.
local THRESHOLD_SIZES = { 1, 63, 64, 65, 4095, 4096, 4097, 65535, 65536,
  65537, 262143, 262144, 262145, 1048576 }

T.case("recv and recvfrom of a datagram at every size around the thresholds",
       function(t)
  local a, b, _, addr_b = t:udppair()
  T.ok("sndbuf", opt.sndbuf(a, 4 * 1048576))
  T.ok("rcvbuf", opt.rcvbuf(b, 4 * 1048576))
  for _, size in ipairs(THRESHOLD_SIZES) do
    -- a datagram holds at most 65507 bytes: larger lengths get a full one
    local n = math.min(size, 65507)
    local data = string.rep(string.char(size % 251), n - 1) .. "\0"
    for _, fn in ipairs({ "recv", "recvfrom" }) do
      T.eq(llsocket.sendto(a, data, addr_b), n, "sendto " .. size)
      local got = llsocket[fn](b, size)
      T.truthy(got == data, fn .. " of " .. size .. " bytes intact")
      if n > 1 then
        -- a length one short of the datagram truncates it
        T.eq(llsocket.sendto(a, data, addr_b), n, "sendto again " .. size)
        T.eq(llsocket[fn](b, n - 1), data:sub(1, n - 1),
             fn .. " of " .. (n - 1) .. " truncates")
      end
    end
  end
end)

T.case("recv over TCP at every size around the thresholds reads exactly that",
       function(t)
  local c, s = t:tcppair()
  T.eq(opt.nonblock(c, true), true, "nonblock sender")
  for _, size in ipairs(THRESHOLD_SIZES) do
    local data = string.rep("ab", math.floor(size / 2) + 1):sub(1, size)
    local sent, got = 0, {}
    local received, rounds = 0, 0
    while received < size and rounds < 100000 do
      rounds = rounds + 1
      if sent < size then
        local n, err = llsocket.send(c, data:sub(sent + 1))
        if n then sent = sent + n else T.err(err, "EAGAIN", "send") end
      end
      local str = T.ok("recv", llsocket.recv(s, size - received,
                                             opt.MSG_DONTWAIT))
      got[#got + 1] = str
      received = received + #str
    end
    T.truthy(table.concat(got) == data, "stream of " .. size .. " intact")
  end
end)

T.case("recvfrom fills an addr object given after len, and returns it",
       function(t)
  local a, b, addr_a, addr_b = t:udppair()
  local from = llsocket.addr.inet("10.1.2.3", 9)
  T.eq(llsocket.sendto(a, "one", addr_b), 3, "sendto")
  local str, got = llsocket.recvfrom(b, 64, from)
  T.eq(str, "one", "data")
  T.truthy(rawequal(got, from), "the same object comes back")
  T.eq(from, addr_a, "filled with the sender")
  T.eq(tostring(from), tostring(addr_a), "formats as the sender")
  T.eq(from:port(), addr_a:port(), "port")
  -- flags follow it; nil in its place is no addr, and flags still count
  T.eq(llsocket.sendto(a, "two", addr_b), 3, "sendto")
  str, got = llsocket.recvfrom(b, 64, from, opt.MSG_PEEK)
  T.eq(str, "two", "peeked")
  T.truthy(rawequal(got, from), "peek fills it too")
  str, got = llsocket.recvfrom(b, 64, nil, opt.MSG_PEEK)
  T.eq(str, "two", "peeked again")
  T.truthy(not rawequal(got, from) and got == addr_a, "nil: a new addr")
  str, got = llsocket.recvfrom(b, 64, nil)
  T.eq(str, "two", "received")
  T.eq(got, addr_a, "nil at the end: a new addr")
  -- a failed receive leaves it as it was
  local before = tostring(from)
  T.eq(opt.nonblock(b, true), true, "nonblock")
  local s2, a2, err, again = llsocket.recvfrom(b, 64, from)
  T.iofails("EAGAIN", true, "recvfrom", s2, err, again)
  T.eq(a2, nil, "no addr on failure")
  T.eq(tostring(from), before, "untouched on failure")
end)

-- Senders in runs and alternating, as a server meets them: each receive
-- must name its own sender, however the receives share addr objects.
local SENDER_PATTERN = { 1, 1, 1, 2, 1, 2, 2, 2, 3, 1, 1, 3, 3, 2, 2, 2 }

-- Checks what receive(r) returns for the pattern above, sent from the
-- senders to to; receive returns the data and the sender.
local function check_senders(what, receive, senders, to)
  local names = {}
  for i, s in ipairs(senders) do names[i] = llsocket.sockname(s) end
  local shared, last = 0, nil
  for i, k in ipairs(SENDER_PATTERN) do
    local tag = what .. " " .. i
    T.eq(llsocket.sendto(senders[k], tag, to), #tag, "sendto " .. tag)
    local data, from = receive()
    T.eq(data, tag, "data " .. tag)
    T.eq(from, names[k], "sender " .. tag)
    T.eq(tostring(from), tostring(names[k]), "formatted " .. tag)
    if rawequal(from, last) then shared = shared + 1 end
    last = from
  end
  -- runs of one sender do share (else the receives allocate every time)
  T.truthy(shared > 0, what .. ": no addr shared in " .. #SENDER_PATTERN)
  return last
end

T.case("recvfrom names each sender while sharing addrs, and filling unshares",
       function(t)
  local r = T.ok("receiver", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  t:own("receiver", r)
  local senders = {}
  for i = 1, 3 do
    senders[i] = T.ok("sender", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
    t:own("sender " .. i, senders[i])
  end
  local to = llsocket.sockname(r)
  local last = check_senders("recvfrom", function()
    return llsocket.recvfrom(r, 64)
  end, senders, to)
  T.eq(last, llsocket.sockname(senders[2]), "the last run was sender 2's")
  -- a shared addr filled with another sender no longer stands for its own
  T.eq(llsocket.sendto(senders[1], "x", to), 1, "sendto")
  T.eq(llsocket.recvfrom(r, 64, last), "x", "recvfrom into the shared addr")
  T.eq(last, llsocket.sockname(senders[1]), "filled")
  for i = 1, 3 do
    T.eq(llsocket.sendto(senders[2], "y", to), 1, "sendto " .. i)
    local data, from = llsocket.recvfrom(r, 64)
    T.eq(data, "y", "data " .. i)
    T.eq(from, llsocket.sockname(senders[2]), "sender 2 again, " .. i)
    T.truthy(not rawequal(from, last), "not the filled addr, " .. i)
  end
  T.eq(last, llsocket.sockname(senders[1]), "the filled addr kept its value")
end)

T.case("recvfrom into a getaddrinfo addr drops its type and canonical name",
       function(t)
  local a, b, addr_a, addr_b = t:udppair()
  local infos = T.ok("getaddrinfo", llsocket.getaddrinfo("127.0.0.1", 80,
    opt.SOCK_STREAM, nil, opt.AI_CANONNAME))
  local from = infos[1]
  T.eq(from:socktype(), opt.SOCK_STREAM, "socktype before")
  T.truthy(from:canonname() ~= nil, "canonname before")
  T.eq(llsocket.sendto(a, "x", addr_b), 1, "sendto")
  T.eq(llsocket.recvfrom(b, 64, from), "x", "recvfrom")
  T.eq(from, addr_a, "filled")
  T.eq(from:socktype(), nil, "no socktype after")
  T.eq(from:canonname(), nil, "no canonname after")
end)

T.case("recvfrom of an unnamed unix sender returns nil, the addr untouched",
       function(t)
  local x, y = T.ok("socketpair", llsocket.socketpair(opt.SOCK_DGRAM))
  t:own("x", x)
  t:own("y", y)
  local from = llsocket.addr.inet("10.1.2.3", 9)
  T.eq(llsocket.send(x, "u"), 1, "send")
  local str, got = llsocket.recvfrom(y, 64, from)
  T.eq(str, "u", "data")
  T.eq(got, nil, "no sender address")
  T.eq(tostring(from), "10.1.2.3:9", "untouched")
end)

T.case("recvfrom refuses a third argument that is neither addr, flag nor nil",
       function(t)
  local _, b = t:udppair()
  T.argerror(3, "string", llsocket.recvfrom, b, 64, "addr")
  T.argerror(3, "table", llsocket.recvfrom, b, 64, {})
  T.argerror(3, "boolean", llsocket.recvfrom, b, 64, true)
  T.argerror(3, "file", llsocket.recvfrom, b, 64, io.stdout)
  T.argerror(4, "flag after addr",
             llsocket.recvfrom, b, 64, llsocket.addr.inet("::1", 1), "x")
end)

T.done()
