#!/usr/bin/env llsockrun
-- A load client for echo servers: opens many TCP connections at once, sends
-- a different message on each, checks that each echo comes back byte for
-- byte, and reports how many connections were echoed, refused, timed out
-- or failed.  All connections stay open until every one is settled, so the
-- server holds them all at the same time.  One poller drives them all.
--
-- usage: many-clients.lua [host [port [count [size [timeout]]]]]
--   host     server address (default 127.0.0.1)
--   port     server port (default 7777)
--   count    connections to open (default 100)
--   size     bytes sent on each connection (default 64, at least 8)
--   timeout  seconds a connection may take to connect, and then again to
--            make progress with its echo (default 10)
--
-- Exits 0 when every connection got its exact echo back, 1 otherwise.
--
-- Try it:  llsockrun examples/poll-echo-server.lua &
--          llsockrun examples/many-clients.lua 127.0.0.1 7777 1000
local llsocket = require "llsocket"
local opt = llsocket.opt
local POLLIN, POLLOUT = opt.POLLIN, opt.POLLOUT

io.stdout:setvbuf("line")

local function usage_error(message)
    io.stderr:write("many-clients: ", message, "\n")
    os.exit(1)
end

local function integer_arg(i, default, min)
    if not arg[i] then
        return default
    end
    local value = math.tointeger(tonumber(arg[i]))
    if not value or value < min then
        usage_error(("argument %d must be an integer >= %d, got '%s'"):format(i, min, arg[i]))
    end
    return value
end

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 7777
local count = integer_arg(3, 100, 1)
local size = integer_arg(4, 64, 8)
local timeout = tonumber(arg[5] or 10)
if not timeout or timeout <= 0 then
    usage_error(("timeout must be a number of seconds > 0, got '%s'"):format(arg[5]))
end

-- Every message is its connection's number and then the same random bytes
-- (NUL included), so an echo that went to the wrong client is caught too.
local filler
do
    local bytes = {}
    for i = 1, size - 8 do
        bytes[i] = string.char(math.random(0, 255))
    end
    filler = table.concat(bytes)
end
local function message_for(i)
    return ("%08d"):format(i % 100000000) .. filler
end

local poller, err = llsocket.poller()
if not poller then
    usage_error("poller: " .. llsocket.strerror(err))
end

-- conns[fd] = { index, state = "connecting" | "echoing", message, sent,
-- received, deadline }.  A settled connection leaves the table and the
-- poller but stays open until the end.
local conns, open_fds = {}, {}
local active = 0
local echoed, refused = 0, 0
local timed_out = { connecting = 0, echoing = 0 }
local failures, failed = {}, 0

-- outcome: "echoed", "refused", "timed out" or why the connection failed;
-- state: what a connection that timed out was waiting for.
local function record(outcome, state)
    if outcome == "echoed" then
        echoed = echoed + 1
    elseif outcome == "refused" then
        refused = refused + 1
    elseif outcome == "timed out" then
        timed_out[state] = timed_out[state] + 1
    else
        failed = failed + 1
        failures[outcome] = (failures[outcome] or 0) + 1
    end
end

local function outcome_of(error_number)
    local name = llsocket.errname(error_number)
    return name == "ECONNREFUSED" and "refused" or name
end

local function settle(fd, outcome)
    local conn = conns[fd]
    conns[fd] = nil
    active = active - 1
    poller:remove(fd)
    record(outcome, conn.state)
end

local function fail(fd, err_or_reason)
    if math.type(err_or_reason) == "integer" then
        return settle(fd, outcome_of(err_or_reason))
    end
    return settle(fd, err_or_reason)
end

local function want(fd, conn)
    local events = POLLIN
    if conn.sent < #conn.message then
        events = POLLIN | POLLOUT
    end
    if events ~= conn.events then
        conn.events = events
        local modify_err = poller:modify(fd, events)
        if modify_err then
            return fail(fd, modify_err)
        end
    end
end

local on_ready

local function on_connected(fd, conn, now)
    local so_error = llsocket.error(fd)
    if so_error ~= 0 then
        return fail(fd, so_error)
    end
    conn.state, conn.deadline = "echoing", now + timeout
    conn.message, conn.sent, conn.received = message_for(conn.index), 0, 0
    conn.events = POLLOUT
    -- A connected socket is writable: send at once rather than wait again.
    return on_ready(fd, conn, POLLOUT, now)
end

function on_ready(fd, conn, events, now)
    if conn.state == "connecting" then
        return on_connected(fd, conn, now)
    end
    local message = conn.message
    if conn.sent < #message and events & POLLOUT ~= 0 then
        local n, send_err, again = llsocket.send(fd, conn.sent == 0 and message
            or message:sub(conn.sent + 1))
        if n then
            conn.sent, conn.deadline = conn.sent + n, now + timeout
        elseif not again then
            return fail(fd, send_err)
        end
    end
    if events & POLLIN ~= 0 then
        local data, recv_err, again = llsocket.recv(fd, 65536)
        if data == "" then
            return fail(fd, "closed before the whole echo")
        elseif data then
            local from = conn.received
            if from + #data > #message or message:sub(from + 1, from + #data) ~= data then
                return fail(fd, "echo differs from the message")
            end
            conn.received, conn.deadline = from + #data, now + timeout
            if conn.received == #message then
                return settle(fd, "echoed")
            end
        elseif not again then
            return fail(fd, recv_err)
        end
    end
    return want(fd, conn)
end

local started = llsocket.clock()
for i = 1, count do
    local fd, connect_err = llsocket.inet.connect(host, port, opt.SOCK_STREAM, true)
    if not fd then
        -- a refusal on loopback can come at once, before any waiting
        record(outcome_of(connect_err))
    else
        open_fds[#open_fds + 1] = fd
        local add_err = poller:add(fd, POLLOUT)
        if add_err then
            record(outcome_of(add_err))
        else
            conns[fd] = { index = i, state = "connecting", deadline = llsocket.clock() + timeout }
            active = active + 1
        end
    end
end

-- Deadlines are checked every CHECK_EVERY seconds: a scan of every open
-- connection is cheaper that often than a timer per connection.
local CHECK_EVERY = 0.1
local next_check = llsocket.clock() + CHECK_EVERY
while active > 0 do
    local n, fds, events = poller:wait(CHECK_EVERY)
    if not n then
        if llsocket.errname(fds) ~= "EINTR" then
            usage_error("wait: " .. llsocket.strerror(fds))
        end
        n = 0
    end
    local now = llsocket.clock()
    for i = 1, n do
        local fd = fds[i]
        local conn = conns[fd]
        if conn then
            on_ready(fd, conn, events[i], now)
        end
    end
    if now >= next_check then
        next_check = now + CHECK_EVERY
        local late = {}
        for fd, conn in pairs(conns) do
            if now > conn.deadline then
                late[#late + 1] = fd
            end
        end
        for _, fd in ipairs(late) do
            settle(fd, "timed out")
        end
    end
end
local elapsed = llsocket.clock() - started

for _, fd in ipairs(open_fds) do
    llsocket.close(fd)
end
poller:close()

print(("%d connections to %s port %s, %d bytes each: %d echoed, %d refused, %d timed out, %d failed, in %.2f s"):format(
    count, host, port, size, echoed, refused,
    timed_out.connecting + timed_out.echoing, failed, elapsed))
if timed_out.connecting + timed_out.echoing > 0 then
    print(("  timed out: %d connecting, %d waiting for the echo"):format(
        timed_out.connecting, timed_out.echoing))
end
local reasons = {}
for reason in pairs(failures) do
    reasons[#reasons + 1] = reason
end
table.sort(reasons)
for _, reason in ipairs(reasons) do
    print(("  failed: %d %s"):format(failures[reason], reason))
end
os.exit(echoed == count and 0 or 1)
