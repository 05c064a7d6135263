#!/usr/bin/env llsockrun
-- A TCP echo client: sends one line to an echo server and writes the reply
-- to stdout exactly as received.  Exits 1 if the reply differs from the line.
--
-- usage: echo-client.lua [host [port [word ...]]]
--   host   server address (default 127.0.0.1)
--   port   server port (default 7777)
--   word   the line to send is the words joined by spaces, plus "\n"
--          (default "hello, echo")
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 7777
local line = (#arg >= 3 and table.concat(arg, " ", 3) or "hello, echo") .. "\n"
local REPLY_TIMEOUT = 10 -- seconds

local function fail(fd, what, err)
    io.stderr:write(("echo-client: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
    if fd then
        llsocket.close(fd)
    end
    os.exit(1)
end

local fd, err = llsocket.inet.connect(host, port, opt.SOCK_STREAM)
if not fd then
    fail(nil, ("cannot connect to %s port %s"):format(host, port), err)
end

local sent = 0
while sent < #line do
    local n, send_err = llsocket.send(fd, line:sub(sent + 1))
    if not n then
        fail(fd, "send", send_err)
    end
    sent = sent + n
end

-- Closing our sending side tells the server the line is complete; it then
-- closes its side once everything has been echoed, so EOF ends the reply.
err = llsocket.shutdown(fd, opt.SHUT_WR)
if err then
    fail(fd, "shutdown", err)
end

-- A silent server should not hang us forever.
local _, timeo_err = opt.rcvtimeo(fd, REPLY_TIMEOUT)
if timeo_err then
    fail(fd, "set receive timeout", timeo_err)
end

local chunks = {}
while true do
    local data, recv_err, again = llsocket.recv(fd)
    if not data then
        if again then
            io.stderr:write(("echo-client: no reply within %d seconds\n"):format(REPLY_TIMEOUT))
            llsocket.close(fd)
            os.exit(1)
        end
        fail(fd, "recv", recv_err)
    end
    if data == "" then
        break
    end
    chunks[#chunks + 1] = data
end
llsocket.close(fd)

local reply = table.concat(chunks)
io.write(reply)
if reply ~= line then
    io.stderr:write(("echo-client: the reply (%d bytes) differs from the %d bytes sent\n"):format(
        #reply, #line))
    os.exit(1)
end
