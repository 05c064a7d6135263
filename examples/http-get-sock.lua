#!/usr/bin/env llsockrun
-- http-get.lua on an owned socket, as a luasocket user would write it: the
-- response is read line by line with receive("l"), then the body with
-- receive(n) or receive("a"); one timeout bounds the connect and every
-- wait after it, and the object closes itself.
--
-- usage: http-get-sock.lua [host [port [path]]]
--   as http-get.lua; TIMEOUT in the environment is how many seconds each
--   step may wait for the server (default 10)
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 8000
local path = arg[3] or "/"
local timeout = tonumber(os.getenv("TIMEOUT")) or 10

local function fail(what, err)
    if err == llsocket.errno.ETIMEDOUT then
        io.stderr:write(("http-get: %s: no answer within %g seconds\n"):format(
            what, timeout))
    else
        io.stderr:write(("http-get: %s: %s (%s)\n"):format(
            what, llsocket.strerror(err), llsocket.errname(err)))
    end
    os.exit(1)
end

local function fail_protocol(message)
    io.stderr:write("http-get: ", message, "\n")
    os.exit(1)
end

-- An IPv6 literal needs brackets in the Host header.
local host_header = host:find(":", 1, true) and ("[" .. host .. "]") or host
if tostring(port) ~= "80" then
    host_header = host_header .. ":" .. port
end

local s, err = llsocket.sock.inet.connect(host, port, opt.SOCK_STREAM, nil, nil, timeout)
if not s then
    fail(("cannot connect to %s port %s"):format(host, port), err)
end
s:settimeout(timeout)

local _, send_err = s:sendall(table.concat({
    "GET " .. path .. " HTTP/1.0",
    "Host: " .. host_header,
    "User-Agent: llsocket-http-get/" .. llsocket.version,
    "Accept: */*",
    "", "",
}, "\r\n"))
if send_err then
    fail("send", send_err)
end

-- The status line, then header lines up to an empty one.
local status_line, recv_err = s:receive("l")
if not status_line then
    if recv_err then fail("recv", recv_err) end
    fail_protocol("the server closed the connection without a response")
end
local status = tonumber(status_line:match("^HTTP/%d+%.%d+ (%d%d%d)"))
if not status then
    fail_protocol(("not an HTTP status line: %q"):format(status_line))
end
local content_length
while true do
    local header
    header, recv_err = s:receive("l")
    if not header then
        if recv_err then fail("recv", recv_err) end
        fail_protocol("the response header ends early")
    end
    if header == "" then
        break
    end
    local name, value = header:match("^([^:]+):%s*(.-)%s*$")
    if name and name:lower() == "content-length" then
        content_length = tonumber(value)
    end
end

-- An HTTP/1.0 server closes the connection after the body.
local body
body, recv_err = s:receive("a")
if not body then
    fail("recv", recv_err)
end
if content_length and #body ~= content_length then
    fail_protocol(("body has %d bytes, Content-Length says %d"):format(#body, content_length))
end
s:close()

io.write(status_line, "\n", body)
if status < 200 or status > 299 then
    io.stderr:write(("http-get: the server answered %d\n"):format(status))
    os.exit(1)
end
