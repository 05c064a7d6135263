-- The llsocket contestant of bench/run.sh's poller row: poll-bench.c's
-- echo server, the same loop written with llsocket.  It serves
-- CONNECTIONS clients of `poll-bench client` and reports as the C server
-- does (see bench/poll-bench.c and bench/README.md).
--
-- usage: poll-server.lua CONNECTIONS
local llsocket = require "llsocket"
local opt = llsocket.opt

local connections = math.tointeger(tonumber(arg[1]))
if not connections or connections < 1 then
  io.stderr:write(arg[0], ": usage: CONNECTIONS\n")
  os.exit(2)
end

local function check(what, value, err)
  if value == nil then
    io.stderr:write(arg[0], ": ", what, ": ", llsocket.strerror(err), "\n")
    os.exit(1)
  end
  return value
end

-- For the calls that return nothing, or an error.
local function check_status(what, err)
  if err ~= nil then
    check(what, nil, err)
  end
end

local listener = check("bind", llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_STREAM, true, true))
check_status("listen", llsocket.listen(listener))
print("port " .. check("sockname", llsocket.sockname(listener)):port())
io.stdout:flush()

local poller = check("poller", llsocket.poller())
check_status("add", poller:add(listener, opt.POLLIN))

-- Looked up once, as the other contestants' loops do.
local accept, recv, send, close = llsocket.acceptInherits, llsocket.recv,
  llsocket.send, llsocket.close
local add, wait = poller.add, poller.wait
local POLLIN = opt.POLLIN
local events, closed, bad = 0, 0, 0

local start = os.clock()
while closed < connections do
  local n, fds = wait(poller)
  if not n then
    check("wait", nil, fds)
  end
  events = events + n
  for i = 1, n do
    local fd = fds[i]
    if fd == listener then
      while true do
        local client, _, again = accept(listener)
        if not client then
          if not again then
            bad = bad + 1
          end
          break
        end
        if add(poller, client, POLLIN) then
          bad = bad + 1
        end
      end
    else
      local data, _, again = recv(fd)
      if data and data ~= "" then
        if send(fd, data) ~= #data then
          bad = bad + 1
        end
      elseif not again then
        if not data then
          bad = bad + 1
        end
        close(fd)
        closed = closed + 1
      end
    end
  end
end
print(("events %d cpu_ns %.0f bad %d"):format(events, (os.clock() - start) * 1e9, bad))
poller:close()
close(listener)
