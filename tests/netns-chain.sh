#!/bin/sh
# A chain of network namespaces for the tests that need routers:
#
#   A --link 1-- R1 --link 2-- ... --link N-- RN --link N+1-- B
#
# usage: sh netns-chain.sh OWNER ROUTERS [MTU]
#
# Run it in a fresh network namespace: that namespace is A.  R1..RN and B
# are new namespaces, each held by a small process that exits as soon as
# the process OWNER (the test that uses the chain) is gone, or after two
# minutes at most, so nothing outlives the test even when it crashes or is
# killed; the veth pairs go with their namespaces.  No named namespace, no
# file and no host interface is made.
#
# Addresses: link k is 10.99.k.0/24 and fd00:99:k::/64, its left end
# (towards A) .1 and ::1, its right end .2 and ::2.  So A is 10.99.1.1,
# router k answers from 10.99.k.2 (its address on the way back to A), and
# B is 10.99.N+1.2 (fd00:99:N+1::2).  The routers forward both families;
# the link into B has the MTU given (1500 by default) at both ends.
# Exits non-zero with a message on stderr when something cannot be made.

set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: netns-chain.sh OWNER ROUTERS [MTU]" >&2
    exit 2
fi
owner=$1 routers=$2 last_mtu=${3:-1500}
nodes=$((routers + 1)) # B's number; A is node 0

# how long a holder waits for its owner: 600 checks, 0.2 s apart
holder_script="n=0
while [ \$n -lt 600 ] && kill -0 $owner 2>/dev/null; do
    sleep 0.2; n=\$((n + 1))
done"

# at: runs a command in node i's namespace
at() {
    node=$1
    shift
    if [ "$node" -eq 0 ]; then
        "$@"
    else
        eval "nsenter -t \$holder_$node -n \"\$@\""
    fi
}

# A holder per node but A; its output must not keep a test's pipe open.
self_ns=$(readlink /proc/self/ns/net)
i=1
while [ $i -le $nodes ]; do
    unshare -n sh -c "$holder_script" </dev/null >/dev/null 2>&1 &
    eval "holder_$i=$!"
    tries=0
    while [ "$(readlink /proc/$!/ns/net 2>/dev/null || echo gone)" = \
            "$self_ns" ]; do
        tries=$((tries + 1))
        if [ $tries -gt 200 ]; then
            echo "netns-chain.sh: node $i never got its namespace" >&2
            exit 1
        fi
        sleep 0.01
    done
    if ! kill -0 $! 2>/dev/null; then
        echo "netns-chain.sh: unshare -n failed for node $i" >&2
        exit 1
    fi
    i=$((i + 1))
done

# Each namespace: lo up, and no duplicate address detection, so IPv6
# addresses are usable at once.
i=0
while [ $i -le $nodes ]; do
    at $i sysctl -qw net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0
    at $i ip link set lo up
    if [ $i -gt 0 ] && [ $i -lt $nodes ]; then
        at $i sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    fi
    i=$((i + 1))
done

# link k joins node k-1 (veth<k>l) and node k (veth<k>r)
k=1
while [ $k -le $nodes ]; do
    left=$((k - 1))
    eval "ip link add veth${k}l type veth peer name veth${k}r" \
        "netns \$holder_$k"
    if [ $left -gt 0 ]; then
        eval "ip link set veth${k}l netns \$holder_$left"
    fi
    if [ $k -eq $nodes ]; then
        at $left ip link set veth${k}l mtu "$last_mtu"
        at $k ip link set veth${k}r mtu "$last_mtu"
    fi
    # both ends up before any address: an IPv6 address added while the
    # link has no carrier is not used for neighbour discovery at once, and
    # the first packet across waits a second for a retry
    at $left ip link set veth${k}l up
    at $k ip link set veth${k}r up
    at $left ip addr add 10.99.$k.1/24 dev veth${k}l
    at $left ip addr add fd00:99:$k::1/64 dev veth${k}l nodad
    at $k ip addr add 10.99.$k.2/24 dev veth${k}r
    at $k ip addr add fd00:99:$k::2/64 dev veth${k}r nodad
    k=$((k + 1))
done

# Routes: a node reaches each link that is not its own through the
# neighbour on that side.
i=0
while [ $i -le $nodes ]; do
    k=1
    while [ $k -le $nodes ]; do
        if [ $k -lt $i ]; then
            at $i ip route add 10.99.$k.0/24 via 10.99.$i.1
            at $i ip route add fd00:99:$k::/64 via fd00:99:$i::1
        elif [ $k -gt $((i + 1)) ]; then
            at $i ip route add 10.99.$k.0/24 via 10.99.$((i + 1)).2
            at $i ip route add fd00:99:$k::/64 via fd00:99:$((i + 1))::2
        fi
        k=$((k + 1))
    done
    i=$((i + 1))
done
