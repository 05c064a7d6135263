#!/usr/bin/env llsockrun
-- A static file server: answers HTTP/1.0 and HTTP/1.1 GET and HEAD requests
-- with the files under a directory, one client at a time, and closes each
-- connection after its response (saying "Connection: close", so HTTP/1.1
-- clients do not wait for more).  The body goes out with sendfile, straight
-- from the file to the socket.  One line is logged per request: the peer,
-- the method, the target, the status and the body bytes sent, as in
--   127.0.0.1:40312 GET /index.html 200 1234
--
-- usage: http-server.lua [dir [host [port [max-requests]]]]
--   dir           the directory to serve (default: the current one)
--   host          address to listen on (default 127.0.0.1)
--   port          port to listen on (default 8080; 0 picks a free one)
--   max-requests  exit after answering this many connections (default: never)
--
-- Try it:  llsockrun examples/http-server.lua examples
--          curl http://127.0.0.1:8080/http-server.lua
local llsocket = require "llsocket"
local opt = llsocket.opt
local errno = llsocket.errno

local root = arg[1] or "."
local host = arg[2] or "127.0.0.1"
local port = arg[3] or 8080
local max_requests = nil

local MAX_HEAD = 8192 -- bytes of request line and headers, blank line included
local CLIENT_TIMEOUT = 10 -- seconds a client may stay silent or stop reading
-- Bounds on reading what a client still sends after its response.
local DRAIN_TIMEOUT = 1 -- seconds per read
local DRAIN_READS = 16
local DRAIN_READ_SIZE = 4096

local CONTENT_TYPES = {
    html = "text/html",
    htm = "text/html",
    txt = "text/plain",
    json = "application/json",
    css = "text/css",
    js = "text/javascript",
    png = "image/png",
}
local DEFAULT_CONTENT_TYPE = "application/octet-stream"

local REASONS = {
    [200] = "OK",
    [400] = "Bad Request",
    [403] = "Forbidden",
    [404] = "Not Found",
    [405] = "Method Not Allowed",
    [408] = "Request Timeout",
    [431] = "Request Header Fields Too Large",
    [500] = "Internal Server Error",
    [505] = "HTTP Version Not Supported",
}

-- method SP request-target SP HTTP-version, as RFC 9112 spells them.
local REQUEST_LINE = "^([%w!#$%%&'*+%-.^_`|~]+) ([^%s%c]+) HTTP/(%d)%.%d$"

-- Line buffering, so a supervising process sees each line as it happens.
io.stdout:setvbuf("line")

local function describe(what, err)
    return ("%s: %s (%s)"):format(what, llsocket.strerror(err), llsocket.errname(err))
end

local function report_failure(what, err)
    io.stderr:write("http-server: ", describe(what, err), "\n")
end

if arg[4] then
    max_requests = math.tointeger(tonumber(arg[4]))
    if not max_requests or max_requests < 1 then
        io.stderr:write("http-server: max-requests must be a positive integer, got '",
            arg[4], "'\n")
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

-- Reads up to the blank line that ends the request head and returns the
-- head without it.  Otherwise returns nil, then the status to answer with
-- (nil when nobody is left to answer), then the recv error if one happened.
-- No more than MAX_HEAD + 1 bytes are ever buffered.
local function read_head(conn)
    local received = ""
    while true do
        local head_end, blank_end = received:find("\r?\n\r?\n")
        if head_end and blank_end <= MAX_HEAD then
            return received:sub(1, head_end - 1)
        end
        if #received > MAX_HEAD then
            return nil, 431
        end
        local data, err, again = llsocket.recv(conn, MAX_HEAD + 1 - #received)
        if not data then
            if again then
                return nil, 408
            end
            return nil, nil, err
        end
        if data == "" then
            return nil, received ~= "" and 400 or nil
        end
        received = received .. data
    end
end

-- Percent-decodes a path; nil when an escape is not % and two hex digits.
local function percent_decode(path)
    local malformed = false
    local decoded = path:gsub("%%(%x?%x?)", function(hex)
        if #hex ~= 2 then
            malformed = true
            return ""
        end
        return string.char(tonumber(hex, 16))
    end)
    if malformed then
        return nil
    end
    return decoded
end

-- The name, relative to root, of the file a request target asks for;
-- otherwise nil and the status refusing it.
local function file_for(target)
    local path = percent_decode(target:match("^[^?#]*"))
    if not path or path:sub(1, 1) ~= "/" then
        return nil, 400
    end
    -- io.open takes a C string: a NUL would silently cut the name short.
    if path:find("\0", 1, true) then
        return nil, 403
    end
    local relative = path:sub(2)
    -- "//etc/passwd" is absolute once the leading slash is dropped.
    if relative:sub(1, 1) == "/" then
        return nil, 403
    end
    for segment in relative:gmatch("[^/]+") do
        if segment == ".." then
            return nil, 403
        end
    end
    if relative == "" or relative:sub(-1) == "/" then
        relative = relative .. "index.html"
    end
    return relative
end

local function content_type(relative)
    local extension = relative:match("%.([^./]+)$")
    return extension and CONTENT_TYPES[extension:lower()] or DEFAULT_CONTENT_TYPE
end

-- Opens a file under root; returns file, size or nil, status, failure.
local function open_file(relative)
    local name = root .. "/" .. relative
    local file, open_message, open_errno = io.open(name, "rb")
    if not file then
        if open_errno == errno.EACCES then
            return nil, 403
        end
        if open_errno == errno.ENOENT or open_errno == errno.ENOTDIR
            or open_errno == errno.ENAMETOOLONG then
            return nil, 404
        end
        return nil, 500, "open " .. open_message
    end
    -- A directory opens like a file and only says what it is when read.
    local probe, read_message, read_errno = file:read(0)
    if probe == nil and read_errno then
        file:close()
        if read_errno == errno.EISDIR then
            return nil, 404
        end
        return nil, 500, "read " .. name .. ": " .. read_message
    end
    local size, seek_message = file:seek("end")
    if not size or not file:seek("set", 0) then
        file:close()
        return nil, 500, "seek " .. name .. ": " .. tostring(seek_message)
    end
    return file, size
end

local function response_head(status, headers)
    local lines = { ("HTTP/1.0 %d %s"):format(status, REASONS[status]) }
    for _, header in ipairs(headers) do
        lines[#lines + 1] = header
    end
    lines[#lines + 1] = "Connection: close"
    lines[#lines + 1] = ""
    lines[#lines + 1] = ""
    return table.concat(lines, "\r\n")
end

-- Answers with status and a one-line text body (none for HEAD), filling in
-- request.status, request.bytes and, on failure, request.failure.
local function answer_status(request, conn, status, extra_header)
    local body = ("%d %s\n"):format(status, REASONS[status])
    local headers = { "Content-Type: text/plain", "Content-Length: " .. #body, extra_header }
    if request.method == "HEAD" then
        body = ""
    end
    request.status = status
    local ok, err = send_all(conn, response_head(status, headers) .. body)
    if ok then
        request.bytes = #body
    else
        request.failure = describe("send", err)
    end
    return request
end

-- Answers 200 with the file's size and type, then its bytes unless the
-- method is HEAD.
local function answer_file(request, conn, file, size, media_type)
    request.status = 200
    local head = response_head(200, { "Content-Type: " .. media_type, "Content-Length: " .. size })
    local ok, err = send_all(conn, head)
    if not ok then
        request.failure = describe("send", err)
        return request
    end
    if request.method == "HEAD" then
        return request
    end
    while request.bytes < size do
        -- Each call may send only part; the file position moves past it.
        local n, send_err, again = llsocket.sendfile(conn, file, size - request.bytes)
        if not n then
            request.failure = again
                and ("the client read nothing for %d seconds"):format(CLIENT_TIMEOUT)
                or describe("sendfile", send_err)
            return request
        end
        if n == 0 then
            request.failure = ("the file shrank to %d bytes while being sent"):format(request.bytes)
            return request
        end
        request.bytes = request.bytes + n
    end
    return request
end

-- Reads one request from conn and answers it.  Returns what the log needs:
-- { method, target, status, bytes, failure }; status is nil when nothing
-- was answered.
local function answer(conn)
    local request = { bytes = 0 }
    -- A client that stays silent, or stops reading, must not hold the server.
    local _, err = opt.rcvtimeo(conn, CLIENT_TIMEOUT)
    if not err then
        _, err = opt.sndtimeo(conn, CLIENT_TIMEOUT)
    end
    if err then
        request.failure = describe("set timeouts", err)
        return request
    end

    local head, refusal, recv_err = read_head(conn)
    if not head then
        if recv_err then
            request.failure = describe("recv", recv_err)
        end
        if refusal then
            answer_status(request, conn, refusal)
        end
        return request
    end

    local method, target, major = head:match("^[^\r\n]*"):match(REQUEST_LINE)
    if not method then
        return answer_status(request, conn, 400)
    end
    request.method, request.target = method, target
    if major ~= "1" then
        return answer_status(request, conn, 505)
    end
    if method ~= "GET" and method ~= "HEAD" then
        return answer_status(request, conn, 405, "Allow: GET, HEAD")
    end

    local relative, path_refusal = file_for(target)
    if not relative then
        return answer_status(request, conn, path_refusal)
    end
    local file, size_or_status, open_failure = open_file(relative)
    if not file then
        request.failure = open_failure
        return answer_status(request, conn, size_or_status)
    end
    answer_file(request, conn, file, size_or_status, content_type(relative))
    file:close()
    return request
end

-- Closing a socket with unread input (a POST body, an oversized head) makes
-- the kernel send a reset, which can destroy the response before the client
-- has read it.  So stop sending, take what the client still sends for a
-- bounded while, and only then close.
local function close_gracefully(conn)
    if not llsocket.shutdown(conn, opt.SHUT_WR) and opt.rcvtimeo(conn, DRAIN_TIMEOUT) then
        for _ = 1, DRAIN_READS do
            local data = llsocket.recv(conn, DRAIN_READ_SIZE)
            if not data or data == "" then
                break
            end
        end
    end
    llsocket.close(conn)
end

local function serve_one(listener)
    local conn, err = llsocket.accept(listener)
    if not conn then
        return nil, err
    end
    local peer = llsocket.peername(conn)
    local name = peer and tostring(peer) or "(unknown peer)"
    local request = answer(conn)
    if request.status then
        print(("%s %s %s %d %d"):format(name, request.method or "-", request.target or "-",
            request.status, request.bytes))
    else
        print(("%s closed the connection without a request"):format(name))
    end
    if request.failure then
        -- One misbehaving client must not stop the server.
        io.stderr:write("http-server: ", name, ": ", request.failure, "\n")
    end
    close_gracefully(conn)
    return true
end

-- Check the directory now rather than answer every request with 404.
local dir, dir_message = io.open(root, "rb")
if not dir then
    io.stderr:write("http-server: cannot serve ", dir_message, "\n")
    os.exit(1)
end
local _, _, dir_errno = dir:read(0)
dir:close()
if dir_errno ~= errno.EISDIR then
    io.stderr:write(("http-server: cannot serve %s: not a directory\n"):format(root))
    os.exit(1)
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
print(("serving %s on http://%s/"):format(root, tostring(bound)))

local served = 0
while not max_requests or served < max_requests do
    local ok, accept_err = serve_one(listener)
    if not ok then
        report_failure("accept", accept_err)
        llsocket.close(listener)
        os.exit(1)
    end
    served = served + 1
end

print(("served %d requests, exiting"):format(served))
llsocket.close(listener)
