-- What the Lua contestants of bench/run.sh share: their command line
-- (OP ITERATIONS ROUNDS), the sizes, and how a loop is run and timed.
local harness = {}

-- The instruction-count ops send one byte and receive up to 64 bytes,
-- unless the op names its receive size (sendrecv4097).
harness.MESSAGE = "x"
harness.RECEIVE_SIZE = 64
-- llsocket.recvmsg's default buffer and control space
harness.RECVMSG_SIZE, harness.RECVMSG_CONTROL = 4096, 256
-- The wall-clock ops: a 64-byte datagram echoed, TCP read in 64 KiB.
harness.DATAGRAM_SIZE = 64
harness.CHUNK = 64 * 1024
-- Datagrams per call in the batch ops, and the receive calls a batch
-- may take before its datagrams count as lost.
harness.BATCH = 32
harness.BATCH_TRIES = 100
-- The exit status for an operation the contestant's library cannot do,
-- and for one this version of llsocket cannot do yet.
harness.UNSUPPORTED = 77
harness.PENDING = 78

local function fail(message)
  io.stderr:write(arg[0], ": ", message, "\n")
  os.exit(1)
end

harness.fail = fail

-- The receive size of a sendrecvN op, or nil for another op.
function harness.receive_size(op)
  return math.tointeger(tonumber(op:match("^sendrecv(%d+)$")))
end

-- A floor op: n calls of rawequal(fd, x) per op, the cheapest C
-- function Lua has, in the loop shape of the ops it is the floor of.
local function floor(calls)
  return function(fd)
    local rawequal, x = rawequal, harness.RECEIVE_SIZE
    local function loop(n)
      if calls == 1 then
        for _ = 1, n do rawequal(fd, x) end
      else
        for _ = 1, n do
          rawequal(fd, x)
          rawequal(fd, x)
        end
      end
    end
    return function() end, loop
  end
end

-- Wall-clock ops: the contestant serves, the peer (BENCH_PEER, one C
-- program for every contestant) drives the traffic and prints the
-- nanoseconds it took.
harness.WALL = { stream = true, pingpong = true, churn = true, burst = true,
  burstmm = true }

-- ops[name](fd) for the instruction-count ops, given a UDP socket
-- connected to itself (or nothing if ops.socket is absent), returns
-- check, loop: check() raises unless one operation does what is meant,
-- loop(n) runs n of them unchecked.  ops[name](iterations) for the
-- wall-clock ops returns port, serve: serve() does the contestant's side
-- of iterations ops with the peer started on port.  ops.socket() makes
-- the socket, ops.close(fd) closes it.
function harness.main(ops)
  local op = arg[1]
  local iterations = math.tointeger(tonumber(arg[2]))
  local rounds = math.tointeger(tonumber(arg[3]))
  if not (op and iterations and iterations > 0 and rounds and rounds >= 0) then
    fail("usage: OP ITERATIONS ROUNDS")
  end
  if op == "floor1" or op == "floor2" then
    ops[op] = floor(op == "floor1" and 1 or 2)
  end
  local setup = ops[harness.receive_size(op) and "sendrecv" or op]
  if setup == nil then fail("no operation " .. tostring(op)) end
  if setup == harness.UNSUPPORTED then os.exit(harness.UNSUPPORTED) end
  if harness.WALL[op] then
    if op:match("^burst") then
      iterations = (iterations + harness.BATCH - 1) // harness.BATCH
        * harness.BATCH
    end
    local peer_command = os.getenv("BENCH_PEER") or fail("no BENCH_PEER")
    for _ = 1, rounds do
      local port, serve = setup(iterations)
      local peer = assert(io.popen(("%s %s %d %d"):format(peer_command, op,
        port, iterations)))
      serve()
      local ns = tonumber(peer:read("l"))
      if not (peer:close() and ns) then fail("the peer failed") end
      print(string.format("%.1f", ns / iterations))
    end
    return
  end
  local fd = ops.socket()
  local check, loop = setup(fd, harness.receive_size(op))
  check()
  loop(iterations) -- the whole run when counting, a warm-up when timing
  -- os.clock() is the process CPU time (clock(3)), the clock every
  -- contestant uses: stock Lua has no finer wall clock.
  for _ = 1, rounds do
    local start = os.clock()
    loop(iterations)
    print(string.format("%.1f", (os.clock() - start) * 1e9 / iterations))
  end
  ops.close(fd)
end

return harness
