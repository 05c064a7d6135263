#!/usr/bin/env llsockrun
-- An HTTP/1.0 GET client: prints the status line, then the body exactly as
-- received.  Exits 1 when the request fails or the status is not 2xx.
--
-- usage: http-get.lua [host [port [path]]]
--   host   server address (default 127.0.0.1)
--   port   server port (default 8000, where "python3 -m http.server" listens)
--   path   the resource to get (default /)
local llsocket = require "llsocket"
local opt = llsocket.opt

local host = arg[1] or "127.0.0.1"
local port = arg[2] or 8000
local path = arg[3] or "/"
local RESPONSE_TIMEOUT = 10 -- seconds without data before giving up

local function fail(fd, what, err)
    io.stderr:write(("http-get: %s: %s (%s)\n"):format(
        what, llsocket.strerror(err), llsocket.errname(err)))
    if fd then
        llsocket.close(fd)
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

local request = table.concat({
    "GET " .. path .. " HTTP/1.0",
    "Host: " .. host_header,
    "User-Agent: llsocket-http-get/" .. llsocket.version,
    "Accept: */*",
    "", "",
}, "\r\n")

local fd, err = llsocket.inet.connect(host, port, opt.SOCK_STREAM)
if not fd then
    fail(nil, ("cannot connect to %s port %s"):format(host, port), err)
end

local _, timeo_err = opt.rcvtimeo(fd, RESPONSE_TIMEOUT)
if timeo_err then
    fail(fd, "set receive timeout", timeo_err)
end

local sent = 0
while sent < #request do
    local n, send_err = llsocket.send(fd, request:sub(sent + 1))
    if not n then
        fail(fd, "send", send_err)
    end
    sent = sent + n
end

-- An HTTP/1.0 server marks the end of the response by closing the
-- connection, and the data arrives in as many pieces as the network likes.
local chunks = {}
while true do
    local data, recv_err, again = llsocket.recv(fd, 65536)
    if not data then
        if again then
            io.stderr:write(("http-get: no data for %d seconds, giving up\n"):format(
                RESPONSE_TIMEOUT))
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

local response = table.concat(chunks)
local head_end, body_start = response:find("\r\n\r\n", 1, true)
if not head_end then
    fail_protocol(("no complete response header in %d bytes"):format(#response))
end
local head = response:sub(1, head_end - 1)
local body = response:sub(body_start + 1)

local status_line = head:match("^[^\r\n]*")
local status = tonumber(status_line:match("^HTTP/%d+%.%d+ (%d%d%d)"))
if not status then
    fail_protocol(("not an HTTP status line: %q"):format(status_line))
end

local content_length = tonumber(head:lower():match("\r\ncontent%-length:%s*(%d+)"))
if content_length and content_length ~= #body then
    fail_protocol(("body has %d bytes, Content-Length says %d"):format(#body, content_length))
end

io.write(status_line, "\n", body)
if status < 200 or status > 299 then
    io.stderr:write(("http-get: the server answered %d\n"):format(status))
    os.exit(1)
end
