-- Error numbers: llsocket.errno, strerror, errname, resolver codes, and
-- EBADF from every fd-taking call on a closed fd.
local T = require "testlib"
local llsocket = T.llsocket
local inet, opt = llsocket.inet, llsocket.opt
local errno = llsocket.errno

T.case("version is \"0.1.0\"", function()
  T.eq(llsocket.version, "0.1.0", "llsocket.version")
end)

T.case("errno holds the Linux values of the common errors", function()
  local linux = {
    EPERM = 1, ENOENT = 2, EINTR = 4, EBADF = 9, EAGAIN = 11, EACCES = 13,
    EINVAL = 22, EPIPE = 32, ENAMETOOLONG = 36, ENOTSOCK = 88,
    EDESTADDRREQ = 89, EPROTOTYPE = 91, ENOPROTOOPT = 92,
    EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98,
    EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103,
    ECONNRESET = 104, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110,
    ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114,
    EINPROGRESS = 115,
  }
  for name, value in pairs(linux) do
    T.eq(errno[name], value, "errno." .. name)
  end
end)

T.case("errno holds EAI_* codes as 3001..3012; errname/strerror know them",
       function()
  local eai = {
    "EAI_AGAIN", "EAI_BADFLAGS", "EAI_FAIL", "EAI_FAMILY", "EAI_MEMORY",
    "EAI_NONAME", "EAI_SERVICE", "EAI_SOCKTYPE", "EAI_OVERFLOW",
    "EAI_NODATA", "EAI_ADDRFAMILY", "EAI_UNKNOWN",
  }
  for i, name in ipairs(eai) do
    local value = 3000 + i
    -- The GNU-only codes may be left out of the table, never misnumbered.
    if i <= 9 or errno[name] ~= nil then
      T.eq(errno[name], value, "errno." .. name)
    end
    T.eq(llsocket.errname(value), name, "errname(" .. value .. ")")
    T.type(llsocket.strerror(value), "string", "strerror(" .. value .. ")")
  end
  T.eq(llsocket.strerror(3006), "Name or service not known", "EAI_NONAME text")
  T.eq(llsocket.strerror(3008), "ai_socktype not supported", "EAI_SOCKTYPE text")
end)

T.case("every errno entry is a positive integer whose errname maps back",
       function()
  local n = 0
  for name, value in pairs(errno) do
    T.type(name, "string", "key")
    T.type(value, "integer", "errno." .. name)
    T.truthy(value > 0, "errno." .. name .. " > 0")
    local back = llsocket.errname(value)
    T.type(back, "string", "errname(errno." .. name .. ")")
    -- Aliases (EWOULDBLOCK, ENOTSUP, EDEADLOCK) name their twin.
    T.eq(errno[back], value, "errno[errname(errno." .. name .. ")]")
    local msg = llsocket.strerror(value)
    T.type(msg, "string", "strerror(errno." .. name .. ")")
    T.truthy(#msg > 0, "strerror not empty")
    n = n + 1
  end
  T.truthy(n >= 30, "errno has the common errors (" .. n .. ")")
end)

T.case("strerror and errname describe system errors", function()
  T.eq(llsocket.strerror(errno.ECONNREFUSED), "Connection refused", "strerror")
  T.eq(llsocket.errname(errno.ECONNREFUSED), "ECONNREFUSED", "errname")
  T.eq(llsocket.strerror(errno.EAGAIN), "Resource temporarily unavailable",
       "strerror EAGAIN")
  T.eq(llsocket.errname(11), "EAGAIN", "errname 11")
  T.eq(llsocket.errname(32), "EPIPE", "errname 32")
  T.eq(llsocket.strerror(errno.EPIPE), "Broken pipe", "strerror EPIPE")
  -- Unknown numbers still give strings, never nil or an error.
  T.type(llsocket.strerror(99999), "string", "strerror unknown")
  T.type(llsocket.errname(99999), "string", "errname unknown")
  T.type(llsocket.strerror(0), "string", "strerror 0")
end)

T.case("resolver failures come back as EAI_* numbers, not errno values",
       function()
  T.fails("EAI_SERVICE", "unknown service",
          inet.bind("127.0.0.1", "no-such-service-llsocket", opt.SOCK_STREAM))
  T.fails("EAI_SERVICE", "unknown service on connect",
          inet.connect("127.0.0.1", "no-such-service-llsocket", opt.SOCK_STREAM))
  T.fails("EAI_SOCKTYPE", "unsupported socktype",
          inet.bind("127.0.0.1", 0, 999))
  local _, err = inet.bind("127.0.0.1", "no-such-service-llsocket",
                           opt.SOCK_STREAM)
  T.eq(llsocket.errname(err), "EAI_SERVICE", "errname of the returned err")
  T.eq(llsocket.strerror(err), "Servname not supported for ai_socktype",
       "strerror of the returned err")
end)

T.case("system failures are returned with names that match", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local port = T.ok("sockname", llsocket.sockname(fd)):port()
  local v, err = inet.connect("127.0.0.1", port, opt.SOCK_STREAM)
  T.eq(v, nil, "connect")
  T.eq(err, errno.ECONNREFUSED, "err")
  T.eq(llsocket.errname(err), "ECONNREFUSED", "errname")
  T.eq(llsocket.strerror(err), "Connection refused", "strerror")
end)

T.case("every fd-taking call on a closed fd returns EBADF", function(t)
  local fd = t:own("bind", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local peer = T.ok("addr", llsocket.addr.inet("127.0.0.1", 9))
  t:close(fd)
  T.fails("EBADF", "sockname", llsocket.sockname(fd))
  T.fails("EBADF", "peername", llsocket.peername(fd))
  T.fails("EBADF", "atmark", llsocket.atmark(fd))
  T.fails("EBADF", "type", llsocket.type(fd))
  T.fails("EBADF", "error", llsocket.error(fd))
  T.err(llsocket.shutdown(fd, opt.SHUT_RDWR), "EBADF", "shutdown")
  T.err(llsocket.close(fd), "EBADF", "close")
  T.err(llsocket.close(fd, opt.SHUT_RDWR), "EBADF", "close with how")
  T.err(llsocket.listen(fd), "EBADF", "listen")
  T.iofails("EBADF", false, "accept", llsocket.accept(fd))
  T.iofails("EBADF", false, "acceptInherits", llsocket.acceptInherits(fd))
  T.iofails("EBADF", false, "recv", llsocket.recv(fd))
  T.iofails("EBADF", false, "send", llsocket.send(fd, "x"))
  T.iofails("EBADF", false, "sendto", llsocket.sendto(fd, "x", peer))
  local str, addr, err, again = llsocket.recvfrom(fd)
  T.eq(str, nil, "recvfrom str")
  T.eq(addr, nil, "recvfrom addr")
  T.err(err, "EBADF", "recvfrom")
  T.eq(again, false, "recvfrom again")
end)

T.done()
