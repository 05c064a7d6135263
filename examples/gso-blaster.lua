-- A UDP blaster with segmentation offload: sends COUNT datagrams of SIZE
-- bytes to HOST PORT, up to 64 of them in each send call (UDP GSO: the
-- kernel cuts one buffer into datagrams), numbering each datagram in its
-- first 8 bytes.  Without HOST and PORT it blasts at a receiver of its own
-- on loopback, which takes them with UDP GRO (many datagrams a receive)
-- and checks that every one arrived, in order.
--
-- usage: llsockrun examples/gso-blaster.lua [HOST PORT] [COUNT [SIZE]]
local llsocket = require "llsocket"
local opt = llsocket.opt

-- a first argument that is not a number is a host
local host, port, count, size
if arg[1] and not arg[1]:find("^%d+$") then
  host, port, count, size = arg[1], arg[2], arg[3], arg[4]
else
  count, size = arg[1], arg[2]
end
count = math.tointeger(tonumber(count or "1000")) or error("bad COUNT")
size = math.tointeger(tonumber(size or "1200")) or error("bad SIZE")
assert(size >= 8 and size <= 65507, "SIZE must be 8..65507")
-- the kernel takes at most 64 segments and 64 KiB in one GSO send
local PER_CALL = math.min(64, 65507 // size)

local function check(v, e, what)
  if v == nil then
    io.stderr:write(what, ": ", llsocket.strerror(e), "\n")
    os.exit(1)
  end
  return v
end

local receiver, to
if host then
  to = check(llsocket.getaddrinfo(host, port, opt.SOCK_DGRAM), nil,
             "getaddrinfo")[1]
else
  receiver = check(llsocket.inet.bind("127.0.0.1", 0, opt.SOCK_DGRAM))
  to = check(llsocket.sockname(receiver), nil, "sockname")
  opt.rcvbuf(receiver, 4 * 1024 * 1024)
  if not opt.udp_gro(receiver, true) then
    print("no UDP GRO here: the receiver takes one datagram a call")
  end
end
local tx = check(llsocket.socket(to:family(), opt.SOCK_DGRAM), nil, "socket")
if opt.udp_segment(tx) == nil then
  io.stderr:write("this kernel has no UDP segmentation offload\n")
  os.exit(77)
end

local filler = string.rep("\xa5", size - 8)
local sent, calls, received, receives = 0, 0, 0, 0

-- Takes what has arrived, without waiting, and checks the numbering.
local function receive()
  while true do
    local datagrams, e, again = llsocket.recvsegments(receiver, 65536,
                                                      opt.MSG_DONTWAIT)
    if not datagrams then
      if again then return end
      check(nil, e, "recvsegments")
    end
    receives = receives + 1
    for _, d in ipairs(datagrams) do
      assert(#d == size, "a datagram of " .. #d .. " bytes")
      assert(string.unpack(">I8", d) == received, "datagram out of order")
      received = received + 1
    end
  end
end

while sent < count do
  local n = math.min(PER_CALL, count - sent)
  local parts = {}
  for i = 1, n do parts[i] = string.pack(">I8", sent + i - 1) .. filler end
  check(llsocket.sendmsg(tx, parts, to, { segment = size }), nil, "sendmsg")
  sent, calls = sent + n, calls + 1
  if receiver then receive() end
end
print(string.format("sent %d datagrams of %d bytes in %d calls to %s",
                    sent, size, calls, tostring(to)))
if receiver then
  receive()
  print(string.format("received %d datagrams in %d receives", received,
                      receives))
  llsocket.close(receiver)
  if received ~= sent then os.exit(1) end
end
llsocket.close(tx)
