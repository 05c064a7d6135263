#!/usr/bin/env llsockrun
-- Echo over a unix stream socket, both ends.  The server echoes every byte
-- back until the client closes its side, serving clients one at a time, and
-- removes its socket file when it exits.  The client sends one line and
-- writes the reply to stdout exactly as received.
--
-- usage: unix-echo.lua server [path [max-connections]]
--        unix-echo.lua client [path [word ...]]
--   path             socket file (default $TMPDIR/llsocket-echo.sock, TMPDIR
--                    defaulting to /tmp); "@name" is the Linux abstract name
--                    "name", which has no file at all
--   max-connections  the server exits after this many clients (default: never)
--   word             the client sends the words joined by spaces, plus "\n"
--                    (default "hello, unix echo")
local llsocket = require "llsocket"
local opt = llsocket.opt

local REPLY_TIMEOUT = 10 -- seconds

local function report_failure(what, err)
    io.stderr:write(("unix-echo: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
end

local function usage()
    io.stderr:write("usage: unix-echo.lua server [path [max-connections]]\n",
        "       unix-echo.lua client [path [word ...]]\n")
    os.exit(1)
end

-- The kernel spells an abstract name with a leading NUL byte.
local function socket_path(name)
    if name:sub(1, 1) == "@" then
        return "\0" .. name:sub(2), true
    end
    return name, false
end

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

-- A socket file left behind by a server that died answers ECONNREFUSED:
-- only then is it safe to remove it and take its place.
local function bind_replacing_stale(path, is_abstract)
    local fd, err = llsocket.unix.bind(path, opt.SOCK_STREAM)
    if fd or is_abstract or err ~= llsocket.errno.EADDRINUSE then
        return fd, err
    end
    local probe, probe_err = llsocket.unix.connect(path, opt.SOCK_STREAM)
    if probe then
        llsocket.close(probe)
        return nil, err
    end
    if probe_err ~= llsocket.errno.ECONNREFUSED then
        return nil, err
    end
    print(("removing stale socket file %s"):format(path))
    os.remove(path)
    return llsocket.unix.bind(path, opt.SOCK_STREAM)
end

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

local function serve(listener, max_connections)
    local served = 0
    while not max_connections or served < max_connections do
        local conn, err = llsocket.accept(listener)
        if not conn then
            report_failure("accept", err)
            return false
        end
        served = served + 1
        print(("client %d connected"):format(served))
        local total, what, echo_err = echo(conn)
        if total then
            print(("client %d closed after %d bytes echoed"):format(served, total))
        else
            report_failure(("client %d: %s"):format(served, what), echo_err)
        end
        llsocket.close(conn)
    end
    print(("served %d connections, exiting"):format(served))
    return true
end

local function run_server(name, max_connections)
    local path, is_abstract = socket_path(name)
    local listener, err = bind_replacing_stale(path, is_abstract)
    if not listener then
        report_failure(("cannot bind %s"):format(name), err)
        return false
    end
    local function release()
        llsocket.close(listener)
        if not is_abstract then
            os.remove(path)
        end
    end
    err = llsocket.listen(listener)
    if err then
        report_failure("listen", err)
        release()
        return false
    end
    print(("listening on %s"):format(tostring(llsocket.sockname(listener) or name)))
    -- Even an error (say, Ctrl-C in llsockrun) must not leave the file behind.
    local completed, result = pcall(serve, listener, max_connections)
    release()
    if not completed then
        error(result, 0)
    end
    return result
end

local function run_client(name, line)
    local path = socket_path(name)
    local fd, err = llsocket.unix.connect(path, opt.SOCK_STREAM)
    if not fd then
        report_failure(("cannot connect to %s"):format(name), err)
        return false
    end
    local function fail(what, fail_err)
        report_failure(what, fail_err)
        llsocket.close(fd)
        return false
    end
    local sent, send_err = send_all(fd, line)
    if not sent then
        return fail("send", send_err)
    end
    -- Our EOF tells the server the line is complete; its EOF ends the reply.
    err = llsocket.shutdown(fd, opt.SHUT_WR)
    if err then
        return fail("shutdown", err)
    end
    local _, timeo_err = opt.rcvtimeo(fd, REPLY_TIMEOUT)
    if timeo_err then
        return fail("set receive timeout", timeo_err)
    end
    local chunks = {}
    while true do
        local data, recv_err, again = llsocket.recv(fd)
        if not data then
            if again then
                io.stderr:write(("unix-echo: no reply within %d seconds\n"):format(REPLY_TIMEOUT))
                llsocket.close(fd)
                return false
            end
            return fail("recv", recv_err)
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
        io.stderr:write(("unix-echo: the reply (%d bytes) differs from the %d bytes sent\n"):format(
            #reply, #line))
        return false
    end
    return true
end

io.stdout:setvbuf("line")

local mode = arg[1]
local name = arg[2] or ((os.getenv("TMPDIR") or "/tmp") .. "/llsocket-echo.sock")
local ok
if mode == "server" then
    local max_connections = nil
    if arg[3] then
        max_connections = math.tointeger(tonumber(arg[3]))
        if not max_connections or max_connections < 1 then
            io.stderr:write("unix-echo: max-connections must be a positive integer, got '",
                arg[3], "'\n")
            os.exit(1)
        end
    end
    ok = run_server(name, max_connections)
elseif mode == "client" then
    local line = (#arg >= 3 and table.concat(arg, " ", 3) or "hello, unix echo") .. "\n"
    ok = run_client(name, line)
else
    usage()
end
os.exit(ok and 0 or 1)
