-- getaddrinfo/getnameinfo, and socket/bind/connect in steps.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

T.case("getaddrinfo resolves numeric hosts with socket type and protocol",
       function()
  local list = T.ok("getaddrinfo", llsocket.getaddrinfo("127.0.0.1", 8080,
                                                         opt.SOCK_STREAM))
  T.eq(#list, 1, "one result")
  local a = list[1]
  T.eq(tostring(a), "127.0.0.1:8080", "address")
  T.eq(a:family(), opt.AF_INET, "family")
  T.eq(a:socktype(), opt.SOCK_STREAM, "socktype")
  T.eq(a:protocol(), opt.IPPROTO_TCP, "protocol")
  T.eq(a:canonname(), nil, "no canonical name unless asked")
  list = T.ok("service name", llsocket.getaddrinfo("::1", "domain",
                                                    opt.SOCK_DGRAM))
  T.eq(tostring(list[1]), "[::1]:53", "service resolved")
  T.eq(list[1]:protocol(), opt.IPPROTO_UDP, "udp")
end)

T.case("getaddrinfo gives the passive wildcard and canonical names",
       function()
  local list = T.ok("passive", llsocket.getaddrinfo(nil, 0, opt.SOCK_STREAM,
                                                     opt.AF_INET,
                                                     opt.AI_PASSIVE))
  T.eq(tostring(list[1]), "0.0.0.0:0", "wildcard")
  list = T.ok("localhost", llsocket.getaddrinfo("localhost", nil,
                                                 opt.SOCK_STREAM, nil,
                                                 opt.AI_CANONNAME))
  T.eq(list[1]:canonname(), "localhost", "canonical name on the first")
  T.truthy(list[1]:family() == opt.AF_INET or list[1]:family() == opt.AF_INET6,
           "an inet family")
end)

T.case("getaddrinfo failures are resolver error numbers", function()
  T.fails("EAI_NONAME", "name with AI_NUMERICHOST",
          llsocket.getaddrinfo("example", 80, nil, nil, opt.AI_NUMERICHOST))
  T.fails("EAI_SOCKTYPE", "bad socktype",
          llsocket.getaddrinfo("127.0.0.1", 80, 12345))
  T.fails("EINVAL", "port string out of range",
          llsocket.getaddrinfo("127.0.0.1", "70000"))
  T.argerror(1, "both nil", llsocket.getaddrinfo)
  T.argerror(2, "port number out of range", llsocket.getaddrinfo,
             "127.0.0.1", 70000)
  T.argerror(1, "table host", llsocket.getaddrinfo, {}, 80)
  T.argerror(5, "string flag", llsocket.getaddrinfo, "127.0.0.1", 80, nil,
             nil, "x")
end)

T.case("getnameinfo gives numeric and named host and service", function()
  local a = T.ok("addr", llsocket.addr.inet("127.0.0.1", 80))
  local host, serv = llsocket.getnameinfo(a, opt.NI_NUMERICHOST,
                                          opt.NI_NUMERICSERV)
  T.eq(host, "127.0.0.1", "numeric host")
  T.eq(serv, "80", "numeric service")
  host, serv = llsocket.getnameinfo(a, opt.NI_NUMERICHOST)
  T.eq(serv, "http", "service name")
  host, serv = llsocket.getnameinfo(llsocket.addr.unix("/tmp/x"))
  T.eq(serv, "/tmp/x", "glibc names a unix address by its path")
  T.fails("EAI_BADFLAGS", "unknown flag", llsocket.getnameinfo(a, T.bit(30)))
  T.argerror(1, "not an addr", llsocket.getnameinfo, "127.0.0.1")
end)

T.case("socket, bind, listen and a non-blocking connect in steps",
       function(t)
  local list = T.ok("passive", llsocket.getaddrinfo("127.0.0.1", 0,
                                                     opt.SOCK_STREAM, nil,
                                                     opt.AI_PASSIVE))
  local lfd = t:own("socket from addr", llsocket.socket(list[1]))
  T.eq(opt.reuseaddr(lfd, true), true, "option before bind")
  T.nothing("bind", llsocket.bind(lfd, list[1]))
  T.nothing("listen", llsocket.listen(lfd))
  local port = llsocket.sockname(lfd):port()
  local target = llsocket.getaddrinfo("127.0.0.1", port, opt.SOCK_STREAM)[1]
  local c = t:own("socket nonblock",
                  llsocket.socket(target:family(), target:socktype(),
                                  target:protocol(), true))
  T.eq(opt.nonblock(c), true, "non-blocking")
  T.nothing("connect under way is success", llsocket.connect(c, target))
  local s = t:own("accept", llsocket.accept(lfd))
  T.waitfor("connect done", 5, function() return llsocket.peername(c) end)
  T.eq(llsocket.error(c), 0, "no pending error")
  T.eq(llsocket.send(c, "stepwise"), 8, "send")
  T.eq(llsocket.recv(s), "stepwise", "recv")
end)

T.case("socket, bind and connect report system errors and misuse",
       function(t)
  local fd = t:own("udp socket", llsocket.socket(opt.AF_INET, opt.SOCK_DGRAM))
  local busy = t:own("busy", llsocket.inet.bind("127.0.0.1", 0,
                                                opt.SOCK_DGRAM))
  T.eq(llsocket.bind(fd, llsocket.sockname(busy)), llsocket.errno.EADDRINUSE,
       "address in use")
  local lfd = t:own("closed port holder",
                    llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local tcp = t:own("tcp", llsocket.socket(opt.AF_INET, opt.SOCK_STREAM))
  T.eq(llsocket.connect(tcp, llsocket.sockname(lfd)),
       llsocket.errno.ECONNREFUSED, "refused")
  T.fails("EAFNOSUPPORT", "bad family",
          llsocket.socket(12345, opt.SOCK_STREAM))
  T.argerror(1, "addr without socktype", llsocket.socket,
             llsocket.addr.inet("127.0.0.1", 1))
  T.argerror(2, "missing socktype", llsocket.socket, opt.AF_INET)
  T.argerror(4, "nonblock not boolean", llsocket.socket, opt.AF_INET,
             opt.SOCK_STREAM, 0, 1)
  T.argerror(2, "bind without addr", llsocket.bind, fd, "127.0.0.1")
  T.argerror(2, "connect without addr", llsocket.connect, fd, nil)
  T.eq(llsocket.bind(1000, llsocket.sockname(busy)), llsocket.errno.EBADF,
       "bind on closed fd")
end)

T.case("a dual-stack listener on :: accepts IPv4 as a mapped address",
       function(t)
  local list = T.ok("passive v6", llsocket.getaddrinfo(nil, 0,
                                                        opt.SOCK_STREAM,
                                                        opt.AF_INET6,
                                                        opt.AI_PASSIVE))
  local lfd = llsocket.socket(list[1])
  if not lfd then t:skip("no IPv6 sockets here") end
  t:own("v6 listener", lfd)
  T.eq(opt.v6only(lfd, false), false, "dual stack")
  T.nothing("bind ::", llsocket.bind(lfd, list[1]))
  T.nothing("listen", llsocket.listen(lfd))
  local port = llsocket.sockname(lfd):port()
  local c = t:own("v4 client", llsocket.inet.connect("127.0.0.1", port,
                                                     opt.SOCK_STREAM))
  local s = t:own("accept", llsocket.accept(lfd))
  local peer = T.ok("peername", llsocket.peername(s))
  T.eq(peer:family(), opt.AF_INET6, "seen as IPv6")
  T.eq(peer:host(), "::ffff:127.0.0.1", "v4-mapped")
  T.eq(tostring(peer), "[::ffff:127.0.0.1]:" .. llsocket.sockname(c):port(),
       "formatted in brackets")
  local only = t:own("v6only socket", llsocket.socket(list[1]))
  T.eq(opt.v6only(only, true), true, "v6only set")
end)

T.case("IPv6 scope ids parse, print and survive a round trip", function()
  local a = T.ok("scoped", llsocket.addr.inet("fe80::1%lo", 80))
  T.eq(a:host(), "fe80::1%lo", "scope kept by name")
  T.eq(tostring(a), "[fe80::1%lo]:80", "formatted")
  local b = T.ok("scoped by index", llsocket.addr.inet("fe80::1%1", 80))
  T.eq(a, b, "the same address either way")
end)

T.case("SCM_CREDENTIALS sent explicitly arrive decoded", function(t)
  local a, b = llsocket.socketpair(opt.SOCK_DGRAM)
  t:own("a", a)
  t:own("b", b)
  T.nothing("passcred", llsocket.setsockopt(b, opt.SOL_SOCKET, 16, 1))
  local pid, uid, gid = llsocket.peercred(a)
  local cred = string.pack("i4I4I4", pid, uid, gid)
  T.eq(llsocket.sendmsg(a, "c", nil, { { opt.SOL_SOCKET, opt.SCM_CREDENTIALS,
                                          cred } }), 1, "sendmsg with cred")
  local m = T.ok("recvmsg", llsocket.recvmsg(b))
  T.eq(m.cred.pid, pid, "pid")
  T.eq(m.cred.uid, uid, "uid")
  T.eq(m.cred.gid, gid, "gid")
end)

T.done()
