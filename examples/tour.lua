#!/usr/bin/env llsockrun
-- A guided tour of llsocket that needs no network and no other program:
-- TCP, UDP and unix sockets talk to each other over loopback, then socket
-- options, errors and non-blocking calls are shown.  Every step checks its
-- result and prints one line; any surprise stops the tour with an error.
--
-- usage: tour.lua, or llsockrun -i tour.lua to explore afterwards
local llsocket = require "llsocket"
local opt = llsocket.opt
local errno = llsocket.errno

local LOOPBACK = "127.0.0.1"

-- Every fd the tour opens, so the last step can prove none was left open.
local opened = {}

local function say(topic, fmt, ...)
    print(("[%s] " .. fmt):format(topic, ...))
end

local function describe(err)
    return ("%s (%s)"):format(llsocket.strerror(err), llsocket.errname(err))
end

-- For calls that return a value or nil, err.
local function must(what, value, err)
    if value == nil then
        error(("%s failed: %s"):format(what, describe(err)), 2)
    end
    return value
end

-- For calls that return nothing on success and err on failure.
local function must_succeed(what, err)
    if err then
        error(("%s failed: %s"):format(what, describe(err)), 2)
    end
end

local function check(condition, fmt, ...)
    if not condition then
        error(fmt:format(...), 2)
    end
end

local function open(what, fd, err)
    must(what, fd, err)
    opened[fd] = true
    return fd
end

local function close(fd)
    must_succeed("close", llsocket.close(fd))
end

local function send_all(fd, data)
    local sent = 0
    while sent < #data do
        sent = sent + must("send", llsocket.send(fd, data:sub(sent + 1)))
    end
end

-- A stream may deliver a message in pieces; collect exactly `size` bytes.
local function recv_exactly(fd, size)
    local chunks, received = {}, 0
    while received < size do
        local data = must("recv", llsocket.recv(fd, size - received))
        check(data ~= "", "the peer closed after %d of %d bytes", received, size)
        chunks[#chunks + 1] = data
        received = received + #data
    end
    return table.concat(chunks)
end

local function is_linux()
    local file = io.open("/proc/sys/kernel/ostype")
    if not file then
        return false
    end
    local name = file:read("l")
    file:close()
    return name == "Linux"
end

local function tour_tcp()
    local listener = open("TCP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_STREAM, false, true))
    must_succeed("listen", llsocket.listen(listener))
    local listen_addr = must("sockname", llsocket.sockname(listener))
    check(listen_addr:port() > 0, "the kernel gave port %d", listen_addr:port())
    say("tcp", "listener bound to %s (port 0 let the kernel pick a free port)", tostring(listen_addr))

    local client = open("TCP connect",
        llsocket.inet.connect(LOOPBACK, listen_addr:port(), opt.SOCK_STREAM))
    local server = open("accept", llsocket.accept(listener))
    local client_addr = must("sockname", llsocket.sockname(client))
    check(must("peername", llsocket.peername(server)) == client_addr,
        "the accepted peer is not the client")
    check(must("peername", llsocket.peername(client)) == listen_addr,
        "the client is not connected to the listener")
    say("tcp", "client %s connected and was accepted", tostring(client_addr))

    local greeting = "hello over TCP"
    send_all(client, greeting)
    local received = recv_exactly(server, #greeting)
    check(received == greeting, "the server received %q", received)
    send_all(server, received)
    local echoed = recv_exactly(client, #greeting)
    check(echoed == greeting, "the client got back %q", echoed)
    say("tcp", "client sent %q and the server echoed it back", greeting)

    must_succeed("shutdown", llsocket.shutdown(client, opt.SHUT_WR))
    local eof = must("recv", llsocket.recv(server))
    check(eof == "", "expected end of stream, got %q", eof)
    say("tcp", "client shut down its sending side: the server's recv returned \"\" (end of stream)")

    close(server)
    close(client)
    close(listener)
end

local function tour_udp()
    local alice = open("UDP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_DGRAM))
    local bob = open("UDP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_DGRAM))
    local alice_addr = must("sockname", llsocket.sockname(alice))
    local bob_addr = must("sockname", llsocket.sockname(bob))
    say("udp", "two sockets bound to %s and %s", tostring(alice_addr), tostring(bob_addr))

    local sent = must("sendto", llsocket.sendto(alice, "ping", bob_addr))
    check(sent == 4, "sendto sent %d bytes", sent)
    local message, from = llsocket.recvfrom(bob)
    check(message == "ping", "bob received %q", message)
    check(from == alice_addr, "bob's datagram came from %s", tostring(from))
    say("udp", "%s -> %s: %q, recvfrom names the sender", tostring(alice_addr), tostring(bob_addr), message)

    must("sendto", llsocket.sendto(bob, "pong", from))
    local reply, reply_from = llsocket.recvfrom(alice)
    check(reply == "pong", "alice received %q", reply)
    check(reply_from == bob_addr, "alice's reply came from %s", tostring(reply_from))
    say("udp", "%s -> %s: %q, a reply to the address recvfrom gave", tostring(bob_addr),
        tostring(alice_addr), reply)

    close(alice)
    close(bob)
end

local function tour_unix_path()
    -- os.tmpname() makes a fresh file; its unique name becomes the socket.
    local path = os.tmpname()
    os.remove(path)
    local listener = open("unix bind", llsocket.unix.bind(path, opt.SOCK_STREAM))
    local ok, failure = pcall(function()
        must_succeed("listen", llsocket.listen(listener))
        local listen_addr = must("sockname", llsocket.sockname(listener))
        check(listen_addr:path() == path, "the listener is bound to %q", listen_addr:path())
        say("unix", "stream listener bound to the file %s", tostring(listen_addr))

        local client = open("unix connect", llsocket.unix.connect(path, opt.SOCK_STREAM))
        local server = open("accept", llsocket.accept(listener))
        local peer = must("peername", llsocket.peername(server))
        check(peer:path() == "", "the client has the name %q", peer:path())
        say("unix", "client connected; it never bound, so the server sees it as %s", tostring(peer))

        local message = "hello over a unix socket"
        send_all(client, message)
        local received = recv_exactly(server, #message)
        check(received == message, "the server received %q", received)
        send_all(server, received)
        check(recv_exactly(client, #message) == message, "the echo differs")
        say("unix", "client sent %q and the server echoed it back", message)
        close(server)
        close(client)
    end)
    close(listener)
    -- Closing a unix socket leaves its file; removing it is the owner's job.
    os.remove(path)
    if not ok then
        error(failure, 0)
    end
    check(io.open(path) == nil, "%s still exists", path)
    say("unix", "sockets closed and %s removed", path)
end

local function tour_unix_abstract()
    if not is_linux() then
        say("unix", "abstract names exist only on Linux: skipped")
        return
    end
    -- A leading NUL byte names a socket outside the filesystem.
    local name = ("\0llsocket-tour-%d-%08x"):format(os.time(), math.random(0, 0x7fffffff))
    local receiver = open("abstract bind", llsocket.unix.bind(name, opt.SOCK_DGRAM))
    local sender = open("abstract connect", llsocket.unix.connect(name, opt.SOCK_DGRAM))
    local bound = must("sockname", llsocket.sockname(receiver))
    check(bound:path() == name, "bound to %q", bound:path())
    must("send", llsocket.send(sender, "no file needed"))
    local message = must("recv", llsocket.recv(receiver))
    check(message == "no file needed", "received %q", message)
    say("unix", "datagram %q delivered through the abstract name %s", message, tostring(bound))
    close(sender)
    close(receiver)
end

local function tour_options()
    local listener = open("TCP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_STREAM, false, true))
    must_succeed("listen", llsocket.listen(listener))
    local port = must("sockname", llsocket.sockname(listener)):port()
    local client = open("TCP connect", llsocket.inet.connect(LOOPBACK, port, opt.SOCK_STREAM))
    local server = open("accept", llsocket.accept(listener))

    check(must("reuseaddr", opt.reuseaddr(listener)) == true, "reuseaddr is off on the listener")
    say("options", "reuseaddr(listener) = true, as asked for in inet.bind")

    local before = must("nodelay", opt.nodelay(client))
    local after = must("nodelay", opt.nodelay(client, true))
    check(before == false and after == true, "nodelay went from %s to %s", before, after)
    say("options", "nodelay(client) was %s; nodelay(client, true) reads back %s", before, after)

    local wanted = 65536
    local rcvbuf = must("rcvbuf", opt.rcvbuf(client, wanted))
    check(rcvbuf >= wanted, "rcvbuf reads back %d", rcvbuf)
    say("options", "rcvbuf(client, %d) reads back %d%s", wanted, rcvbuf,
        rcvbuf == 2 * wanted and " (Linux doubles it for its own bookkeeping)" or "")

    -- The kernel keeps timeouts in clock ticks, so it may round up a little.
    local timeout = must("rcvtimeo", opt.rcvtimeo(client, 0.2))
    check(timeout >= 0.2 and timeout < 0.25, "rcvtimeo reads back %g", timeout)
    local data, err, again = llsocket.recv(client)
    check(data == nil and err == errno.EAGAIN and again == true,
        "recv with nothing to read returned %s, %s, %s", data, err, again)
    say("options", "rcvtimeo(client, 0.2) reads back %g; recv with no data then gave up: %s, again = %s",
        timeout, llsocket.errname(err), again)

    close(server)
    close(client)
    close(listener)
end

local function tour_errors()
    -- A bound port that is not listening refuses connections, and holding
    -- it guarantees no other program starts listening there meanwhile.
    local silent = open("TCP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_STREAM))
    local port = must("sockname", llsocket.sockname(silent)):port()
    local fd, err = llsocket.inet.connect(LOOPBACK, port, opt.SOCK_STREAM)
    if fd then
        opened[fd] = true
        close(fd)
    end
    check(fd == nil and err == errno.ECONNREFUSED, "connect returned %s, %s", fd, err)
    say("errors", "connect to %s:%d (bound, not listening) -> nil, %d: %s = %s",
        LOOPBACK, port, err, llsocket.errname(err), llsocket.strerror(err))
    close(silent)

    -- addr.inet parses numeric hosts only, so this fails without any DNS query.
    local addr, addr_err = llsocket.addr.inet("not-an-address", 80)
    check(addr == nil and addr_err == errno.EAI_NONAME, "addr.inet returned %s, %s", addr, addr_err)
    say("errors", "addr.inet(\"not-an-address\", 80) -> nil, %d: %s = %s",
        addr_err, llsocket.errname(addr_err), llsocket.strerror(addr_err))

    local raised, message = pcall(llsocket.recv, "not a socket")
    check(not raised and type(message) == "string", "misuse did not raise an error")
    say("errors", "misuse raises a Lua error instead: %s", message)
end

local function tour_nonblocking()
    local listener = open("TCP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_STREAM, true, true))
    must_succeed("listen", llsocket.listen(listener))
    check(must("nonblock", opt.nonblock(listener)) == true, "the listener is blocking")
    local conn, err, again = llsocket.accept(listener)
    check(conn == nil and err == errno.EAGAIN and again == true,
        "accept with nobody waiting returned %s, %s, %s", conn, err, again)
    say("nonblocking", "accept with nobody waiting -> nil, %s, again = %s", llsocket.errname(err), again)
    close(listener)

    local quiet = open("UDP bind", llsocket.inet.bind(LOOPBACK, 0, opt.SOCK_DGRAM, true))
    local data
    data, err, again = llsocket.recv(quiet)
    check(data == nil and err == errno.EAGAIN and again == true,
        "recv with nothing to read returned %s, %s, %s", data, err, again)
    say("nonblocking", "recv with nothing to read -> nil, %s (%s), again = %s",
        llsocket.errname(err), llsocket.strerror(err), again)
    close(quiet)
end

local function tour_cleanup_check()
    local count = 0
    for fd in pairs(opened) do
        local socktype, err = llsocket.type(fd)
        check(socktype == nil and err == errno.EBADF, "fd %d is still open", fd)
        count = count + 1
    end
    say("cleanup", "every fd the tour used (%d distinct numbers) is closed again", count)
end

print(("llsocket %s tour"):format(llsocket.version))
tour_tcp()
tour_udp()
tour_unix_path()
tour_unix_abstract()
tour_options()
tour_errors()
tour_nonblocking()
tour_cleanup_check()
print("tour complete")

-- Under "llsockrun -i tour.lua" the REPL starts here, with llsocket as a
-- global and each step at hand to run again, say tour.udp().
tour = {
    tcp = tour_tcp, udp = tour_udp, unix_path = tour_unix_path,
    unix_abstract = tour_unix_abstract, options = tour_options,
    errors = tour_errors, nonblocking = tour_nonblocking,
}
