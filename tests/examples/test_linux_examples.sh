#!/bin/sh
# Runs the Linux-only examples under the built llsockrun and checks their
# output against the kernel as iproute2 reports it.  What needs a network
# namespace runs in a fresh one (unshare -n, or unshare -rn where user
# namespaces allow it), so nothing here touches the host's interfaces.
#
# Environment (set by `make check`): LLSOCKRUN, top_srcdir.
# Exit status: 0 all passed, 1 a check failed, 77 nothing could run here,
# 99 the test itself could not run.

set -u

: "${LLSOCKRUN:?LLSOCKRUN must name the built llsockrun}"
: "${top_srcdir:?top_srcdir must name the source tree}"
examples=$top_srcdir/examples

if [ ! -x "$LLSOCKRUN" ]; then
    echo "ERROR: $LLSOCKRUN is not an executable (build host/llsockrun first)"
    exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-linux-examples.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

failures=0 passes=0 skips=0
pass() { echo "PASS: $*"; passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
skip() { echo "SKIP: $*"; skips=$((skips + 1)); }

# The command prefix that enters a new network namespace, or empty.
netns=
if ! command -v ip >/dev/null 2>&1; then
    netns_why="ip (iproute2) is not installed"
elif timeout 10 unshare -n true 2>/dev/null; then
    netns="unshare -n"
elif timeout 10 unshare -rn true 2>/dev/null; then
    netns="unshare -rn"
else
    netns_why="no network namespaces here (unshare -n and -rn both fail)"
fi

# in_netns SCRIPT: runs the sh script in a new namespace, under timeout.
in_netns() {
    timeout 60 $netns sh -c "$1"
}

# in_chain ROUTERS SCRIPT: runs the sh script on A of a chain of routers
# A -- R1 -- ... -- B made by tests/netns-chain.sh (which gives the
# addresses); the chain goes away with the script.
in_chain() {
    in_netns "sh '$top_srcdir/tests/netns-chain.sh' \$\$ $1 && $2"
}

# The interface lines of `ip -o link` and of netlink-links.lua reduced to
# the fields both print: index, name, mtu, state, link type and address.
ip_fields='
{
    idx = $1; name = $2; sub(/:$/, "", name); mtu = state = link = addr = ""
    for (i = 3; i < NF; i++) {
        if ($i == "mtu") mtu = $(i + 1)
        else if ($i == "state") state = $(i + 1)
        else if ($i ~ /^link\//) { link = $i; addr = $(i + 1) }
    }
    print idx, name, mtu, state, link, addr
}'

# ---- netlink-links.lua: ip link over a route netlink socket --------------
if [ -z "$netns" ]; then
    skip "netlink-links.lua: $netns_why"
else
    in_netns "
        ip link set lo up &&
        ip link add llsk0 address 02:00:00:00:11:00 type veth \
            peer name llsk1 address 02:00:00:00:11:01 &&
        ip link set llsk0 up && ip link set llsk1 mtu 1400 &&
        '$LLSOCKRUN' '$examples/netlink-links.lua' > '$tmp/links.out' &&
        ip -o link show > '$tmp/ip.out'" 2> "$tmp/links.err"
    status=$?
    awk "$ip_fields" "$tmp/ip.out" > "$tmp/ip.fields" 2>/dev/null
    awk "$ip_fields" "$tmp/links.out" > "$tmp/links.fields" 2>/dev/null
    if [ "$status" -ne 0 ]; then
        fail "netlink-links.lua in a namespace: exit status $status"
        sed 's/^/  stderr: /' "$tmp/links.err"
    elif [ "$(wc -l < "$tmp/links.fields")" -lt 3 ]; then
        fail "netlink-links.lua: fewer than 3 interfaces listed"
    elif cmp -s "$tmp/ip.fields" "$tmp/links.fields"; then
        pass "netlink-links.lua lists what ip -o link lists (index, name, mtu, state, address)"
    else
        fail "netlink-links.lua and ip -o link disagree:"
        diff "$tmp/ip.fields" "$tmp/links.fields" | sed 's/^/  /'
    fi
    if grep -q '^[0-9]*: llsk0@llsk1: .* link/ether 02:00:00:00:11:00$' \
            "$tmp/links.out"; then
        pass "netlink-links.lua names the veth peer and its hardware address"
    else
        fail "netlink-links.lua: no llsk0@llsk1 line with its address"
        sed 's/^/  out: /' "$tmp/links.out"
    fi
fi

# Outside any namespace it needs no privilege: lo is always there.
if timeout 10 "$LLSOCKRUN" "$examples/netlink-links.lua" > "$tmp/host.out" &&
        grep -q '^[0-9]*: lo: <LOOPBACK' "$tmp/host.out"; then
    pass "netlink-links.lua lists lo in the host's namespace"
else
    fail "netlink-links.lua in the host's namespace"
    sed 's/^/  out: /' "$tmp/host.out"
fi

# ---- gso-blaster.lua: datagrams a GSO send a call ----------------------
if ! timeout 30 "$LLSOCKRUN" "$examples/gso-blaster.lua" 3000 700 \
        > "$tmp/blast.out" 2> "$tmp/blast.err"; then
    if [ $? -eq 77 ]; then
        skip "gso-blaster.lua: $(cat "$tmp/blast.err")"
    else
        fail "gso-blaster.lua against its own receiver"
        sed 's/^/  /' "$tmp/blast.out" "$tmp/blast.err"
    fi
elif grep -q '^sent 3000 datagrams of 700 bytes in 47 calls' "$tmp/blast.out" &&
        grep -q '^received 3000 datagrams in ' "$tmp/blast.out"; then
    pass "gso-blaster.lua: 3000 datagrams in 47 sends, all received"
else
    fail "gso-blaster.lua: unexpected output"
    sed 's/^/  out: /' "$tmp/blast.out"
fi

# Python counts what arrives: each GSO segment must be a datagram of its
# own, numbered in order.
if command -v python3 >/dev/null 2>&1; then
    cat > "$tmp/count.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(5)
want, size = int(sys.argv[1]), int(sys.argv[2])
for i in range(want):
    d = s.recv(65536)
    if len(d) != size or struct.unpack(">Q", d[:8])[0] != i:
        print("datagram", i, "wrong:", len(d), "bytes"); sys.exit(1)
print("python got", want, "datagrams")
PY
    rm -f "$tmp/fifo" && mkfifo "$tmp/fifo"
    timeout 30 python3 "$tmp/count.py" 500 1000 > "$tmp/fifo" &
    pypid=$!
    exec 3< "$tmp/fifo"
    read -r pyport <&3
    timeout 30 "$LLSOCKRUN" "$examples/gso-blaster.lua" 127.0.0.1 "$pyport" \
        500 1000 > "$tmp/blast2.out" 2>&1
    blast=$?
    pyout=$(cat <&3)
    exec 3<&-
    wait $pypid
    py=$?
    if [ $blast -eq 77 ]; then
        skip "gso-blaster.lua to python: no UDP GSO here"
    elif [ $blast -eq 0 ] && [ $py -eq 0 ] &&
            [ "$pyout" = "python got 500 datagrams" ]; then
        pass "gso-blaster.lua: python's socket receives 500 separate datagrams"
    else
        fail "gso-blaster.lua to python (blaster $blast, python $py): $pyout"
        sed 's/^/  /' "$tmp/blast2.out"
    fi
fi

# ---- traceroute-probe.lua: ICMP through the error queue ----------------
# A UDP port nothing listens on: bound by python, then closed.
closed=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
if [ -z "$closed" ]; then
    skip "traceroute-probe.lua: python3 cannot pick a closed port"
elif timeout 30 "$LLSOCKRUN" "$examples/traceroute-probe.lua" -p "$closed" \
        -m 3 127.0.0.1 > "$tmp/trace.out" 2>&1 &&
        [ "$(sed -n 2p "$tmp/trace.out")" = \
          " 1  127.0.0.1  ECONNREFUSED (icmp 3/3: unreachable)" ] &&
        [ "$(wc -l < "$tmp/trace.out")" -eq 2 ]; then
    pass "traceroute-probe.lua: one hop, port unreachable from 127.0.0.1"
else
    fail "traceroute-probe.lua over loopback"
    sed 's/^/  out: /' "$tmp/trace.out"
fi

# Two routers between A and B: each answers "time exceeded" from its
# address towards A, then B "port unreachable", over IPv4 and IPv6.
if [ -z "$netns" ]; then
    skip "traceroute-probe.lua through two routers: $netns_why"
else
    cat > "$tmp/hops.want" <<'EOF'
traceroute to 10.99.3.2:33434, 5 hops max
 1  10.99.1.2  EHOSTUNREACH (icmp 11/0: time exceeded)
 2  10.99.2.2  EHOSTUNREACH (icmp 11/0: time exceeded)
 3  10.99.3.2  ECONNREFUSED (icmp 3/3: unreachable)
traceroute to [fd00:99:3::2]:33434, 5 hops max
 1  fd00:99:1::2  EHOSTUNREACH (icmp6 3/0: time exceeded)
 2  fd00:99:2::2  EHOSTUNREACH (icmp6 3/0: time exceeded)
 3  fd00:99:3::2  ECONNREFUSED (icmp6 1/4: unreachable)
EOF
    in_chain 2 "
        '$LLSOCKRUN' '$examples/traceroute-probe.lua' -m 5 10.99.3.2 &&
        '$LLSOCKRUN' '$examples/traceroute-probe.lua' -m 5 fd00:99:3::2" \
        > "$tmp/hops.out" 2> "$tmp/hops.err"
    status=$?
    if [ "$status" -eq 0 ] && cmp -s "$tmp/hops.want" "$tmp/hops.out"; then
        pass "traceroute-probe.lua: each of two routers, then the destination"
    else
        fail "traceroute-probe.lua through two routers: exit status $status"
        diff "$tmp/hops.want" "$tmp/hops.out" | sed 's/^/  /'
        sed 's/^/  stderr: /' "$tmp/hops.err"
    fi

    # With fewer hops than routers the trace stops short, and says so.
    in_chain 2 "'$LLSOCKRUN' '$examples/traceroute-probe.lua' -m 1 -w 0.5 \
        10.99.3.2" > "$tmp/short.out" 2>&1
    status=$?
    if [ "$status" -eq 1 ] &&
            [ "$(sed -n 2p "$tmp/short.out")" = \
              " 1  10.99.1.2  EHOSTUNREACH (icmp 11/0: time exceeded)" ] &&
            [ "$(wc -l < "$tmp/short.out")" -eq 2 ]; then
        pass "traceroute-probe.lua -m 1: the first router only, exit status 1"
    else
        fail "traceroute-probe.lua -m 1 (exit status $status)"
        sed 's/^/  out: /' "$tmp/short.out"
    fi
fi

echo "$passes passed, $failures failed, $skips skipped"
[ "$failures" -eq 0 ] || exit 1
[ "$passes" -gt 0 ] || exit 77
exit 0
