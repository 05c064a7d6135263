#!/usr/bin/env llsockrun
-- UDP echo, both ends.  The server sends every datagram back to whoever
-- sent it; the client sends one datagram and writes the reply to stdout
-- exactly as received.
--
-- usage: udp-echo.lua server [host [port [max-datagrams]]]
--        udp-echo.lua client [host [port [word ...]]]
--   host           address to bind or send to (default 127.0.0.1)
--   port           default 7777; a server given 0 picks a free port
--   max-datagrams  the server exits after echoing this many (default: never)
--   word           the client sends the words joined by spaces, plus "\n"
--                  (default "hello, udp echo")
local llsocket = require "llsocket"
local opt = llsocket.opt

local MAX_DATAGRAM = 65535
local REPLY_TIMEOUT = 5 -- seconds

local function report_failure(what, err)
    io.stderr:write(("udp-echo: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
end

local function usage()
    io.stderr:write("usage: udp-echo.lua server [host [port [max-datagrams]]]\n",
        "       udp-echo.lua client [host [port [word ...]]]\n")
    os.exit(1)
end

local function run_server(host, port, max_datagrams)
    local fd, err = llsocket.inet.bind(host, port, opt.SOCK_DGRAM)
    if not fd then
        report_failure(("cannot bind %s port %s"):format(host, port), err)
        return false
    end
    local bound
    bound, err = llsocket.sockname(fd)
    if not bound then
        report_failure("sockname", err)
        llsocket.close(fd)
        return false
    end
    print(("listening on udp %s"):format(tostring(bound)))

    local echoed = 0
    while not max_datagrams or echoed < max_datagrams do
        local data, from, recv_err = llsocket.recvfrom(fd, MAX_DATAGRAM)
        if not data then
            report_failure("recvfrom", recv_err)
            llsocket.close(fd)
            return false
        end
        -- A failed reply is the sender's problem (it may be gone already).
        local _, send_err = llsocket.sendto(fd, data, from)
        if send_err then
            report_failure(("reply to %s"):format(tostring(from)), send_err)
        else
            print(("echoed %d bytes to %s"):format(#data, tostring(from)))
        end
        echoed = echoed + 1
    end
    print(("echoed %d datagrams, exiting"):format(echoed))
    llsocket.close(fd)
    return true
end

local function run_client(host, port, message)
    -- A connected UDP socket only accepts replies from the server's address.
    local fd, err = llsocket.inet.connect(host, port, opt.SOCK_DGRAM)
    if not fd then
        report_failure(("cannot connect to %s port %s"):format(host, port), err)
        return false
    end
    local _, timeo_err = opt.rcvtimeo(fd, REPLY_TIMEOUT)
    if timeo_err then
        report_failure("set receive timeout", timeo_err)
        llsocket.close(fd)
        return false
    end
    local _, send_err = llsocket.send(fd, message)
    if send_err then
        report_failure("send", send_err)
        llsocket.close(fd)
        return false
    end
    local reply, recv_err, again = llsocket.recv(fd, MAX_DATAGRAM)
    llsocket.close(fd)
    if not reply then
        if again then
            io.stderr:write(("udp-echo: no reply from %s port %s within %d seconds\n"):format(
                host, port, REPLY_TIMEOUT))
        else
            -- ECONNREFUSED here means an ICMP "port unreachable" came back.
            report_failure(("no reply from %s port %s"):format(host, port), recv_err)
        end
        return false
    end
    io.write(reply)
    if reply ~= message then
        io.stderr:write(("udp-echo: the reply (%d bytes) differs from the %d bytes sent\n"):format(
            #reply, #message))
        return false
    end
    return true
end

io.stdout:setvbuf("line")

local mode, host, port = arg[1], arg[2] or "127.0.0.1", arg[3] or 7777
local ok
if mode == "server" then
    local max_datagrams = nil
    if arg[4] then
        max_datagrams = math.tointeger(tonumber(arg[4]))
        if not max_datagrams or max_datagrams < 1 then
            io.stderr:write("udp-echo: max-datagrams must be a positive integer, got '",
                arg[4], "'\n")
            os.exit(1)
        end
    end
    ok = run_server(host, port, max_datagrams)
elseif mode == "client" then
    local message = (#arg >= 4 and table.concat(arg, " ", 4) or "hello, udp echo") .. "\n"
    ok = run_client(host, port, message)
else
    usage()
end
os.exit(ok and 0 or 1)
