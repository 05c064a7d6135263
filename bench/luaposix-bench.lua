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

local function checked(value, err)
  if value == nil then harness.fail(err) end
  return value
end

local function closer(...)
  local fds = { ... }
  return function()
    for _, fd in ipairs(fds) do unistd.close(fd) end
  end
end

local function set_nonblock(fd)
  local flags = checked(fcntl.fcntl(fd, fcntl.F_GETFL))
  checked(fcntl.fcntl(fd, fcntl.F_SETFL, flags | fcntl.O_NONBLOCK))
end

-- rx is bound to sockpath and non-blocking; tx is connected to it.
local function unix_pair(sockpath)
  local addr = { family = S.AF_UNIX, path = sockpath }
  local rx = checked(S.socket(S.AF_UNIX, S.SOCK_DGRAM, 0))
  local tx = checked(S.socket(S.AF_UNIX, S.SOCK_DGRAM, 0))
  checked(S.bind(rx, addr))
  set_nonblock(rx)
  checked(S.connect(tx, addr))
  return rx, tx
end

local ops = {}

function ops.sendrecv(sockpath)
  local rx, tx = unix_pair(sockpath)
  local function check()
    assert(send(tx, MESSAGE) == #MESSAGE)
    assert(recv(rx, RECEIVE_SIZE) == MESSAGE)
  end
  local function loop(n)
    for _ = 1, n do
      send(tx, MESSAGE)
      recv(rx, RECEIVE_SIZE)
    end
  end
  return check, loop, closer(rx, tx)
end

function ops.udp()
  local loopback = { family = S.AF_INET, addr = "127.0.0.1", port = 0 }
  local rx = checked(S.socket(S.AF_INET, S.SOCK_DGRAM, 0))
  local tx = checked(S.socket(S.AF_INET, S.SOCK_DGRAM, 0))
  checked(S.bind(rx, loopback))
  set_nonblock(rx)
  checked(S.bind(tx, loopback))
  local to = checked(S.getsockname(rx))
  local function check()
    assert(sendto(tx, MESSAGE, to) == #MESSAGE)
    local data, from = recvfrom(rx, RECEIVE_SIZE)
    -- luaposix 33.4's getsockname can return garbage (its length argument
    -- is not initialised), so check the sender by its host alone.
    assert(data == MESSAGE and from.addr == "127.0.0.1")
  end
  local function loop(n)
    for _ = 1, n do
      sendto(tx, MESSAGE, to)
      recvfrom(rx, RECEIVE_SIZE)
    end
  end
  return check, loop, closer(rx, tx)
end

-- luaposix 33.4 has no sendmmsg/recvmmsg: its best for a UDP server is
-- the udp op.
ops.batch = S.sendmmsg and error("luaposix grew sendmmsg: add the batch")
  or harness.UNSUPPORTED

-- luaposix 33.4 has setsockopt but no getsockopt.
ops.getter = S.getsockopt and error("luaposix grew getsockopt: add the getter")
  or harness.UNSUPPORTED

function ops.eagain(sockpath)
  local rx, tx = unix_pair(sockpath)
  local function check()
    local data, _, err = recv(rx, RECEIVE_SIZE)
    assert(data == nil and err == errno.EAGAIN)
  end
  local function loop(n)
    for _ = 1, n do recv(rx, RECEIVE_SIZE) end
  end
  return check, loop, closer(rx, tx)
end

harness.main(ops)
