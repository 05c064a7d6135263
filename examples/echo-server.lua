#!/usr/bin/env llsockrun
-- A TCP echo server: every byte a client sends comes straight back to it.
-- Clients are served one at a time until they close their side.
--
-- usage: echo-server.lua [host [port [max-connections]]]
--   host             address to listen on (default 127.0.0.1)
--   port             port to listen on (default 7777; 0 picks a free one)
--   max-connections  exit after serving this many clients (default: never)
--
-- Try it:  llsockrun examples/echo-server.lua
--          llsockrun examples/echo-client.lua 127.0.0.1 7777 hello
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 7777
local max_connections = nil

-- Line buffering, so a supervising process sees each line as it happens.
io.stdout:setvbuf("line")

local function report_failure(what, err)
    io.stderr:write(("echo-server: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
end

if arg[3] then
    max_connections = math.tointeger(tonumber(arg[3]))
    if not max_connections or max_connections < 1 then
        io.stderr:write("echo-server: max-connections must be a positive integer, got '",
            arg[3], "'\n")
        os.exit(1)
    end
end

-- send() may take only part of a large buffer; repeat until all is out.
local function send_all(fd, data)
    local sent = 0
    while sent < #data do
        local n, err = llsocket.send(fd, data:sub(sent + 1))
        if not n then
            return nil, err
        end
        sent = sent + n
    end
    return true
end

-- Echo until the client closes its side; returns the byte count or nil, what, err.
local function echo(conn)
    local total = 0
    while true do
        local data, err = llsocket.recv(conn)
        if not data then
            return nil, "recv", err
        end
        if data == "" then
            return total
        end
        local ok, send_err = send_all(conn, data)
        if not ok then
            return nil, "send", send_err
        end
        total = total + #data
    end
end

local function serve_one(listener)
    local conn, err = llsocket.accept(listener)
    if not conn then
        return nil, err
    end
    local peer = llsocket.peername(conn)
    local name = peer and tostring(peer) or "(unknown peer)"
    print(("%s connected"):format(name))
    local total, what, echo_err = echo(conn)
    if total then
        print(("%s closed after %d bytes echoed"):format(name, total))
    else
        -- One misbehaving client must not stop the server.
        report_failure(("%s: %s"):format(name, what), echo_err)
    end
    llsocket.close(conn)
    return true
end

local listener, err = llsocket.inet.bind(host, port, opt.SOCK_STREAM, false, true)
if not listener then
    report_failure(("cannot listen on %s port %s"):format(host, port), err)
    os.exit(1)
end

err = llsocket.listen(listener)
if err then
    report_failure("listen", err)
    llsocket.close(listener)
    os.exit(1)
end

-- Ask the kernel for the real address: with port 0 it picked the port.
local bound
bound, err = llsocket.sockname(listener)
if not bound then
    report_failure("sockname", err)
    llsocket.close(listener)
    os.exit(1)
end
print(("listening on %s"):format(tostring(bound)))

local served = 0
while not max_connections or served < max_connections do
    local ok, accept_err = serve_one(listener)
    if not ok then
        report_failure("accept", accept_err)
        llsocket.close(listener)
        os.exit(1)
    end
    served = served + 1
end

print(("served %d connections, exiting"):format(served))
llsocket.close(listener)
