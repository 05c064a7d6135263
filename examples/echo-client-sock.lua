#!/usr/bin/env llsockrun
-- echo-client.lua on an owned socket, as a luasocket user would write it:
-- the object closes itself, sendall finishes partial writes, and one
-- timeout bounds the connect and every wait after it.
--
-- usage: echo-client-sock.lua [host [port [word ...]]]
--   as echo-client.lua; TIMEOUT in the environment is how many seconds
--   each step may wait for the server (default 10)
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 7777
local line = (#arg >= 3 and table.concat(arg, " ", 3) or "hello, echo") .. "\n"
local timeout = tonumber(os.getenv("TIMEOUT")) or 10

local function fail(what, err)
    if err == llsocket.errno.ETIMEDOUT then
        io.stderr:write(("echo-client: %s: no answer within %g seconds\n"):format(
            what, timeout))
    else
        io.stderr:write(("echo-client: %s: %s (%s)\n"):format(
            what, llsocket.strerror(err), llsocket.errname(err)))
    end
    os.exit(1)
end

local s, err = llsocket.sock.inet.connect(host, port, opt.SOCK_STREAM, nil, nil, timeout)
if not s then
    fail(("cannot connect to %s port %s"):format(host, port), err)
end
s:settimeout(timeout)

local _, send_err = s:sendall(line)
if send_err then
    fail("send", send_err)
end
-- Closing our sending side tells the server the line is complete; it then
-- closes its side once everything has been echoed, so EOF ends the reply.
err = s:shutdown(opt.SHUT_WR)
if err then
    fail("shutdown", err)
end

local reply, recv_err = s:receive("a")
if not reply then
    fail("recv", recv_err)
end
s:close()

io.write(reply)
if reply ~= line then
    io.stderr:write(("echo-client: the reply (%d bytes) differs from the %d bytes sent\n"):format(
        #reply, #line))
    os.exit(1)
end
