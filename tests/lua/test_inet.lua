-- llsocket.inet.bind/connect and the socket calls around them, over
-- 127.0.0.1 and ::1.
local T = require "testlib"
local llsocket = T.llsocket
local inet, opt = llsocket.inet, llsocket.opt

T.case("a TCP listener on port 0 gets an ephemeral port, readable via sockname",
       function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.type(fd, "integer", "fd")
  T.truthy(fd >= 0, "fd >= 0")
  local addr = T.ok("sockname", llsocket.sockname(fd))
  T.eq(addr:family(), opt.AF_INET, "family")
  T.eq(addr:host(), "127.0.0.1", "host")
  T.truthy(addr:port() > 0 and addr:port() <= 65535, "ephemeral port")
  T.eq(tostring(addr), "127.0.0.1:" .. addr:port(), "tostring")
  T.eq(llsocket.type(fd), opt.SOCK_STREAM, "type")
  T.eq(llsocket.error(fd), 0, "error")
  T.nothing("listen", llsocket.listen(fd))
  t:close(fd)
end)

T.case("port may be given as an integer, a numeric string or nil", function(t)
  local a = t:own("bind port \"0\"", inet.bind("127.0.0.1", "0", opt.SOCK_STREAM))
  local b = t:own("bind port nil", inet.bind("127.0.0.1", nil, opt.SOCK_DGRAM))
  T.truthy(T.ok("sockname", llsocket.sockname(a)):port() > 0, "string 0 port")
  T.truthy(T.ok("sockname", llsocket.sockname(b)):port() > 0, "nil port")
  local lfd, port = t:listener()
  local c = t:own("connect port string",
                  inet.connect("127.0.0.1", tostring(port), opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(T.ok("peername", llsocket.peername(c)):port(), port, "peer port")
  t:close(s)
  t:close(c)
end)

T.case("TCP round trip: connect, accept, send, recv, peername, close",
       function(t)
  local lfd, port, laddr = t:listener()
  local cfd = t:own("connect", inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local sfd = t:own("accept", llsocket.accept(lfd))
  T.truthy(sfd ~= cfd and sfd ~= lfd, "accepted fd is new")
  T.eq(llsocket.send(cfd, "hello"), 5, "send")
  T.eq(llsocket.recv(sfd), "hello", "recv")
  T.eq(llsocket.send(sfd, "world!"), 6, "send back")
  T.eq(llsocket.recv(cfd, 6), "world!", "recv back")

  local cpeer = T.ok("peername client", llsocket.peername(cfd))
  T.truthy(cpeer == laddr, "client peer == listener address")
  local cname = T.ok("sockname client", llsocket.sockname(cfd))
  local speer = T.ok("peername accepted", llsocket.peername(sfd))
  T.truthy(speer == cname, "accepted peer == client sockname")
  T.eq(tostring(speer), tostring(cname), "tostring of peer")
  T.eq(T.ok("sockname accepted", llsocket.sockname(sfd)):port(), port,
       "accepted local port")
  T.eq(llsocket.type(sfd), opt.SOCK_STREAM, "accepted type")
  T.eq(llsocket.atmark(sfd), false, "atmark")

  t:close(cfd)
  T.eq(llsocket.recv(sfd), "", "EOF after peer close")
  t:close(sfd)
  t:close(lfd)
end)

T.case("connect with host nil reaches a listener on loopback", function(t)
  local lfd, port = t:listener()
  local cfd = t:own("connect nil host", inet.connect(nil, port, opt.SOCK_STREAM))
  local sfd = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(cfd, "x"), 1, "send")
  T.eq(llsocket.recv(sfd, 1), "x", "recv")
  T.eq(T.ok("peername", llsocket.peername(sfd)):host(), "127.0.0.1",
       "peer host")
end)

T.case("connect to a bound but not listening port is refused", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local port = T.ok("sockname", llsocket.sockname(fd)):port()
  T.fails("ECONNREFUSED", "connect",
          inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
end)

T.case("binding a port in use fails with EADDRINUSE, with or without reuseaddr",
       function(t)
  local lfd, port = t:listener()
  T.fails("EADDRINUSE", "bind again",
          inet.bind("127.0.0.1", port, opt.SOCK_STREAM))
  T.fails("EADDRINUSE", "bind again with reuseaddr",
          inet.bind("127.0.0.1", port, opt.SOCK_STREAM, false, true))
  local u = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local uport = T.ok("sockname", llsocket.sockname(u)):port()
  T.fails("EADDRINUSE", "udp bind again",
          inet.bind("127.0.0.1", uport, opt.SOCK_DGRAM))
  t:close(lfd)
end)

T.case("nonblock and reuseaddr arguments set the flags; sockets are cloexec",
       function(t)
  local plain = t:own("plain", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.eq(opt.nonblock(plain), false, "default nonblock")
  T.eq(opt.reuseaddr(plain), false, "default reuseaddr")
  T.eq(opt.cloexec(plain), true, "cloexec")
  local nb = t:own("nonblock", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, true))
  T.eq(opt.nonblock(nb), true, "nonblock = true")
  T.eq(opt.reuseaddr(nb), false, "reuseaddr omitted")
  local ra = t:own("reuseaddr",
                   inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, false, true))
  T.eq(opt.nonblock(ra), false, "nonblock = false")
  T.eq(opt.reuseaddr(ra), true, "reuseaddr = true")
  local both = t:own("both", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true, true))
  T.eq(opt.nonblock(both), true, "both nonblock")
  T.eq(opt.reuseaddr(both), true, "both reuseaddr")
  local nils = t:own("nils", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, nil, nil))
  T.eq(opt.nonblock(nils), false, "nil nonblock")

  local lfd, port = t:listener()
  local c = t:own("connect nonblock reuseaddr",
                  inet.connect("127.0.0.1", port, opt.SOCK_STREAM, false, true))
  T.eq(opt.reuseaddr(c), true, "connect reuseaddr")
  T.eq(opt.cloexec(c), true, "connect cloexec")
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(opt.cloexec(s), true, "accepted cloexec")
end)

T.case("accept gives a blocking fd; acceptInherits copies the listener's O_NONBLOCK",
       function(t)
  local lfd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, true, true))
  T.nothing("listen", llsocket.listen(lfd, 8))
  local port = T.ok("sockname", llsocket.sockname(lfd)):port()
  T.iofails("EAGAIN", true, "accept with no client", llsocket.accept(lfd))
  T.iofails("EAGAIN", true, "acceptInherits with no client",
            llsocket.acceptInherits(lfd))

  local c1 = t:own("connect 1", inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local c2 = t:own("connect 2", inet.connect("127.0.0.1", port, opt.SOCK_STREAM))
  local a1, a2
  T.waitfor("pending connection", 5, function()
    a1 = llsocket.accept(lfd)
    return a1 ~= nil
  end)
  t:own("accept", a1)
  T.waitfor("pending connection", 5, function()
    a2 = llsocket.acceptInherits(lfd)
    return a2 ~= nil
  end)
  t:own("acceptInherits", a2)
  T.eq(opt.nonblock(a1), false, "accept result nonblock")
  T.eq(opt.nonblock(a2), true, "acceptInherits result nonblock")
  T.eq(opt.cloexec(a1), true, "accept result cloexec")
  T.eq(opt.cloexec(a2), true, "acceptInherits result cloexec")

  -- A blocking listener: acceptInherits gives a blocking fd.
  local blfd, bport = t:listener()
  local c3 = t:own("connect 3", inet.connect("127.0.0.1", bport, opt.SOCK_STREAM))
  local a3 = t:own("acceptInherits blocking", llsocket.acceptInherits(blfd))
  T.eq(opt.nonblock(a3), false, "inherited blocking")
  T.eq(llsocket.send(c3, "ok"), 2, "send")
  T.eq(llsocket.recv(a3, 2), "ok", "recv on inherited")
  t:close(c1)
  t:close(c2)
end)

T.case("a non-blocking connect returns the fd and completes (error() == 0)",
       function(t)
  local lfd, port, laddr = t:listener()
  local cfd = t:own("nonblocking connect",
                    inet.connect("127.0.0.1", port, opt.SOCK_STREAM, true))
  T.eq(opt.nonblock(cfd), true, "nonblock")
  T.waitfor("connect completion", 5, function()
    return llsocket.peername(cfd) ~= nil
  end)
  T.eq(llsocket.error(cfd), 0, "SO_ERROR after connect")
  T.truthy(llsocket.peername(cfd) == laddr, "peer is the listener")
  local sfd = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(cfd, "nb"), 2, "send")
  T.eq(llsocket.recv(sfd, 2), "nb", "recv")
end)

T.case("a refused non-blocking connect reports ECONNREFUSED via error()",
       function(t)
  local bound = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local port = T.ok("sockname", llsocket.sockname(bound)):port()
  local cfd, err = inet.connect("127.0.0.1", port, opt.SOCK_STREAM, true)
  if cfd == nil then
    -- Loopback may refuse before connect() returns.
    T.err(err, "ECONNREFUSED", "immediate refusal")
    return
  end
  t:own("connect", cfd)
  local pending
  T.waitfor("refusal", 5, function()
    pending = llsocket.error(cfd)
    return pending ~= 0
  end)
  T.err(pending, "ECONNREFUSED", "SO_ERROR")
  T.eq(llsocket.error(cfd), 0, "SO_ERROR is cleared once read")
end)

T.case("listen takes a backlog or defaults; listen on UDP is EOPNOTSUPP",
       function(t)
  local a = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.nothing("listen backlog 0", llsocket.listen(a, 0))
  local b = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.nothing("listen backlog 2^31-1", llsocket.listen(b, 2147483647))
  local c = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.nothing("listen backlog SOMAXCONN", llsocket.listen(c, opt.SOMAXCONN))
  local u = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.err(llsocket.listen(u), "EOPNOTSUPP", "listen udp")
  T.eq(T.count(llsocket.listen(u)), 1, "listen failure returns one value")
end)

T.case("accept on a socket that is not listening fails with EINVAL, again false",
       function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.iofails("EINVAL", false, "accept", llsocket.accept(fd))
  T.iofails("EINVAL", false, "acceptInherits", llsocket.acceptInherits(fd))
end)

T.case("shutdown(SHUT_WR) gives the peer EOF; both sides still work otherwise",
       function(t)
  local c, s = t:tcppair()
  T.nothing("shutdown SHUT_WR", llsocket.shutdown(c, opt.SHUT_WR))
  T.eq(llsocket.recv(s), "", "peer sees EOF")
  T.eq(llsocket.send(s, "still"), 5, "peer can still send")
  T.eq(llsocket.recv(c, 5), "still", "half-closed side still reads")
  T.nothing("shutdown SHUT_RD", llsocket.shutdown(c, opt.SHUT_RD))
  T.nothing("shutdown SHUT_RDWR", llsocket.shutdown(s, opt.SHUT_RDWR))
  T.eq(llsocket.recv(c), "", "EOF after peer SHUT_RDWR")
end)

T.case("shutdown of an unconnected socket returns ENOTCONN", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.err(llsocket.shutdown(fd, opt.SHUT_RDWR), "ENOTCONN", "shutdown")
end)

T.case("close(fd, how) shuts down first; a failing shutdown still releases the fd",
       function(t)
  local c, s = t:tcppair()
  t:close(c, opt.SHUT_RDWR)
  T.eq(llsocket.recv(s), "", "peer sees EOF")

  local fd = inet.bind("127.0.0.1", 0, opt.SOCK_STREAM)
  t:own("bind", fd)
  t:forget(fd)
  T.err(llsocket.close(fd, opt.SHUT_RDWR), "ENOTCONN", "close with shutdown")
  T.err(llsocket.close(fd), "EBADF", "fd was released anyway")
end)

T.case("peername of an unconnected socket is ENOTCONN; type of UDP is SOCK_DGRAM",
       function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  T.fails("ENOTCONN", "peername", llsocket.peername(fd))
  local u = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.fails("ENOTCONN", "udp peername", llsocket.peername(u))
  T.eq(llsocket.type(u), opt.SOCK_DGRAM, "type")
end)

T.case("UDP: sendto an addr, recvfrom reports the sender's sockname", function(t)
  local a, b, aaddr, baddr = t:udppair()
  T.eq(llsocket.sendto(b, "ping", aaddr), 4, "sendto")
  local msg, from = llsocket.recvfrom(a)
  T.eq(msg, "ping", "recvfrom data")
  T.truthy(from == baddr, "sender == sockname of sender")
  T.eq(tostring(from), tostring(baddr), "tostring sender")
  T.eq(from:port(), baddr:port(), "sender port")
  T.eq(llsocket.sendto(a, "pong", from), 4, "reply to recvfrom's addr")
  local back, from2 = llsocket.recvfrom(b, 100)
  T.eq(back, "pong", "reply data")
  T.truthy(from2 == aaddr, "reply sender")
end)

T.case("UDP connect: send/recv without addr, peername is the target", function(t)
  local a = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local aaddr = T.ok("sockname", llsocket.sockname(a))
  local c = t:own("connect udp", inet.connect("127.0.0.1", aaddr:port(),
                                              opt.SOCK_DGRAM))
  T.truthy(T.ok("peername", llsocket.peername(c)) == aaddr, "peer")
  T.eq(llsocket.send(c, "datagram"), 8, "send")
  local msg, from = llsocket.recvfrom(a)
  T.eq(msg, "datagram", "recv")
  T.truthy(from == T.ok("sockname", llsocket.sockname(c)), "sender")
  T.eq(llsocket.sendto(c, "nil addr", nil), 8, "sendto with nil addr")
  T.eq(llsocket.recv(a), "nil addr", "recv")
end)

T.case("UDP sendto without an address on an unconnected socket is EDESTADDRREQ",
       function(t)
  local a = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.iofails("EDESTADDRREQ", false, "sendto nil", llsocket.sendto(a, "x"))
  T.iofails("EDESTADDRREQ", false, "send", llsocket.send(a, "x"))
end)

T.case("IPv6 loopback: bind ::1, round trip, addresses format as [::1]:port",
       function(t)
  local lfd, err = inet.bind("::1", 0, opt.SOCK_STREAM, false, true)
  if not lfd then
    t:skip("cannot bind ::1 (" .. T.errdesc(err) .. ")")
  end
  t:own("bind ::1", lfd)
  T.nothing("listen", llsocket.listen(lfd))
  local laddr = T.ok("sockname", llsocket.sockname(lfd))
  local port = laddr:port()
  T.eq(laddr:family(), opt.AF_INET6, "family")
  T.eq(laddr:host(), "::1", "host")
  T.eq(tostring(laddr), "[::1]:" .. port, "tostring")
  local c = t:own("connect ::1", inet.connect("::1", port, opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  T.eq(llsocket.send(c, "six"), 3, "send")
  T.eq(llsocket.recv(s), "six", "recv")
  T.truthy(T.ok("peername", llsocket.peername(c)) == laddr, "peer")

  local u1 = t:own("udp ::1", inet.bind("::1", 0, opt.SOCK_DGRAM))
  local u2 = t:own("udp ::1", inet.bind("::1", 0, opt.SOCK_DGRAM))
  local u1addr = T.ok("sockname", llsocket.sockname(u1))
  T.eq(llsocket.sendto(u2, "v6", u1addr), 2, "sendto")
  local msg, from = llsocket.recvfrom(u1)
  T.eq(msg, "v6", "recvfrom")
  T.truthy(from == T.ok("sockname", llsocket.sockname(u2)), "sender")
  T.match(tostring(from), "^%[::1%]:%d+$", "sender tostring")
end)

-- What each multicast membership call returns for each misuse, on this
-- kernel; man/llsocket.3 and man/llsock.3 say the same, call by call.
-- Each step is {call, group kind, source, expected error or nil}.
local MEMBERSHIP_STEPS = {
  { "join", "asm", nil, nil },
  { "join", "asm", nil, "EADDRINUSE" },             -- joined twice
  { "block_source", "asm", 2, nil },
  { "block_source", "asm", 2, "EADDRNOTAVAIL" },    -- blocked twice
  { "unblock_source", "asm", 2, nil },
  { "unblock_source", "asm", 2, "EADDRNOTAVAIL" },  -- not blocked
  { "join_source", "asm", 1, "EINVAL" },            -- any-source member
  { "leave_source", "asm", 1, "EINVAL" },           -- any-source member
  { "leave", "asm", nil, nil },
  { "leave", "asm", nil, "EADDRNOTAVAIL" },         -- not joined
  { "block_source", "asm", 2, "EINVAL" },           -- not joined
  { "unblock_source", "asm", 2, "EINVAL" },         -- not joined
  { "leave_source", "ssm", 1, "EINVAL" },           -- not joined
  { "join_source", "ssm", 1, nil },
  { "join_source", "ssm", 1, "EADDRNOTAVAIL" },     -- joined twice
  { "join_source", "ssm", 2, nil },                 -- a second source
  { "join", "ssm", nil, "EADDRINUSE" },             -- a member already
  { "block_source", "ssm", 2, "EINVAL" },           -- source-specific
  { "leave_source", "ssm", 3, "EADDRNOTAVAIL" },    -- source not joined
  { "leave_source", "ssm", 1, nil },
  { "leave_source", "ssm", 2, nil },                -- the last: no member
  { "leave_source", "ssm", 1, "EINVAL" },           -- not joined
  { "join_source", "ssm", 1, nil },
  { "leave", "ssm", nil, nil },                     -- drops every source
  { "leave", "ssm", nil, "EADDRNOTAVAIL" },
}

T.case("multicast membership calls fail as the manual says, IPv4 and IPv6",
       function(t)
  local families = {
    { "0.0.0.0", asm = "239.255.0.7", ssm = "232.255.0.7",
      "127.0.0.1", "127.0.0.2", "127.0.0.3" },
    { "::", asm = "ff02::7", ssm = "ff32::7", "::1", "::2", "::3" },
  }
  local ran = 0
  for _, f in ipairs(families) do
    local fd = inet.bind(f[1], 0, opt.SOCK_DGRAM)
    if fd then
      t:own("bind " .. f[1], fd)
      local first = opt.join(fd, f.asm, "lo")
      if first == llsocket.errno.ENODEV or first == llsocket.errno.ENOBUFS then
        print("# no multicast on lo for " .. f[1] .. ": " .. T.errdesc(first))
      else
        T.eq(first, nil, "first join " .. f[1])
        T.eq(opt.leave(fd, f.asm, "lo"), nil, "first leave " .. f[1])
        for i, step in ipairs(MEMBERSHIP_STEPS) do
          local call, group, source, want = step[1], f[step[2]], step[3], step[4]
          local err
          if source then
            err = opt[call](fd, group, f[1 + source], "lo")
          else
            err = opt[call](fd, group, "lo")
          end
          local what = f[1] .. " step " .. i .. ": " .. call
          if want then T.err(err, want, what) else T.eq(err, nil, what) end
        end
        ran = ran + 1
      end
      t:close(fd)
    end
  end
  if ran == 0 then t:skip("no multicast on lo") end
end)

T.done()
