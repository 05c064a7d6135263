-- The GSO rows of make bench, from Lua: datagrams per CPU second sent to a
-- loopback receiver by sendto, sendmmsg and sendmsg with a segment size.
-- usage: gso-bench.lua DATAGRAMS; prints "method datagrams-per-second"
-- lines; exit 77 when the kernel has no UDP GSO.
local llsocket = require "llsocket"
local opt = llsocket.opt

local SIZE, BATCH = 1200, 32
local datagrams = math.tointeger(tonumber(arg[1] or "320000"))

local rx = assert(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
local tx = assert(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
local to = assert(llsocket.sockname(rx))
if opt.udp_segment(tx) == nil then os.exit(77) end
local one = string.rep("g", SIZE)
local clock = os.clock

local function report(method, sent, start)
  print(string.format("%s %.0f", method, sent / (clock() - start)))
end

local sendto = llsocket.sendto
local start, sent = clock(), 0
while sent < datagrams do
  assert(sendto(tx, one, to) == SIZE)
  sent = sent + 1
end
report("sendto", sent, start)

local batch = {}
for i = 1, BATCH do batch[i] = { one, to } end
local sendmmsg = llsocket.sendmmsg
start, sent = clock(), 0
while sent < datagrams do
  assert(sendmmsg(tx, batch) == BATCH)
  sent = sent + BATCH
end
report("sendmmsg", sent, start)

local all, control = one:rep(BATCH), { segment = SIZE }
local sendmsg = llsocket.sendmsg
start, sent = clock(), 0
while sent < datagrams do
  assert(sendmsg(tx, all, to, control) == SIZE * BATCH)
  sent = sent + BATCH
end
report("gso", sent, start)
llsocket.close(tx)
llsocket.close(rx)
