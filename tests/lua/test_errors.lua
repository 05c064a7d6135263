-- Error numbers: llsocket.errno, strerror, errname, resolver codes, and
-- EBADF from every fd-taking call on a closed fd.
local T = require "testlib"
local llsocket = T.llsocket
local inet, opt = llsocket.inet, llsocket.opt
local errno = llsocket.errno

T.case("version is the linked libllsock's, the release this tree builds",
       function(t)
  local release = os.getenv("PACKAGE_VERSION")
  if release == nil then t:skip("PACKAGE_VERSION is not set") end
  T.eq(llsocket.version, release, "llsocket.version")
end)

T.case("errno's EAI_* codes run 3001.., EAI_UNKNOWN last; errname knows them",
       function()
  local codes = {}
  for name, value in pairs(errno) do
    if name:match("^EAI_") then codes[#codes + 1] = { name, value } end
  end
  table.sort(codes, function(a, b) return a[2] < b[2] end)
  T.truthy(#codes >= 9, #codes .. " resolver codes")
  for i, code in ipairs(codes) do
    local name, value = code[1], code[2]
    T.eq(value, 3000 + i, "errno." .. name)
    T.eq(llsocket.errname(value), name, "errname(" .. value .. ")")
    T.type(llsocket.strerror(value), "string", "strerror(" .. value .. ")")
  end
  T.eq(codes[#codes][1], "EAI_UNKNOWN", "the last code")
  T.eq(llsocket.strerror(errno.EAI_NONAME), "Name or service not known",
       "EAI_NONAME text")
  T.eq(llsocket.strerror(errno.EAI_SOCKTYPE), "ai_socktype not supported",
       "EAI_SOCKTYPE text")
end)

T.case("errno numbers are the ones system calls fail with", function(t)
  local path = t:tmpdir() .. "/nobody-listens"
  T.fails("ENOENT", "connect to a missing unix path",
          llsocket.unix.connect(path, opt.SOCK_STREAM))
  local fd = t:own("udp", inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  T.fails("EOPNOTSUPP", "listen on UDP", nil, llsocket.listen(fd))
  T.fails("ENOTCONN", "shut down an unconnected socket", nil,
          llsocket.shutdown(fd, opt.SHUT_RDWR))
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
    if not name:match("^EAI_") then
      T.truthy(llsocket.strerror(value) ~= "Unknown error",
               "strerror(errno." .. name .. ") is the system's message")
    end
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
  T.eq(llsocket.strerror(99999), "Unknown error", "strerror unknown")
  T.eq(llsocket.errname(99999), "UNKNOWN", "errname unknown")
  T.eq(llsocket.strerror(-1), "Unknown error", "strerror negative")
  T.eq(llsocket.strerror(0), "Success", "strerror 0")
  T.eq(llsocket.errname(0), "OK", "errname 0")
  -- numbers only, as everywhere in the module: "111" is a string
  T.argerror(1, "strerror('111')", llsocket.strerror, "111")
  T.argerror(1, "errname('111')", llsocket.errname, "111")
  T.argerror(1, "strerror(1.5)", llsocket.strerror, 1.5)
  T.argerror(1, "errname()", llsocket.errname)
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
