-- llsocket.addr: constructors, accessors, tostring, equality, info().
local T = require "testlib"
local llsocket = T.llsocket
local addr, opt = llsocket.addr, llsocket.opt

T.case("addr.inet for IPv4: family, host, port, path, tostring", function()
  local a = T.ok("addr.inet", addr.inet("127.0.0.1", 8080))
  T.eq(type(a), "userdata", "type")
  T.eq(a:family(), opt.AF_INET, "family")
  T.eq(a:host(), "127.0.0.1", "host")
  T.eq(a:port(), 8080, "port")
  T.eq(a:path(), nil, "path")
  T.eq(tostring(a), "127.0.0.1:8080", "tostring")
  local zero = T.ok("addr.inet port 0", addr.inet("0.0.0.0", 0))
  T.eq(tostring(zero), "0.0.0.0:0", "tostring of wildcard")
  T.eq(T.ok("max port", addr.inet("10.1.2.3", 65535)):port(), 65535, "max port")
end)

T.case("addr.inet for IPv6: [host]:port formatting", function()
  local a = T.ok("addr.inet ::1", addr.inet("::1", 53))
  T.eq(a:family(), opt.AF_INET6, "family")
  T.eq(a:host(), "::1", "host")
  T.eq(a:port(), 53, "port")
  T.eq(a:path(), nil, "path")
  T.eq(tostring(a), "[::1]:53", "tostring")
  local b = T.ok("addr.inet long form", addr.inet("2001:db8:0:0:0:0:0:1", 443))
  T.eq(b:host(), "2001:db8::1", "canonical host")
  T.eq(tostring(b), "[2001:db8::1]:443", "tostring")
  local m = T.ok("mapped", addr.inet("::ffff:127.0.0.1", 1))
  T.eq(m:family(), opt.AF_INET6, "mapped family")
  T.eq(m:host(), "::ffff:127.0.0.1", "mapped host")
end)

T.case("ports: integer, numeric string, service name, nil = 0", function()
  T.eq(T.ok("string port", addr.inet("127.0.0.1", "8080")):port(), 8080,
       "numeric string")
  T.eq(T.ok("nil port", addr.inet("127.0.0.1", nil)):port(), 0, "nil port")
  T.eq(T.ok("omitted port", addr.inet("127.0.0.1")):port(), 0, "omitted port")
  local f = io.open("/etc/services", "r")
  if f then
    f:close()
    T.eq(T.ok("service name", addr.inet("127.0.0.1", "http")):port(), 80,
         "http")
  else
    print("# no /etc/services: service names not checked")
  end
end)

T.case("addr.inet failures: names are not resolved, bad services are reported",
       function()
  T.fails("EAI_NONAME", "host name", addr.inet("localhost", 80))
  T.fails("EAI_NONAME", "bad IPv4", addr.inet("256.1.1.1", 80))
  T.fails("EAI_NONAME", "empty host", addr.inet("", 80))
  T.fails("EAI_SERVICE", "unknown service",
          addr.inet("127.0.0.1", "no-such-service-llsocket"))
end)

T.case("addr.unix: paths, abstract names, unnamed", function()
  local p = T.ok("addr.unix path", addr.unix("/tmp/x.sock"))
  T.eq(p:family(), opt.AF_UNIX, "family")
  T.eq(p:path(), "/tmp/x.sock", "path")
  T.eq(p:host(), nil, "host")
  T.eq(p:port(), nil, "port")
  T.eq(tostring(p), "/tmp/x.sock", "tostring")

  local a = T.ok("addr.unix abstract", addr.unix("\0name"))
  T.eq(a:family(), opt.AF_UNIX, "abstract family")
  T.eq(a:path(), "\0name", "abstract path keeps the NUL")
  T.eq(tostring(a), "@name", "abstract tostring")
  local odd = T.ok("abstract with bytes", addr.unix("\0a\1b\0c"))
  T.eq(odd:path(), "\0a\1b\0c", "abstract bytes kept, NULs included")
  T.eq(tostring(odd), "@a\\x01b\\x00c", "non-printable bytes as \\xHH")

  local u = T.ok("addr.unix unnamed", addr.unix(""))
  T.eq(u:family(), opt.AF_UNIX, "unnamed family")
  T.eq(u:path(), "", "unnamed path")
  T.eq(tostring(u), "(unnamed)", "unnamed tostring")
end)

T.case("== compares family, bytes and length", function()
  local a1 = addr.inet("127.0.0.1", 80)
  local a2 = addr.inet("127.0.0.1", "80")
  T.truthy(a1 == a2, "same inet address")
  T.truthy(a1 == a1, "same object")
  T.truthy(not (a1 == addr.inet("127.0.0.1", 81)), "different port")
  T.truthy(not (a1 == addr.inet("127.0.0.2", 80)), "different host")
  T.truthy(not (a1 == addr.inet("::ffff:127.0.0.1", 80)), "v4 vs mapped v6")
  T.truthy(addr.inet("::1", 1) == addr.inet("0:0:0:0:0:0:0:1", 1), "same v6")
  T.truthy(addr.unix("/a") == addr.unix("/a"), "same path")
  T.truthy(not (addr.unix("/a") == addr.unix("/b")), "different path")
  T.truthy(not (addr.unix("/a") == addr.unix("\0a")), "path vs abstract")
  T.truthy(addr.unix("") == addr.unix(""), "unnamed")
  T.truthy(not (addr.unix("/a") == a1), "unix vs inet")
  T.truthy(a1 ~= "127.0.0.1:80", "not equal to its string")
  T.truthy(a1 ~= 80, "not equal to a number")
  -- Both are userdata, so __eq runs: it must answer, not raise.
  T.truthy(a1 ~= io.stdout, "not equal to another userdata")
  T.truthy(io.stdout ~= a1, "another userdata is not equal to it")
end)

T.case("sockname equals the addr built from the same host and port", function(t)
  local lfd, port, laddr = t:listener()
  T.truthy(laddr == addr.inet("127.0.0.1", port), "sockname == addr.inet")
  T.eq(tostring(laddr), tostring(addr.inet("127.0.0.1", port)), "tostring")
  local u = t:own("udp", llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local uaddr = T.ok("sockname", llsocket.sockname(u))
  T.eq(llsocket.sendto(u, "self", addr.inet("127.0.0.1", uaddr:port())), 4,
       "sendto a constructed addr")
  local msg, from = llsocket.recvfrom(u)
  T.eq(msg, "self", "received")
  T.truthy(from == uaddr, "from self")
  t:close(lfd)
end)

T.case("info() returns {host, service} with NI_* flags OR-ed", function()
  local a = addr.inet("127.0.0.1", 80)
  local numeric = T.ok("info numeric", a:info(opt.NI_NUMERICHOST, opt.NI_NUMERICSERV))
  T.eq(type(numeric), "table", "info type")
  T.eq(numeric.host, "127.0.0.1", "numeric host")
  T.eq(numeric.service, "80", "numeric service")
  local both = T.ok("info one flag value",
                    a:info(opt.NI_NUMERICHOST, opt.NI_NUMERICSERV))
  T.eq(both.host, "127.0.0.1", "host with OR-ed flag")
  T.eq(both.service, "80", "service with OR-ed flag")
  local f = io.open("/etc/services", "r")
  if f then
    f:close()
    local named = T.ok("info service name", a:info(opt.NI_NUMERICHOST))
    T.eq(named.service, "http", "service name")
    T.eq(named.host, "127.0.0.1", "host")
    local dgram = T.ok("info NI_DGRAM", addr.inet("127.0.0.1", 53):info(
      opt.NI_NUMERICHOST, opt.NI_DGRAM))
    T.eq(dgram.service, "domain", "udp service name")
  end
  local v6 = T.ok("info v6", addr.inet("::1", 8080):info(opt.NI_NUMERICHOST,
                                                         opt.NI_NUMERICSERV))
  T.eq(v6.host, "::1", "v6 host")
  T.eq(v6.service, "8080", "v6 service")
  -- 127.0.0.1 has a name in /etc/hosts, so no query leaves the machine.
  local plain = T.ok("info without flags", a:info())
  T.type(plain.host, "string", "host")
  T.type(plain.service, "string", "service")
end)

T.case("info() on unix addresses gives the node name and the path", function()
  local info = T.ok("info unix", addr.unix("/tmp/x.sock"):info())
  T.type(info.host, "string", "host")
  T.truthy(#info.host > 0, "host not empty")
  T.eq(info.service, "/tmp/x.sock", "service is the path")
end)

T.case("info() failures are returned as EAI_* errors", function()
  local a = addr.inet("127.0.0.1", 80)
  -- A name is required but must not be looked up: glibc refuses at once.
  T.fails("EAI_NONAME", "NI_NAMEREQD with NI_NUMERICHOST",
          a:info(opt.NI_NAMEREQD, opt.NI_NUMERICHOST))
  T.fails("EAI_BADFLAGS", "unknown flag bit", a:info(0x4000))
  T.eq(llsocket.errname(llsocket.errno.EAI_BADFLAGS), "EAI_BADFLAGS", "name")
end)

T.case("addr methods work as functions and through the method table", function()
  local a = addr.inet("127.0.0.1", 1234)
  local port, host, family = a.port, a.host, a.family
  T.eq(port(a), 1234, "a.port(a)")
  T.eq(host(a), "127.0.0.1", "a.host(a)")
  T.eq(family(a), opt.AF_INET, "a.family(a)")
  T.truthy(port == addr.unix("/x").port, "methods are shared")
end)

T.case("addr.inet and inet.bind/connect take a number port as its text",
       function(t)
  for _, host in ipairs({ "127.0.0.1", "::1", "fe80::1%lo" }) do
    for _, port in ipairs({ 0, 1, 8080, 65535 }) do
      T.eq(llsocket.addr.inet(host, port), llsocket.addr.inet(host,
        tostring(port)), host .. " port " .. port)
    end
  end
  T.argerror(2, "port 65536", llsocket.addr.inet, "127.0.0.1", 65536)
  T.argerror(2, "port -1", llsocket.addr.inet, "127.0.0.1", -1)
  local lfd = t:own("bind", llsocket.inet.bind("127.0.0.1", 0,
                                               llsocket.opt.SOCK_STREAM))
  T.nothing("listen", llsocket.listen(lfd))
  local port = T.ok("sockname", llsocket.sockname(lfd)):port()
  local fd = t:own("connect", llsocket.inet.connect("127.0.0.1", port,
                                                    llsocket.opt.SOCK_STREAM))
  T.eq(T.ok("peername", llsocket.peername(fd)):port(), port, "connected")
  T.argerror(2, "bind port 65536", llsocket.inet.bind, "127.0.0.1", 65536,
             llsocket.opt.SOCK_STREAM)
end)

T.done()
