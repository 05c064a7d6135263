-- The llsocket contestant of bench/run.sh, run by llsockrun and by lua5.4.
local harness = require "harness"
local llsocket = require "llsocket"

local opt = llsocket.opt
local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE
local send, recv = llsocket.send, llsocket.recv
local sendto, recvfrom = llsocket.sendto, llsocket.recvfrom
local sendmmsg, recvmmsg = llsocket.sendmmsg, llsocket.recvmmsg
local BATCH, BATCH_TRIES = harness.BATCH, harness.BATCH_TRIES
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

-- The udp op, batched: the messages, {data, addr} like sendto's
-- arguments, are built once; n datagrams go BATCH to a call, the last
-- call takes the rest.  rx is non-blocking, so receiving a batch ends
-- when it has all come or after BATCH_TRIES calls.
function ops.batch()
  local rx = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  local tx = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  local to = checked(llsocket.sockname(rx))
  local msgs = {}
  for i = 1, BATCH do msgs[i] = { MESSAGE, to } end
  local function transfer(batch)
    local count, got = #batch, 0
    sendmmsg(tx, batch)
    for _ = 1, BATCH_TRIES do
      local datas = recvmmsg(rx, count - got, RECEIVE_SIZE)
      if datas then got = got + #datas end
      if got == count then return end
    end
  end
  local function check()
    local from = checked(llsocket.sockname(tx))
    assert(sendmmsg(tx, msgs) == BATCH)
    local datas, addrs = {}, {}
    for _ = 1, BATCH_TRIES do
      local got, got_addrs = recvmmsg(rx, BATCH - #datas, RECEIVE_SIZE)
      if got then
        table.move(got, 1, #got, #datas + 1, datas)
        table.move(got_addrs, 1, #got_addrs, #addrs + 1, addrs)
      end
      if #datas == BATCH then break end
    end
    assert(#datas == BATCH and #addrs == BATCH)
    for i = 1, BATCH do
      assert(datas[i] == MESSAGE and addrs[i] == from)
    end
  end
  local function loop(n)
    for _ = 1, n // BATCH do transfer(msgs) end
    if n % BATCH > 0 then transfer(table.move(msgs, 1, n % BATCH, 1, {})) end
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
