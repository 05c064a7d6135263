-- Shared helpers for the llsocket Lua tests: named cases, exact assertions,
-- fd bookkeeping (a case that leaks an fd fails) and loopback fixtures.
local llsocket = require "llsocket"

local opt = llsocket.opt
local T = { llsocket = llsocket }

-- The tests run on Lua 5.1 to 5.4 and LuaJIT.  Before 5.3 every number is
-- a double: an integral one is what 5.3 would call an integer.
if not math.type then
  function math.type(v)
    if type(v) ~= "number" then return nil end
    if v == math.floor(v) and v >= -2 ^ 63 and v < 2 ^ 63 then
      return "integer"
    end
    return "float"
  end
end
math.tointeger = math.tointeger or function(v)
  if type(v) == "string" then v = tonumber(v) end
  if math.type(v) == "integer" then return v end
  return nil
end
table.unpack = table.unpack or unpack
table.pack = table.pack or function(...)
  return { n = select("#", ...), ... }
end

-- string.pack and string.unpack for the formats the tests use: integers
-- (b B h H i I, with a size for i and I), little-endian as on every
-- target, after an optional "=" or "<".
if not string.pack then
  local SIZES = { b = 1, B = 1, h = 2, H = 2, i = 4, I = 4 }
  local function formats(fmt)
    local list = {}
    for kind, size in fmt:gsub("^[=<]", ""):gmatch("(.)(%d*)") do
      assert(SIZES[kind], "unsupported format " .. fmt)
      size = tonumber(size) or SIZES[kind]
      assert(size >= 1 and size <= 8, "unsupported size in " .. fmt)
      list[#list + 1] = { size = size, signed = kind:lower() == kind }
    end
    return list
  end
  function string.pack(fmt, ...)
    local out = {}
    for i, f in ipairs(formats(fmt)) do
      local v = select(i, ...)
      assert(math.type(v) == "integer", "bad argument to pack")
      if f.signed and v < 0 then v = v + 2 ^ (8 * f.size) end
      assert(v >= 0 and v < 2 ^ (8 * f.size), "integer overflow")
      for _ = 1, f.size do
        out[#out + 1] = string.char(v % 256)
        v = math.floor(v / 256)
      end
    end
    return table.concat(out)
  end
  function string.unpack(fmt, s, pos)
    local values = {}
    pos = pos or 1
    for _, f in ipairs(formats(fmt)) do
      local v, scale = 0, 1
      for k = 0, f.size - 1 do
        local byte = s:byte(pos + k)
        assert(byte, "data string too short")
        v = v + byte * scale
        scale = scale * 256
      end
      if f.signed and v >= scale / 2 then v = v - scale end
      values[#values + 1] = v
      pos = pos + f.size
    end
    values[#values + 1] = pos
    return table.unpack(values)
  end
end

-- Bitwise and, and 2^n as an integer: the operators came with 5.3.
-- Bitwise or of any number of values, too.  Without the operators the
-- values must be integers from 0 to 2^53.
local native = (loadstring or load)([[
  return function(a, b) return a & b end, function(a, b) return a | b end
]])
if native then
  local band, bor2 = native()
  T.band = band
  function T.bor(a, ...)
    for i = 1, select("#", ...) do a = bor2(a, (select(i, ...))) end
    return a
  end
else
  local function bits(a, b, keep)
    local r, bit = 0, 1
    while a > 0 or b > 0 do
      if keep(a % 2 == 1, b % 2 == 1) then r = r + bit end
      a, b, bit = (a - a % 2) / 2, (b - b % 2) / 2, bit * 2
    end
    return r
  end
  function T.band(a, b)
    return bits(a, b, function(x, y) return x and y end)
  end
  function T.bor(a, ...)
    for i = 1, select("#", ...) do
      a = bits(a, (select(i, ...)), function(x, y) return x or y end)
    end
    return a
  end
end
-- Whether an argument error names a function found in package.loaded
-- ('llsocket.opt.nodelay') when it was not called by that name: from Lua
-- 5.3 on; 5.1, 5.2 and LuaJIT say '?'.
T.NAMES_FROM_LOADED = _VERSION ~= "Lua 5.1" and _VERSION ~= "Lua 5.2"
-- Whether a C function pushed twice is the same value: from 5.2 on, light
-- C functions are.
T.LIGHT_C_FUNCTIONS = _VERSION ~= "Lua 5.1"

function T.bit(n)
  return math.tointeger(2 ^ n)
end


-- Highest fd probed when counting open fds; the tests never hold more.
local FD_PROBE_LIMIT = 1023

local function describe(v)
  if type(v) == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end
T.describe = describe

-- A readable error number: "ECONNREFUSED (111)".
local function errdesc(e)
  if math.type(e) == "integer" then
    local ok, name = pcall(llsocket.errname, e)
    if ok and name then
      return string.format("%s (%d)", name, e)
    end
  end
  return describe(e)
end
T.errdesc = errdesc

local function fail(level, fmt, ...)
  error(string.format(fmt, ...), level + 1)
end

function T.eq(got, want, what)
  if got ~= want or math.type(got) ~= math.type(want) then
    fail(2, "%s: expected %s (%s), got %s (%s)", what or "value",
         describe(want), math.type(want) or type(want),
         describe(got), math.type(got) or type(got))
  end
  return got
end

function T.truthy(v, what)
  if not v then
    fail(2, "%s: expected a true value, got %s", what or "value", describe(v))
  end
  return v
end

function T.type(v, want, what)
  local got = math.type(v) or type(v)
  if got ~= want and type(v) ~= want then
    fail(2, "%s: expected a %s, got %s (%s)", what or "value", want,
         got, describe(v))
  end
  return v
end

function T.match(s, pattern, what)
  if type(s) ~= "string" or not s:find(pattern) then
    fail(2, "%s: %s does not match %q", what or "value", describe(s), pattern)
  end
  return s
end

-- The number of values a call returned: nothing is not the same as nil.
function T.count(...)
  return select("#", ...)
end

function T.nothing(what, ...)
  local n = select("#", ...)
  if n ~= 0 then
    fail(2, "%s: expected no return value, got %d: %s, %s", what, n,
         errdesc((...)), describe(select(2, ...)))
  end
end

-- Asserts an error number by name: T.err(err, "ECONNREFUSED", "connect").
function T.err(got, name, what)
  local want = llsocket.errno[name]
  if want == nil then
    fail(2, "%s: llsocket.errno.%s is missing", what or "err", name)
  end
  if got ~= want or math.type(got) ~= "integer" then
    fail(2, "%s: expected error %s, got %s", what or "err", errdesc(want),
         errdesc(got))
  end
  return got
end

-- Asserts the failure shape "nil, err" of a non-I/O call.
function T.fails(name, what, v, e, ...)
  if v ~= nil then
    fail(2, "%s: expected nil, %s; got %s, %s", what, name, describe(v),
         errdesc(e))
  end
  T.err(e, name, what)
  if select("#", ...) > 0 and (...) ~= nil then
    fail(2, "%s: unexpected third value %s", what, describe((...)))
  end
end

-- Asserts the failure shape "nil, err, again" of an I/O call.
function T.iofails(name, again, what, v, e, a)
  if v ~= nil then
    fail(2, "%s: expected nil, %s, %s; got %s", what, name, tostring(again),
         describe(v))
  end
  T.err(e, name, what)
  if a ~= again then
    fail(2, "%s: expected again == %s, got %s", what, tostring(again),
         describe(a))
  end
end

-- Unwraps "value | nil, err": a failure raises with the error's name.
function T.ok(what, v, e, ...)
  if v == nil then
    fail(2, "%s failed: %s", what, errdesc(e))
  end
  return v, e, ...
end

-- Asserts that fn(...) raises a Lua error naming argument #argn.
function T.argerror(argn, what, fn, ...)
  local ok, msg = pcall(fn, ...)
  if ok then
    fail(2, "%s: expected a Lua error for argument #%d, got success (%s)",
         what, argn, describe(msg))
  end
  msg = tostring(msg)
  if not msg:find("bad argument #" .. argn .. " ", 1, true) then
    fail(2, "%s: error does not name argument #%d: %s", what, argn, msg)
  end
  return msg
end

-- The set of open fds in this process, probed with fcntl via opt.cloexec.
function T.openfds()
  local set, n = {}, 0
  for fd = 0, FD_PROBE_LIMIT do
    if opt.cloexec(fd) ~= nil then
      set[fd] = true
      n = n + 1
    end
  end
  return set, n
end

local function fddiff(before, after)
  local leaked, lost = {}, {}
  for fd in pairs(after) do
    if not before[fd] then leaked[#leaked + 1] = fd end
  end
  for fd in pairs(before) do
    if not after[fd] then lost[#lost + 1] = fd end
  end
  table.sort(leaked)
  table.sort(lost)
  return leaked, lost
end

-- Per-case context: fds created through t:own() are closed when the case
-- ends, so a failing case does not make the following cases fail too.
local Case = {}
Case.__index = Case

function Case:own(what, fd, e)
  if math.type(fd) ~= "integer" then
    fail(2, "%s: expected an fd, got %s, %s", what, describe(fd), errdesc(e))
  end
  self.fds[fd] = true
  return fd
end

-- Closes an owned fd and asserts close returned nothing.
function Case:close(fd, how)
  self.fds[fd] = nil
  if how == nil then
    T.nothing("close(" .. fd .. ")", llsocket.close(fd))
  else
    T.nothing("close(" .. fd .. ", " .. how .. ")", llsocket.close(fd, how))
  end
end

-- The test closes fd itself (to check what close returns).
function Case:forget(fd)
  self.fds[fd] = nil
end

function Case:cleanup()
  for fd in pairs(self.fds) do
    llsocket.close(fd)
  end
  self.fds = {}
  for i = #self.dirs, 1, -1 do
    T.rmdir(self.dirs[i])
  end
  self.dirs = {}
end

-- A fresh temporary directory removed when the case ends.
function Case:tmpdir()
  local dir = T.mkdtemp()
  self.dirs[#self.dirs + 1] = dir
  return dir
end

-- A TCP (or other socktype) listener on host (default 127.0.0.1), port 0.
function Case:listener(host, socktype)
  host = host or "127.0.0.1"
  local fd = self:own("bind " .. host,
                      llsocket.inet.bind(host, 0, socktype or opt.SOCK_STREAM,
                                         false, true))
  T.nothing("listen", llsocket.listen(fd))
  local addr = T.ok("sockname", llsocket.sockname(fd))
  return fd, addr:port(), addr
end

-- A connected TCP pair over loopback: client fd, accepted fd.
function Case:tcppair(host)
  local lfd, port = self:listener(host)
  local cfd = self:own("connect",
                       llsocket.inet.connect(host or "127.0.0.1", port,
                                             opt.SOCK_STREAM))
  local sfd = self:own("accept", llsocket.accept(lfd))
  self:close(lfd)
  return cfd, sfd
end

-- Two UDP sockets bound to loopback ephemeral ports, with their addresses.
function Case:udppair(host)
  host = host or "127.0.0.1"
  local a = self:own("bind udp a", llsocket.inet.bind(host, 0, opt.SOCK_DGRAM))
  local b = self:own("bind udp b", llsocket.inet.bind(host, 0, opt.SOCK_DGRAM))
  return a, b, T.ok("sockname a", llsocket.sockname(a)),
         T.ok("sockname b", llsocket.sockname(b))
end

-- A skipped case raises this value.
local SKIP = setmetatable({}, { __tostring = function() return "skip" end })

function Case:skip(why)
  self.skipped = why
  error(SKIP, 0)
end

-- How to enter a new network namespace here, or nil and why not.
-- Whether a shell command succeeded: Lua 5.1 and LuaJIT's os.execute
-- return the status number, 5.2 on true or nil.
local function succeeds(cmd)
  local ok = os.execute(cmd)
  if type(ok) == "number" then return ok == 0 end
  return ok == true
end
T.succeeds = succeeds

local function netns_prefix()
  if not succeeds("command -v ip >/dev/null 2>&1") then
    return nil, "ip (iproute2) is not installed"
  end
  for _, cmd in ipairs({ "unshare -n", "unshare -rn" }) do
    if succeeds("timeout 10 " .. cmd .. " true 2>/dev/null") then
      return cmd
    end
  end
  return nil, "no network namespaces here (unshare -n and -rn both fail)"
end

-- Runs the test file again in a new network namespace, after the shell
-- command setup (iproute2's ip, say), with part as arg[1]: the file runs
-- that part and prints "passed", or exits 77 after printing "skip: why".
-- Skips the case where namespaces are unavailable.
function Case:in_netns(setup, part)
  local prefix, why = netns_prefix()
  if not prefix then self:skip(why) end
  -- the command that runs this file: llsockrun, or the module's Lua
  local host = os.getenv("LLSOCKET_TEST_LUA") or os.getenv("LLSOCKRUN")
  -- the exit status comes in the output: Lua 5.1's close does not give it
  -- the setup's commands do not get the sanitizer runtimes a sanitized
  -- module's interpreter is started with (LLSOCKET_TEST_LUA sets them)
  local cmd = string.format("timeout 60 %s sh -c 'unset LD_PRELOAD; %s && " ..
                            "exec %s %s %s' 2>&1; echo \"exit $?\"", prefix,
                            setup, host, arg[0], part)
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  local code = tonumber(out:match("exit (%d+)\n$"))
  out = out:gsub("exit %d+\n$", "")
  if code == 77 then self:skip(out:match("skip: ([^\n]*)") or out) end
  if code ~= 0 then
    error("in the namespace (exit " .. tostring(code) .. "):\n" .. out, 0)
  end
  T.match(out, "passed\n$", "namespace part " .. part)
end

-- The setup for Case:in_netns that makes the namespace a chain of
-- routers A -- R1 -- ... -- Rn -- B (tests/netns-chain.sh, which gives the
-- addresses), owned by the test's process; mtu is that of the link into B.
function T.netns_chain(routers, mtu)
  return string.format('sh "$top_srcdir/tests/netns-chain.sh" $$ %d %d',
                       routers, mtu or 1500)
end

-- In a file run again by Case:in_netns: runs the part arg[1] names from
-- the table parts, prints "passed" and exits.  Elsewhere does nothing.
function T.netns_part(parts)
  local part = arg and parts[arg[1]]
  if part then
    part()
    print("passed")
    os.exit(0)
  end
end

function T.mkdtemp()
  local p = assert(io.popen("mktemp -d /tmp/llsocket-test.XXXXXX", "r"))
  local dir = p:read("*l")
  p:close()
  if not dir or not dir:match("^/tmp/llsocket%-test%.[%w]+$") then
    error("mktemp -d failed: " .. describe(dir), 2)
  end
  return dir
end

function T.rmdir(dir)
  -- Only ever remove what mkdtemp made.
  assert(dir:match("^/tmp/llsocket%-test%.[%w]+$"), dir)
  os.execute("rm -rf '" .. dir .. "'")
end

-- Spin until pred() is true, for at most `seconds` of wall clock.
function T.waitfor(what, seconds, pred)
  local deadline = os.time() + seconds
  local spins = 0
  repeat
    if pred() then return end
    spins = spins + 1
  until spins > 100000000 or os.time() > deadline
  fail(2, "%s: still not done after %d seconds", what, seconds)
end

local results = { passed = 0, failed = 0, skipped = 0, failures = {} }
local file_fds = T.openfds()

-- Runs one named case; the one-line name says what the case proves.
function T.case(name, fn)
  local before = T.openfds()
  local ctx = setmetatable({ fds = {}, dirs = {} }, Case)
  local ok, err = xpcall(function() return fn(ctx) end, function(e)
    if e == SKIP then return e end
    return debug.traceback(tostring(e), 2)
  end)
  ctx:cleanup()
  if ok then
    local leaked, lost = fddiff(before, (T.openfds()))
    if #leaked > 0 or #lost > 0 then
      ok, err = false, string.format("fd leak: opened %s, closed %s",
                                     table.concat(leaked, ","),
                                     table.concat(lost, ","))
    end
  end
  if ok then
    results.passed = results.passed + 1
    print("ok - " .. name)
  elseif err == SKIP then
    results.skipped = results.skipped + 1
    print("skip - " .. name .. ": " .. tostring(ctx.skipped))
  else
    results.failed = results.failed + 1
    results.failures[#results.failures + 1] = name
    print("not ok - " .. name .. "\n" .. tostring(err))
  end
end

-- The smallest C int: no option takes it, and the error it raises names the
-- range of an integer option, the range the library checks.
T.INT_MIN = -2147483648

-- What an option function is, from the error a value of INT_MIN raises.
local function option_kind(f, closed)
  local msg = tostring(select(2, pcall(f, closed, T.INT_MIN)))
  local min, max, rest =
    msg:match("out of range %((%-?%d+) to (%-?%d+)(.-)%)")
  if min then
    return "int", math.tointeger(min), math.tointeger(max),
           rest:find("-1", 1, true) ~= nil
  elseif msg:find("boolean expected", 1, true) then
    return "flag"
  elseif msg:find("read-only", 1, true) then
    return "readonly"
  elseif msg:find("timeout must be", 1, true) then
    return "timeout"
  end
  return "other"
end

-- The option functions of llsocket.opt, sorted by name, each as { name, f,
-- kind = "flag" | "int" | "readonly" | "timeout" | "other", min, max,
-- default }; only
-- those of kind when it is given.  An option reads nil, EBADF on a closed
-- fd; the other functions (join, leave, ...) raise for their missing
-- arguments.
function T.options(kind)
  local closed = assert(llsocket.socket(opt.AF_INET, opt.SOCK_STREAM))
  local found = {}
  T.nothing("close the probe", llsocket.close(closed))
  for name, f in pairs(opt) do
    if type(f) == "function" then
      local ok, v, err = pcall(f, closed)
      if ok and v == nil and err == llsocket.errno.EBADF then
        local o = { name = name, f = f }
        o.kind, o.min, o.max, o.default = option_kind(f, closed)
        if kind == nil or o.kind == kind then found[#found + 1] = o end
      end
    end
  end
  table.sort(found, function(a, b) return a.name < b.name end)
  return found
end

-- Ends the file: fails (non-zero exit) if a case failed or the file leaked.
function T.done()
  collectgarbage()
  local leaked, lost = fddiff(file_fds, (T.openfds()))
  if #leaked > 0 or #lost > 0 then
    results.failed = results.failed + 1
    results.failures[#results.failures + 1] =
      "file fd check: opened " .. table.concat(leaked, ",") ..
      " closed " .. table.concat(lost, ",")
  end
  print(string.format("# %d passed, %d failed, %d skipped", results.passed,
                      results.failed, results.skipped))
  if results.failed > 0 then
    error("failed: " .. table.concat(results.failures, "; "), 0)
  end
  if results.passed == 0 and results.skipped > 0 then
    os.exit(77)
  end
end

return T
