-- The luasocket contestant of bench/run.sh (Debian lua-socket, run by lua5.4).
-- Methods are looked up once, as llsocket's functions are, so the loops
-- measure the calls rather than the method lookup.
local harness = require "harness"
local socket = require "socket"
local unix = require "socket.unix"

local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE

local function checked(value, err)
  if value == nil then harness.fail(err) end
  return value
end

local function closer(...)
  local sockets = { ... }
  return function()
    for _, s in ipairs(sockets) do s:close() end
  end
end

-- rx is bound to sockpath and non-blocking; tx is connected to it.
local function unix_pair(sockpath)
  local rx, tx = checked(unix.dgram()), checked(unix.dgram())
  checked(rx:bind(sockpath))
  rx:settimeout(0)
  checked(tx:connect(sockpath))
  return rx, tx
end

local ops = {}

function ops.sendrecv(sockpath)
  local rx, tx = unix_pair(sockpath)
  local send, receive = tx.send, rx.receive
  local function check()
    assert(send(tx, MESSAGE) == #MESSAGE)
    assert(receive(rx, RECEIVE_SIZE) == MESSAGE)
  end
  local function loop(n)
    for _ = 1, n do
      send(tx, MESSAGE)
      receive(rx, RECEIVE_SIZE)
    end
  end
  return check, loop, closer(rx, tx)
end

-- luasocket has no address object: sendto takes the host and port each time.
function ops.udp()
  local rx, tx = checked(socket.udp()), checked(socket.udp())
  checked(rx:setsockname("127.0.0.1", 0))
  rx:settimeout(0)
  checked(tx:setsockname("127.0.0.1", 0))
  local host, port = rx:getsockname()
  port = math.tointeger(tonumber(port)) -- getsockname gives a string
  local sendto, receivefrom = tx.sendto, rx.receivefrom
  local function check()
    assert(sendto(tx, MESSAGE, host, port) == #MESSAGE)
    local data, from_host, from_port = receivefrom(rx, RECEIVE_SIZE)
    local _, tx_port = tx:getsockname()
    assert(data == MESSAGE and from_host == host
      and from_port == math.tointeger(tonumber(tx_port)))
  end
  local function loop(n)
    for _ = 1, n do
      sendto(tx, MESSAGE, host, port)
      receivefrom(rx, RECEIVE_SIZE)
    end
  end
  return check, loop, closer(rx, tx)
end

-- luasocket has no sendmmsg/recvmmsg: its best for a UDP server is the udp op.
ops.batch = harness.UNSUPPORTED

function ops.getter()
  local tcp = checked(socket.tcp())
  checked(tcp:bind("127.0.0.1", 0))
  local getoption = tcp.getoption
  local function check()
    assert(getoption(tcp, "tcp-nodelay") == false)
  end
  local function loop(n)
    for _ = 1, n do getoption(tcp, "tcp-nodelay") end
  end
  return check, loop, closer(tcp)
end

function ops.eagain(sockpath)
  local rx, tx = unix_pair(sockpath)
  local receive = rx.receive
  local function check()
    local data, err = receive(rx, RECEIVE_SIZE)
    assert(data == nil and err == "timeout")
  end
  local function loop(n)
    for _ = 1, n do receive(rx, RECEIVE_SIZE) end
  end
  return check, loop, closer(rx, tx)
end

harness.main(ops)
