#!/usr/bin/env llsockrun
-- The echo server of poll-echo-server.lua written as one coroutine per
-- client: each client's code reads as if it had the process to itself
-- (receive, send it all back, repeat), and a small scheduler runs whichever
-- coroutine's socket the poller says is ready.
--
-- usage: co-echo-server.lua [host [port [max-clients]]]
--   host         address to listen on (default 127.0.0.1)
--   port         port to listen on (default 7777; 0 picks a free one)
--   max-clients  accept this many clients, then exit once the last of them
--                has gone (default: serve for ever)
local llsocket = require "llsocket"
local opt = llsocket.opt
local POLLIN, POLLOUT = opt.POLLIN, opt.POLLOUT

local host, port = arg[1] or "127.0.0.1", arg[2] or 7777
local max_clients = arg[3] and math.tointeger(tonumber(arg[3]))
if arg[3] and (not max_clients or max_clients < 1) then
    io.stderr:write("co-echo-server: max-clients must be a positive integer\n")
    os.exit(1)
end
io.stdout:setvbuf("line")

local function fail(err)
    io.stderr:write(("co-echo-server: %s (%s)\n"):format(llsocket.strerror(err), llsocket.errname(err)))
    os.exit(1)
end

local function check(value, err) return value or fail(err) end

-- ---- the scheduler: a task is a coroutine that owns one socket -----------

local poller = check(llsocket.poller())
local tasks = {}      -- tasks[fd]: the coroutine that owns fd
local watching = {}   -- watching[fd]: the events fd is in the poller for
local alive = 0

-- Blocks the calling task until fd is ready for events.
local function await(fd, events)
    coroutine.yield(fd, events)
end

-- Runs task until it waits again or ends; an ended task's socket is closed
-- here, so no fd outlives its task, even one that raised an error.
local function step(fd, task)
    local ok, wait_fd, events = coroutine.resume(task)
    if not ok then
        io.stderr:write("co-echo-server: task failed: ", tostring(wait_fd), "\n")
    end
    if coroutine.status(task) == "dead" then
        tasks[fd], watching[fd], alive = nil, nil, alive - 1
        llsocket.close(fd) -- which also takes fd out of the poller
    elseif watching[wait_fd] ~= events then
        local err = (watching[wait_fd] and poller.modify or poller.add)(poller, wait_fd, events)
        if err then
            fail(err)
        end
        watching[wait_fd] = events
    end
end

local function spawn(fd, body)
    local task = coroutine.create(function() body(fd) end)
    tasks[fd], alive = task, alive + 1
    step(fd, task)
end

-- ---- straight-line socket calls that wait instead of failing with again ---

-- fn(fd, ...) until it does not fail with again, waiting for events between.
local function waiting(events, fn, fd, ...)
    while true do
        local result, err, again = fn(fd, ...)
        if not again then
            return result, err
        end
        await(fd, events)
    end
end

local function recv(fd)
    return waiting(POLLIN, llsocket.recv, fd, 65536)
end

local function send_all(fd, data)
    while #data > 0 do
        local n, err = waiting(POLLOUT, llsocket.send, fd, data)
        if not n then
            return nil, err
        end
        data = data:sub(n + 1)
    end
    return true
end

-- ---- the server ------------------------------------------------------------

local connected, served, peak, echoed, reported = 0, 0, 0, 0, 0
local paused_at = nil -- clients connected when accept ran out of fds
local quiet = { ECONNRESET = true, EPIPE = true, ECONNABORTED = true }

local function echo(fd)
    connected, served = connected + 1, served + 1
    peak = math.max(peak, connected)
    local data, err = recv(fd)
    while data and data ~= "" do
        if not send_all(fd, data) then
            break -- the client has gone: nobody to tell
        end
        echoed = echoed + #data
        data, err = recv(fd)
    end
    if err and not quiet[llsocket.errname(err)] then
        io.stderr:write("co-echo-server: recv: ", llsocket.strerror(err), "\n")
    end
    connected = connected - 1
end

local function listen(listener)
    while not max_clients or served < max_clients do
        local fd, err = waiting(POLLIN, llsocket.acceptInherits, listener)
        local name = err and llsocket.errname(err)
        if fd then
            spawn(fd, echo)
        elseif (name == "EMFILE" or name == "ENFILE") and connected > 0 then
            -- Out of fds: sleep until a client leaves (the main loop wakes us).
            paused_at = connected
            await(listener, 0)
        elseif not quiet[name] then
            fail(err)
        end
    end
end

local listener = check(llsocket.inet.bind(host, port, opt.SOCK_STREAM, true, true))
local listen_err = llsocket.listen(listener)
if listen_err then
    fail(listen_err)
end
print(("listening on %s"):format(tostring(check(llsocket.sockname(listener)))))
spawn(listener, listen)

while alive > 0 do
    local n, fds = poller:wait()
    if not n and llsocket.errname(fds) ~= "EINTR" then
        fail(fds)
    end
    for i = 1, n or 0 do
        local task = tasks[fds[i]]
        if task then
            step(fds[i], task)
        end
    end
    if paused_at and connected < paused_at then
        paused_at = nil
        step(listener, tasks[listener])
    end
    if connected == 0 and served > reported then -- printed once all are closed
        reported = served
        print(("idle: served %d clients, at most %d at once, %d bytes echoed"):format(served, peak, echoed))
    end
end
print(("served %d clients, at most %d at once, %d bytes echoed, exiting"):format(served, peak, echoed))
poller:close()
