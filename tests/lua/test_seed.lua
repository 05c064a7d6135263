-- A script written only from the seed API (llsocket-README.md), the way a
-- new user would: it must run unchanged.  Only addr:info() comes from
-- outside the README (the original module's addr method, named in the
-- issue), because the README gives no other way to learn a bound port.
local llsocket = require("llsocket")

local SOCK_STREAM = llsocket.opt.SOCK_STREAM
local SOCK_DGRAM = llsocket.opt.SOCK_DGRAM

-- constants
for _, name in ipairs({ "SOCK_DGRAM", "SOCK_STREAM", "SOCK_SEQPACKET",
                        "SOCK_RAW", "SHUT_RD", "SHUT_WR", "SHUT_RDWR",
                        "MSG_PEEK", "MSG_OOB", "MSG_DONTWAIT" }) do
  assert(type(llsocket.opt[name]) == "number", name)
end

-- TCP server and client
local server, err = llsocket.inet.bind("127.0.0.1", "0", SOCK_STREAM, false, true)
assert(server, err)
assert(llsocket.listen(server) == nil)
local addr = assert(llsocket.sockname(server))
assert(type(addr) == "userdata")
local port = assert(addr:info()).service

local client = assert(llsocket.inet.connect("127.0.0.1", port, SOCK_STREAM))
local conn = assert(llsocket.accept(server))
assert(type(conn) == "number")

assert(llsocket.send(client, "hello") == 5)
assert(llsocket.recv(conn) == "hello")
assert(llsocket.send(conn, "world", llsocket.opt.MSG_DONTWAIT) == 5)
assert(llsocket.recv(client, 5, llsocket.opt.MSG_PEEK) == "world")
assert(llsocket.recv(client, 5) == "world")

local peer = assert(llsocket.peername(client))
assert(type(peer) == "userdata")
assert(llsocket.type(client) == SOCK_STREAM)
assert(llsocket.error(client) == 0)
assert(llsocket.atmark(conn) == false)

-- options
assert(llsocket.opt.nodelay(client, true) == true)
assert(llsocket.opt.nodelay(client) == true)
assert(llsocket.opt.keepalive(client, true) == true)
assert(llsocket.opt.reuseaddr(server) == true)
assert(llsocket.opt.cloexec(conn) == true)
assert(llsocket.opt.nonblock(conn) == false)
assert(type(llsocket.opt.rcvbuf(conn)) == "number")
assert(type(llsocket.opt.sndbuf(conn)) == "number")
assert(llsocket.opt.rcvtimeo(conn, 1.5) == 1.5)
assert(llsocket.opt.sndtimeo(conn, 0) == 0)

-- non-blocking receive with nothing to read
assert(llsocket.opt.nonblock(conn, true) == true)
local str, rerr, again = llsocket.recv(conn)
assert(str == nil and type(rerr) == "number" and again == true)

-- shutdown and end of stream
assert(llsocket.shutdown(client, llsocket.opt.SHUT_WR) == nil)
assert(llsocket.opt.nonblock(conn, false) == false)
assert(llsocket.recv(conn) == "")

assert(llsocket.close(client) == nil)
assert(llsocket.close(conn, llsocket.opt.SHUT_RDWR) == nil)
assert(llsocket.close(server) == nil)

-- a refused connect is returned, not raised
local none, cerr = llsocket.inet.connect("127.0.0.1", port, SOCK_STREAM)
assert(none == nil and type(cerr) == "number")

-- UDP with sendto/recvfrom
local a = assert(llsocket.inet.bind("127.0.0.1", "0", SOCK_DGRAM))
local b = assert(llsocket.inet.bind("127.0.0.1", "0", SOCK_DGRAM, true))
local aaddr = assert(llsocket.sockname(a))
assert(llsocket.sendto(b, "ping", aaddr) == 4)
local msg, from = llsocket.recvfrom(a)
assert(msg == "ping" and type(from) == "userdata")
assert(llsocket.sendto(a, "pong", from) == 4)
assert(llsocket.recvfrom(b) == "pong")
local nomsg, noaddr, uerr, uagain = llsocket.recvfrom(b)
assert(nomsg == nil and noaddr == nil and type(uerr) == "number" and uagain)
assert(llsocket.close(a) == nil)
assert(llsocket.close(b) == nil)

-- unix domain sockets
local path = os.tmpname()
os.remove(path)
local usrv = assert(llsocket.unix.bind(path, SOCK_STREAM))
assert(llsocket.listen(usrv, 16) == nil)
local ucli = assert(llsocket.unix.connect(path, SOCK_STREAM, true))
local uconn = assert(llsocket.acceptInherits(usrv))
assert(llsocket.opt.nonblock(ucli) == true)
assert(llsocket.send(ucli, "over unix") == 9)
assert(llsocket.recv(uconn, 4096) == "over unix")
assert(llsocket.close(ucli) == nil)
assert(llsocket.close(uconn) == nil)
assert(llsocket.close(usrv) == nil)
os.remove(path)

print("seed script ok")
