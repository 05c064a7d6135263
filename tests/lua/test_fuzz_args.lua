-- Calls every llsocket function thousands of times with arguments drawn
-- at random from a pool of wrong, extreme and right values.  Each call must
-- either return or raise a Lua error: no crash, no sanitizer report, no
-- hang.  Every call gets fresh non-blocking sockets, so none can block,
-- and only loopback, abstract names and a temp dir are ever named.
local T = require "testlib"
local llsocket = T.llsocket
local opt = llsocket.opt

local CALLS = tonumber(os.getenv("LLSOCK_FUZZ_CALLS")) or 4000
local SEED = tonumber(os.getenv("LLSOCK_FUZZ_SEED")) or 20261125
local SWEEP_LIMIT = 256 -- fds above this are never created here

local function sweep(keep)
  for fd = 3, SWEEP_LIMIT do
    if not keep[fd] and opt.cloexec(fd) ~= nil then llsocket.close(fd) end
  end
end

T.case("random arguments never crash any function", function(t)
  local dir = t:tmpdir()
  local keep = T.openfds()
  local funcs = {}
  for _, tbl in ipairs({ llsocket, llsocket.inet, llsocket.unix,
                         llsocket.addr, opt }) do
    for name, f in pairs(tbl) do
      if type(f) == "function" then funcs[#funcs + 1] = { name, f, tbl } end
    end
  end
  table.sort(funcs, function(a, b) return a[1] < b[1] end)

  local addrs = {
    llsocket.addr.inet("127.0.0.1", 9), llsocket.addr.inet("::1", 0),
    llsocket.addr.unix("\0llsock-fuzz"), llsocket.addr.unix(""),
    llsocket.addr.unix(dir .. "/sock"),
  }
  local safe_hosts = { nil, "127.0.0.1", "::1", 127, {}, true, "" }
  local values = {
    nil, false, true, -1, 4096, 65535, 65536, 2^31, -2^31, math.maxinteger or 2 ^ 63,
    math.mininteger or -2 ^ 63, 1.5, 0/0, math.huge, -math.huge, opt.MSG_DONTWAIT,
    opt.SOCK_STREAM, opt.SOCK_DGRAM, opt.SHUT_RDWR, "", "1", "-1", "65536",
    "127.0.0.1", "::1", "\0llsock-fuzz", dir .. "/x", string.rep("p", 200),
    "\255\0\254", {}, { "a", "b" }, { 1.5 }, { {} }, { { "data" } },
    { { 1, 1, "xx" } }, { { "d", addrs[1] } }, print, io.stdout,
    coroutine.create(function() end),
  }
  for _, a in ipairs(addrs) do values[#values + 1] = a end
  local resolving = { ["bind"] = llsocket.inet, ["connect"] = llsocket.inet,
                      ["getaddrinfo"] = llsocket, ["inet"] = llsocket.addr }
  local pathy = { ["bind"] = llsocket.unix, ["connect"] = llsocket.unix,
                  ["unix"] = llsocket.addr }

  math.randomseed(SEED)
  local raised, returned = 0, 0
  for i = 1, CALLS do
    local entry = funcs[math.random(#funcs)]
    local name, f, tbl = entry[1], entry[2], entry[3]
    local s1, s2 = llsocket.socketpair(opt.SOCK_STREAM, true)
    local d1, d2 = llsocket.socketpair(opt.SOCK_DGRAM, true)
    local u = llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM, true)
    local fds = { s1, s2, d1, d2, u, 1000 }
    local args, n = {}, math.random(0, 6)
    for k = 1, n do
      local pick = math.random(10)
      if k == 1 and pick <= 6 then
        args[k] = fds[math.random(#fds)]
      elseif k == 1 and resolving[name] == tbl then
        args[k] = safe_hosts[math.random(#safe_hosts)]
      elseif pick <= 2 then
        args[k] = fds[math.random(#fds)]
      else
        args[k] = values[math.random(#values)]
      end
    end
    if resolving[name] == tbl and type(args[1]) == "string" and
       args[1] ~= "127.0.0.1" and args[1] ~= "::1" then
      args[1] = "127.0.0.1" -- a name would reach for DNS
    end
    if math.type(args[1]) == "integer" and args[1] >= 0 and args[1] <= 2 then
      args[1] = 1000 -- SOCK_STREAM, SHUT_RDWR...: never close stdio
    end
    if pathy[name] == tbl and type(args[1]) == "string" and
       args[1]:sub(1, 1) ~= "\0" and #args[1] < 100 then
      args[1] = dir .. "/p" -- a relative path would land in the cwd
    end
    local waits = { sleep = 1, readable = 2, writable = 2 }
    local w = tbl == llsocket and waits[name]
    if w then
      local v = args[w]
      local forever = v == nil or
        (type(v) == "number" and v == v and (v < 0 or v > 0.01))
      if forever then
        args[w], n = 0, math.max(n, w) -- no timeout would wait for ever
      end
    end
    local ok = pcall(f, table.unpack(args, 1, n))
    if ok then returned = returned + 1 else raised = raised + 1 end
    sweep(keep)
    if i % 500 == 0 then collectgarbage() end
  end
  print(string.format("# %d calls over %d functions: %d returned, %d raised",
                      CALLS, #funcs, returned, raised))
  T.truthy(returned > CALLS / 10 and raised > CALLS / 10,
           "the pool reaches both the success and the error paths")
end)

T.done()
