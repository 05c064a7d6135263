-- The llsocket contestant of bench/run.sh, run by llsockrun and by lua5.4.
local harness = require "harness"
local llsocket = require "llsocket"

local opt = llsocket.opt
local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE
local send, recv = llsocket.send, llsocket.recv
local sendto, recvfrom = llsocket.sendto, llsocket.recvfrom
local nodelay = opt.nodelay
local EAGAIN = llsocket.errno.EAGAIN

local function checked(value, err)
  if value == nil then harness.fail(llsocket.strerror(err)) end
  return value
end

local function closer(...)
  local fds = { ... }
  return function()
    for _, fd in ipairs(fds) do llsocket.close(fd) end
  end
end

-- rx is bound to sockpath and non-blocking; tx is connected to it.
local function unix_pair(sockpath)
  local rx = checked(llsocket.unix.bind(sockpath, opt.SOCK_DGRAM, true))
  local tx = checked(llsocket.unix.connect(sockpath, opt.SOCK_DGRAM))
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
  local rx = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  local tx = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local to = checked(llsocket.sockname(rx))
  local function check()
    assert(sendto(tx, MESSAGE, to) == #MESSAGE)
    local data, from = recvfrom(rx, RECEIVE_SIZE)
    assert(data == MESSAGE and from == checked(llsocket.sockname(tx)))
  end
  local function loop(n)
    for _ = 1, n do
      sendto(tx, MESSAGE, to)
      recvfrom(rx, RECEIVE_SIZE)
    end
  end
  return check, loop, closer(rx, tx)
end

function ops.getter()
  local fd = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local function check()
    assert(nodelay(fd) == false)
  end
  local function loop(n)
    for _ = 1, n do nodelay(fd) end
  end
  return check, loop, closer(fd)
end

function ops.eagain(sockpath)
  local rx, tx = unix_pair(sockpath)
  local function check()
    local data, err, again = recv(rx, RECEIVE_SIZE)
    assert(data == nil and err == EAGAIN and again == true)
  end
  local function loop(n)
    for _ = 1, n do recv(rx, RECEIVE_SIZE) end
  end
  return check, loop, closer(rx, tx)
end

harness.main(ops)
