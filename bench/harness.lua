-- What the Lua contestants of bench/run.sh share: their command line
-- (OP ITERATIONS ROUNDS SOCKPATH) and how a loop is run and timed.
local harness = {}

harness.MESSAGE = ("llsock bench message"):rep(4):sub(1, 64)
harness.RECEIVE_SIZE = 4096
-- Datagrams per call in the batch op, and the receive calls a batch may
-- take before its datagrams count as lost.
harness.BATCH = 32
harness.BATCH_TRIES = 100
-- The exit status for an operation the contestant's library cannot do.
harness.UNSUPPORTED = 77

local function fail(message)
  io.stderr:write(arg[0], ": ", message, "\n")
  os.exit(1)
end

harness.fail = fail

-- ops[name](sockpath) sets up sockets and returns check, loop, cleanup:
-- check() raises unless one operation does what is meant, loop(n) runs n
-- of them unchecked, cleanup() closes what setup opened.
function harness.main(ops)
  local op = arg[1]
  local iterations = math.tointeger(tonumber(arg[2]))
  local rounds = math.tointeger(tonumber(arg[3]))
  local sockpath = arg[4]
  if not (iterations and iterations > 0 and rounds and rounds >= 0 and sockpath) then
    fail("usage: OP ITERATIONS ROUNDS SOCKPATH")
  end
  local setup = ops[op]
  if setup == nil then fail("no operation " .. tostring(op)) end
  if setup == harness.UNSUPPORTED then os.exit(harness.UNSUPPORTED) end
  local check, loop, cleanup = setup(sockpath)
  check()
  loop(iterations) -- the whole run when counting, a warm-up when timing
  -- os.clock() is the process CPU time (clock(3)), the clock every
  -- contestant uses: stock Lua has no finer wall clock.
  for _ = 1, rounds do
    local start = os.clock()
    loop(iterations)
    print(string.format("%.1f", (os.clock() - start) * 1e9 / iterations))
  end
  cleanup()
  os.remove(sockpath)
end

return harness
