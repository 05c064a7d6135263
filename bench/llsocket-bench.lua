-- The llsocket contestant of bench/run.sh, run by llsockrun and by lua5.4.
local harness = require "harness"
local llsocket = require "llsocket"

local opt = llsocket.opt
local MESSAGE, RECEIVE_SIZE = harness.MESSAGE, harness.RECEIVE_SIZE
local send, recv = llsocket.send, llsocket.recv
local sendto, recvfrom = llsocket.sendto, llsocket.recvfrom
local sendmsg, recvmsg = llsocket.sendmsg, llsocket.recvmsg
local sendmmsg, recvmmsg = llsocket.sendmmsg, llsocket.recvmmsg
local accept, close = llsocket.accept, llsocket.close
local BATCH, BATCH_TRIES = harness.BATCH, harness.BATCH_TRIES
local EAGAIN = llsocket.errno.EAGAIN

local function checked(value, err)
  if value == nil then harness.fail(llsocket.strerror(err)) end
  return value
end

local function port_of(fd)
  return checked(llsocket.sockname(fd)):port()
end

local ops = {}

-- A UDP socket connected to itself, non-blocking.
function ops.socket()
  local fd = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true))
  local err = llsocket.connect(fd, checked(llsocket.sockname(fd)))
  if err then harness.fail(llsocket.strerror(err)) end
  return fd
end

ops.close = close

function ops.getter(fd)
  local rcvbuf = opt.rcvbuf
  local function check() assert(rcvbuf(fd) > 0) end
  local function loop(n)
    for _ = 1, n do rcvbuf(fd) end
  end
  return check, loop
end

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
  local to = checked(llsocket.sockname(fd))
  local function check()
    assert(sendto(fd, MESSAGE, to) == #MESSAGE)
    local data, from = recvfrom(fd, RECEIVE_SIZE)
    assert(data == MESSAGE and from == to)
  end
  local function loop(n)
    for _ = 1, n do
      sendto(fd, MESSAGE, to)
      recvfrom(fd, RECEIVE_SIZE)
    end
  end
  return check, loop
end

-- The udp op, the sender's address received into one addr object.
function ops.udpreuse(fd)
  local to = checked(llsocket.sockname(fd))
  local from = llsocket.addr.inet("0.0.0.0", 0)
  local function check()
    assert(sendto(fd, MESSAGE, to) == #MESSAGE)
    local ok, data, got = pcall(recvfrom, fd, RECEIVE_SIZE, from)
    if not ok then os.exit(harness.PENDING) end -- no such argument yet
    assert(data == MESSAGE and rawequal(got, from) and from == to)
  end
  local function loop(n)
    for _ = 1, n do
      sendto(fd, MESSAGE, to)
      recvfrom(fd, RECEIVE_SIZE, from)
    end
  end
  return check, loop
end

function ops.msg(fd)
  local function check()
    assert(sendmsg(fd, MESSAGE) == #MESSAGE)
    local msg = recvmsg(fd)
    assert(msg.data == MESSAGE and msg.addr == checked(llsocket.sockname(fd)))
  end
  local function loop(n)
    for _ = 1, n do
      sendmsg(fd, MESSAGE)
      recvmsg(fd)
    end
  end
  return check, loop
end

-- The msg op, each message received into one table (and its addr).
function ops.msgreuse(fd)
  local msg = {}
  local function check()
    assert(sendmsg(fd, MESSAGE) == #MESSAGE)
    assert(rawequal(recvmsg(fd, nil, nil, msg), msg))
    assert(msg.data == MESSAGE and msg.addr == checked(llsocket.sockname(fd)))
  end
  local function loop(n)
    for _ = 1, n do
      sendmsg(fd, MESSAGE)
      recvmsg(fd, nil, nil, msg)
    end
  end
  return check, loop
end

-- n datagrams, BATCH to a sendmmsg and a recvmmsg, the last call taking
-- the rest.  The socket is non-blocking, so receiving a batch ends when
-- it has all come or after BATCH_TRIES calls.
function ops.batch(fd)
  local msgs = {}
  for i = 1, BATCH do msgs[i] = MESSAGE end
  local function transfer(batch)
    local count, got = #batch, 0
    sendmmsg(fd, batch)
    for _ = 1, BATCH_TRIES do
      local datas = recvmmsg(fd, count - got, RECEIVE_SIZE)
      if datas then got = got + #datas end
      if got == count then return end
    end
  end
  local function check()
    local self = checked(llsocket.sockname(fd))
    assert(sendmmsg(fd, msgs) == BATCH)
    local datas, addrs = {}, {}
    for _ = 1, BATCH_TRIES do
      local got, got_addrs = recvmmsg(fd, BATCH - #datas, RECEIVE_SIZE)
      if got then
        table.move(got, 1, #got, #datas + 1, datas)
        table.move(got_addrs, 1, #got_addrs, #addrs + 1, addrs)
      end
      if #datas == BATCH then break end
    end
    assert(#datas == BATCH and #addrs == BATCH)
    for i = 1, BATCH do
      assert(datas[i] == MESSAGE and addrs[i] == self)
    end
  end
  local function loop(n)
    for _ = 1, n // BATCH do transfer(msgs) end
    if n % BATCH > 0 then transfer(table.move(msgs, 1, n % BATCH, 1, {})) end
  end
  return check, loop
end

function ops.eagain(fd)
  local function check()
    local data, err, again = recv(fd, RECEIVE_SIZE)
    assert(data == nil and err == EAGAIN and again == true)
  end
  local function loop(n)
    for _ = 1, n do recv(fd, RECEIVE_SIZE) end
  end
  return check, loop
end

-- The wall-clock ops (see harness.WALL): the contestant's side.

local function listener()
  local fd = checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM))
  local err = llsocket.listen(fd, 128)
  if err then harness.fail(llsocket.strerror(err)) end
  return fd
end

local function udp_server()
  return checked(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
end

function ops.stream()
  local lfd, CHUNK = listener(), harness.CHUNK
  return port_of(lfd), function()
    local fd = checked(accept(lfd))
    repeat
      local data = checked(recv(fd, CHUNK))
    until data == ""
    close(fd)
    close(lfd)
  end
end

function ops.churn(iterations)
  local lfd = listener()
  return port_of(lfd), function()
    for _ = 1, iterations do close(checked(accept(lfd))) end
    close(lfd)
  end
end

-- pingpong and burst: every datagram echoed to its sender, one a call.
function ops.pingpong(iterations)
  local fd, size = udp_server(), harness.DATAGRAM_SIZE
  return port_of(fd), function()
    for _ = 1, iterations do
      local data, from = recvfrom(fd, size)
      sendto(fd, checked(data, from), from)
    end
    close(fd)
  end
end

ops.burst = ops.pingpong

-- As burst, up to BATCH a call: each recvmmsg waits for the first
-- datagram and takes what else has come, as a server would.
function ops.burstmm(iterations)
  local fd, size = udp_server(), harness.DATAGRAM_SIZE
  local WAITFORONE = opt.MSG_WAITFORONE
  return port_of(fd), function()
    local msgs, done = {}, 0
    while done < iterations do
      local datas, addrs = recvmmsg(fd, BATCH, size, WAITFORONE)
      checked(datas, addrs)
      for i = 1, #datas do msgs[i] = { datas[i], addrs[i] } end
      for i = #datas + 1, #msgs do msgs[i] = nil end
      checked(sendmmsg(fd, msgs))
      done = done + #datas
    end
    close(fd)
  end
end

harness.main(ops)
