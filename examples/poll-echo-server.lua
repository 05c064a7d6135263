#!/usr/bin/env llsockrun
-- A TCP echo server for many clients at once: one process, one poller, no
-- threads.  Every socket is non-blocking; the poller says which of them
-- can make progress, and the loop does just that much for each.
--
-- usage: poll-echo-server.lua [host [port [max-clients]]]
--   host         address to listen on (default 127.0.0.1)
--   port         port to listen on (default 7777; 0 picks a free one)
--   max-clients  accept this many clients, then exit once the last of them
--                has gone (default: serve for ever)
--
-- Each time the last client leaves, it prints how many it has served and
-- how many it held at once.
--
-- Try it:  llsockrun examples/poll-echo-server.lua
--          llsockrun examples/many-clients.lua 127.0.0.1 7777 500
local llsocket = require "llsocket"
local opt = llsocket.opt
local POLLIN, POLLOUT = opt.POLLIN, opt.POLLOUT

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 7777
local max_clients = nil
local RECV_SIZE = 65536

io.stdout:setvbuf("line")

local function report_failure(what, err)
    io.stderr:write(("poll-echo-server: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
end

local function fatal(what, err)
    report_failure(what, err)
    os.exit(1)
end

if arg[3] then
    max_clients = math.tointeger(tonumber(arg[3]))
    if not max_clients or max_clients < 1 then
        io.stderr:write("poll-echo-server: max-clients must be a positive integer, got '",
            arg[3], "'\n")
        os.exit(1)
    end
end

local listener, err = llsocket.inet.bind(host, port, opt.SOCK_STREAM, true, true)
if not listener then
    fatal(("cannot listen on %s port %s"):format(host, port), err)
end
err = llsocket.listen(listener)
if err then
    fatal("listen", err)
end
local bound
bound, err = llsocket.sockname(listener)
if not bound then
    fatal("sockname", err)
end

local poller
poller, err = llsocket.poller()
if not poller then
    fatal("poller", err)
end
err = poller:add(listener, POLLIN)
if err then
    fatal("add the listener to the poller", err)
end
print(("listening on %s"):format(tostring(bound)))

-- clients[fd] is the echo a client has yet to get back: `pending`, of which
-- the first `sent` bytes are out.  While some is pending the client waits
-- for POLLOUT only, so a client that sends without reading is not read
-- either, and no buffer grows beyond one receive.
local clients = {}
local connected, served, peak, echoed = 0, 0, 0, 0
local accepting = true  -- false once max-clients are in, or out of fds

local function drop(fd)
    clients[fd] = nil
    connected = connected - 1
    -- Closing removes fd from the poller.
    llsocket.close(fd)
    if connected == 0 then
        print(("idle: served %d clients, at most %d at once, %d bytes echoed"):format(
            served, peak, echoed))
    end
    if not accepting and (not max_clients or served < max_clients) then
        -- a client is gone, so there is a descriptor for the next one
        accepting = true
        err = poller:add(listener, POLLIN)
        if err then
            fatal("add the listener to the poller", err)
        end
    end
end

local function stop_accepting()
    accepting = false
    err = poller:remove(listener)
    if err then
        fatal("remove the listener from the poller", err)
    end
end

-- Takes every pending connection: the poller says "readable" once for many.
local function accept_all()
    while accepting do
        local fd, accept_err, again = llsocket.acceptInherits(listener)
        if not fd then
            if again then
                return
            end
            local name = llsocket.errname(accept_err)
            if (name == "EMFILE" or name == "ENFILE") and connected > 0 then
                -- Level-triggered, the listener would wake us at once
                -- again: stop listening until a client leaves.
                report_failure("accept, pausing until a client leaves", accept_err)
                stop_accepting()
            elseif name ~= "ECONNABORTED" and name ~= "EINTR" then
                fatal("accept", accept_err)
            end
            return
        end
        err = poller:add(fd, POLLIN)
        if err then
            report_failure("add a client to the poller", err)
            llsocket.close(fd)
        else
            clients[fd] = { pending = nil, sent = 0 }
            connected, served = connected + 1, served + 1
            if connected > peak then
                peak = connected
            end
            if max_clients and served == max_clients then
                stop_accepting()
                llsocket.close(listener)
                listener = nil
            end
        end
    end
end

-- Sends what the client has pending; true when all of it is out.
local function flush(fd, client)
    local data = client.pending
    local n, send_err, again = llsocket.send(fd, client.sent == 0 and data
        or data:sub(client.sent + 1))
    if not n then
        if again then
            return false
        end
        return nil, send_err
    end
    client.sent = client.sent + n
    echoed = echoed + n
    if client.sent < #data then
        return false
    end
    client.pending, client.sent = nil, 0
    return true
end

-- One step for a client the poller reported; POLLERR and POLLHUP need no
-- test of their own, since the recv or send that follows reports them.
local function serve(fd, client)
    local done, io_err
    if client.pending then
        done, io_err = flush(fd, client)
        if done then
            io_err = poller:modify(fd, POLLIN)
        end
    else
        local data, recv_err, again = llsocket.recv(fd, RECV_SIZE)
        if not data then
            if again then
                return
            end
            io_err = recv_err
        elseif data == "" then
            return drop(fd) -- the client is done and has all its echo
        else
            client.pending = data
            done, io_err = flush(fd, client)
            if done == false then
                io_err = poller:modify(fd, POLLOUT)
            end
        end
    end
    if io_err then
        -- ECONNRESET, EPIPE: the client left without waiting for its echo.
        local name = llsocket.errname(io_err)
        if name ~= "ECONNRESET" and name ~= "EPIPE" then
            report_failure(("client on fd %d"):format(fd), io_err)
        end
        drop(fd)
    end
end

while listener or connected > 0 do
    local n, fds = poller:wait()
    if not n then
        local wait_err = fds
        if llsocket.errname(wait_err) ~= "EINTR" then
            fatal("wait", wait_err)
        end
        n = 0
    end
    -- A client is closed only while its own event is handled, and each fd
    -- comes at most once in a batch, so no later event of the batch can be
    -- for an fd number that accept_all has reused meanwhile.
    for i = 1, n do
        local fd = fds[i]
        if fd == listener then
            accept_all()
        else
            local client = clients[fd]
            if client then
                serve(fd, client)
            end
        end
    end
end

print(("served %d clients, at most %d at once, %d bytes echoed, exiting"):format(
    served, peak, echoed))
poller:close()
