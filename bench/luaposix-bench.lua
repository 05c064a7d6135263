-- The luaposix contestant of bench/run.sh.  Debian 12's lua-posix (33.4)
-- is built for Lua 5.1 to 5.3 only, so run.sh runs this with lua5.3.
local harness = require "harness"
local S = require "posix.sys.socket"
local fcntl = require "posix.fcntl"
local unistd = require "posix.unistd"
local errno = require "posix.errno"

local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE
local send, recv = S.send, S.recv
local sendto, recvfrom = S.sendto, S.recvfrom
local close = unistd.close

local function checked(value, err)
  if value == nil then harness.fail(err) end
  return value
end

local function set_nonblock(fd)
  local flags = checked(fcntl.fcntl(fd, fcntl.F_GETFL))
  checked(fcntl.fcntl(fd, fcntl.F_SETFL, flags | fcntl.O_NONBLOCK))
end

-- fd of the given type bound to 127.0.0.1 on a port the kernel picks,
-- and that address ({family, addr, port}).
local function bound(socktype)
  local fd = checked(S.socket(S.AF_INET, socktype, 0))
  checked(S.bind(fd, { family = S.AF_INET, addr = "127.0.0.1", port = 0 }))
  return fd, checked(S.getsockname(fd))
end

local ops = {}

-- A UDP socket connected to itself, non-blocking.
function ops.socket()
  local fd, self = bound(S.SOCK_DGRAM)
  set_nonblock(fd)
  checked(S.connect(fd, self))
  return fd
end

ops.close = close

function ops.sendrecv(fd, size)
  local function check()
    assert(send(fd, MESSAGE) == #MESSAGE)
    assert(recv(fd, size) == MESSAGE)
  end
  local function loop(n)
    for _ = 1, n do
      send(fd, MESSAGE)
      recv(fd, size)
    end
  end
  return check, loop
end

function ops.udp(fd)
  local to = checked(S.getsockname(fd))
  local function check()
    assert(sendto(fd, MESSAGE, to) == #MESSAGE)
    local data, from = recvfrom(fd, RECEIVE_SIZE)
    -- luaposix 33.4's getsockname can return garbage (its length argument
    -- is not initialised), so check the sender by its host alone.
    assert(data == MESSAGE and from.addr == "127.0.0.1")
  end
  local function loop(n)
    for _ = 1, n do
      sendto(fd, MESSAGE, to)
      recvfrom(fd, RECEIVE_SIZE)
    end
  end
  return check, loop
end

-- luaposix 33.4 has setsockopt but no getsockopt, no address object to
-- reuse (an address is a new table each time), no sendmsg/recvmsg and no
-- sendmmsg/recvmmsg.
local function unsupported(name)
  return S[name] and error("luaposix grew " .. name .. ": add its op")
    or harness.UNSUPPORTED
end
ops.getter = unsupported("getsockopt")
ops.udpreuse = harness.UNSUPPORTED
ops.msgreuse = harness.UNSUPPORTED
ops.msg = unsupported("recvmsg")
ops.batch = unsupported("recvmmsg")
ops.burstmm = ops.batch

function ops.eagain(fd)
  local function check()
    local data, _, err = recv(fd, RECEIVE_SIZE)
    assert(data == nil and err == errno.EAGAIN)
  end
  local function loop(n)
    for _ = 1, n do recv(fd, RECEIVE_SIZE) end
  end
  return check, loop
end

-- The wall-clock ops (see harness.WALL): the contestant's side.

local function listener()
  local fd, self = bound(S.SOCK_STREAM)
  checked(S.listen(fd, 128))
  return fd, self.port
end

function ops.stream()
  local lfd, port = listener()
  return port, function()
    local fd, CHUNK = checked(S.accept(lfd)), harness.CHUNK
    repeat
      local data = checked(recv(fd, CHUNK))
    until data == ""
    close(fd)
    close(lfd)
  end
end

function ops.churn(iterations)
  local lfd, port = listener()
  return port, function()
    local accept = S.accept
    for _ = 1, iterations do close(checked(accept(lfd))) end
    close(lfd)
  end
end

function ops.pingpong(iterations)
  local fd, self = bound(S.SOCK_DGRAM)
  local size = harness.DATAGRAM_SIZE
  return self.port, function()
    for _ = 1, iterations do
      local data, from = recvfrom(fd, size)
      sendto(fd, checked(data, from), from)
    end
    close(fd)
  end
end

ops.burst = ops.pingpong

harness.main(ops)
