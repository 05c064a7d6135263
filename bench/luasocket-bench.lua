-- The luasocket contestant of bench/run.sh (Debian lua-socket, run by lua5.4).
-- Methods are looked up once, as llsocket's functions are, so the loops
-- measure the calls rather than the method lookup.
local harness = require "harness"
local socket = require "socket"

local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE

local function checked(value, err)
  if value == nil then harness.fail(err) end
  return value
end

local ops = {}

-- A UDP socket bound to 127.0.0.1, non-blocking; the ops that send
-- without an address connect it to itself.  (luasocket's connected UDP
-- objects have no sendto.)
function ops.socket()
  local udp = checked(socket.udp())
  checked(udp:setsockname("127.0.0.1", 0))
  udp:settimeout(0)
  return udp
end

function ops.close(udp) udp:close() end

local function connect_to_itself(udp)
  checked(udp:setpeername(udp:getsockname()))
end

-- luasocket has no SO_RCVBUF getter of its own name: getoption's is
-- "recv-buffer-size".
function ops.getter(udp)
  local getoption = udp.getoption
  local function check() assert(getoption(udp, "recv-buffer-size") > 0) end
  local function loop(n)
    for _ = 1, n do getoption(udp, "recv-buffer-size") end
  end
  return check, loop
end

function ops.sendrecv(udp, size)
  connect_to_itself(udp)
  local send, receive = udp.send, udp.receive
  local function check()
    assert(send(udp, MESSAGE) == #MESSAGE)
    assert(receive(udp, size) == MESSAGE)
  end
  local function loop(n)
    for _ = 1, n do
      send(udp, MESSAGE)
      receive(udp, size)
    end
  end
  return check, loop
end

-- luasocket has no address object: sendto takes a host and a port.  The
-- port is the string getsockname gives, as a program holding a
-- configured address would pass it; a number would be turned into a new
-- string on every call.
function ops.udp(udp)
  local host, port = udp:getsockname()
  local sendto, receivefrom = udp.sendto, udp.receivefrom
  local function check()
    assert(math.type(port) == nil and sendto(udp, MESSAGE, host, port)
      == #MESSAGE)
    local data, from_host, from_port = receivefrom(udp, RECEIVE_SIZE)
    assert(data == MESSAGE and from_host == host
      and from_port == math.tointeger(tonumber(port)))
  end
  local function loop(n)
    for _ = 1, n do
      sendto(udp, MESSAGE, host, port)
      receivefrom(udp, RECEIVE_SIZE)
    end
  end
  return check, loop
end

-- No address object to reuse, no sendmsg/recvmsg, no sendmmsg/recvmmsg.
ops.udpreuse = harness.UNSUPPORTED
ops.msgreuse = harness.UNSUPPORTED
ops.msg = harness.UNSUPPORTED
ops.batch = harness.UNSUPPORTED
ops.burstmm = harness.UNSUPPORTED

function ops.eagain(udp)
  local receive = udp.receive
  local function check()
    local data, err = receive(udp, RECEIVE_SIZE)
    assert(data == nil and err == "timeout")
  end
  local function loop(n)
    for _ = 1, n do receive(udp, RECEIVE_SIZE) end
  end
  return check, loop
end

-- The wall-clock ops (see harness.WALL): the contestant's side.

local function listener()
  local tcp = checked(socket.tcp())
  checked(tcp:bind("127.0.0.1", 0))
  checked(tcp:listen(128))
  local _, port = tcp:getsockname()
  return tcp, port
end

-- receive(n) returns n bytes, or at the end nil, "closed" and the rest.
function ops.stream()
  local server, port = listener()
  return port, function()
    local conn = checked(server:accept())
    local receive, CHUNK = conn.receive, harness.CHUNK
    while true do
      local data, err = receive(conn, CHUNK)
      if not data then
        if err ~= "closed" then harness.fail(err) end
        break
      end
    end
    conn:close()
    server:close()
  end
end

function ops.churn(iterations)
  local server, port = listener()
  return port, function()
    local accept = server.accept
    for _ = 1, iterations do checked(accept(server)):close() end
    server:close()
  end
end

-- Every datagram echoed to its sender with the host and port
-- receivefrom gave (a number: sendto makes a string of it every call).
function ops.pingpong(iterations)
  local udp = checked(socket.udp())
  checked(udp:setsockname("127.0.0.1", 0))
  local _, port = udp:getsockname()
  local size = harness.DATAGRAM_SIZE
  return port, function()
    local sendto, receivefrom = udp.sendto, udp.receivefrom
    for _ = 1, iterations do
      local data, host, from_port = receivefrom(udp, size)
      sendto(udp, checked(data, host), host, from_port)
    end
    udp:close()
  end
end

ops.burst = ops.pingpong

harness.main(ops)
