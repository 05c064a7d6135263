#!/bin/sh
# The poller examples on loopback: poll-echo-server.lua and
# co-echo-server.lua against socat and python3 clients (whole lines, big
# transfers, slow readers, clients that reset or leave early), and against
# many-clients.lua holding POLL_LOAD_CONNECTIONS connections at once, each
# verifying its echo byte for byte; many-clients.lua against socat, a
# refusing port, a listener that never accepts and a server that garbles.
# A server must end with the fds it started with.  Every command runs
# under `timeout`.
#
# Environment (set by `make check`): LLSOCKRUN, top_srcdir.
# POLL_LOAD_CONNECTIONS (default 1000) sets the load; POLL_LOAD_ONLY=1 runs
# only the load test (make check-load: 10000 connections), which prints the
# time each server took and the peak RSS of the servers and the client.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (a peer program is
# missing or the fd limit is too low), 99 the test itself could not run.

set -u

: "${LLSOCKRUN:?LLSOCKRUN must name the built llsockrun}"
: "${top_srcdir:?top_srcdir must name the source tree}"
examples=$top_srcdir/examples
connections=${POLL_LOAD_CONNECTIONS:-1000}
load_only=${POLL_LOAD_ONLY:-0}
# Sanitizer builds run several times slower.
slow=1
[ -n "${SANITIZERS:-}" ] && slow=4

. "$top_srcdir/tests/examples/lib.sh"
need_peers socat python3

# Each side of the load holds one fd per connection, plus a few.
fds_needed=$((connections + 64))
soft=$(ulimit -S -n)
hard=$(ulimit -H -n)
if [ "$soft" != unlimited ] && [ "$soft" -lt "$fds_needed" ]; then
    if [ "$hard" != unlimited ] && [ "$hard" -lt "$fds_needed" ]; then
        echo "SKIP: $connections connections need $fds_needed fds a process;" \
            "the hard limit (ulimit -H -n) is $hard"
        exit 77
    fi
    ulimit -S -n "$fds_needed" || exit 99
fi

start_test poll

# check WHAT COMMAND...: passes when COMMAND succeeds.
check() {
    check_what=$1
    shift
    if "$@"; then pass "$check_what"; else fail "$check_what"; fi
}
show() { sed 's/^/  | /' "$@"; }

# until_true SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds.
until_true() {
    until_tries=$(($1 * 20 * slow))
    shift
    while ! "$@"; do
        until_tries=$((until_tries - 1))
        [ $until_tries -gt 0 ] || return 1
        sleep 0.05
    done
}
has_line() { grep -q -- "$2" "$1" 2>/dev/null; }
open_fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
fds_are() { [ "$(open_fds "$1")" -eq "$2" ]; }

# start_server NAME SCRIPT MAX_CLIENTS: starts SCRIPT on a free port; sets
# $server_pid (llsockrun's own pid: sh execs it), $port and $baseline_fds.
start_server() {
    timeout $((120 * slow)) sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/$1.pid" \
        "$LLSOCKRUN" "$examples/$2" 127.0.0.1 0 "$3" >"$tmp/$1.out" 2>"$tmp/$1.err" &
    track
    server_job=$!
    if ! until_true 10 has_line "$tmp/$1.out" '^listening on 127\.0\.0\.1:[1-9]'; then
        fail "$2 did not report a listening address:"
        show "$tmp/$1.out" "$tmp/$1.err"
        return 1
    fi
    server_pid=$(cat "$tmp/$1.pid")
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/$1.out")
    baseline_fds=$(open_fds "$server_pid")
}

# expect_idle NAME SCRIPT SERVED: the server says it has served SERVED
# clients and is idle, and is back to the fds it started with.
expect_idle() {
    if until_true 30 has_line "$tmp/$1.out" "^idle: served $3 clients,"; then
        pass "$2 is idle after $3 clients"
    else
        fail "$2 never reported being idle after $3 clients:"
        show "$tmp/$1.out" "$tmp/$1.err"
    fi
    if until_true 5 fds_are "$server_pid" "$baseline_fds"; then
        pass "$2 has the $baseline_fds fds it started with"
    else
        fail "$2 has $(open_fds "$server_pid") fds, it started with $baseline_fds:"
        ls -l "/proc/$server_pid/fd" | show
    fi
}

# expect_exit NAME SCRIPT SERVED: the server exits 0 after SERVED clients,
# having written nothing to stderr.
expect_exit() {
    wait "$server_job"
    status=$?
    check "$2 exits 0 after its last client" [ "$status" = 0 ]
    check "$2 says it served $3 clients" \
        grep -q "^served $3 clients, at most [0-9]* at once, [0-9]* bytes echoed, exiting\$" \
        "$tmp/$1.out"
    if [ -s "$tmp/$1.err" ]; then
        fail "$2 wrote to stderr:"
        show "$tmp/$1.err"
    fi
}

# many_clients NAME PORT COUNT SIZE TIMEOUT: runs many-clients.lua; its
# output is in $tmp/NAME.clients, its status in $status.
many_clients() {
    timeout $((60 * slow)) "$LLSOCKRUN" "$examples/many-clients.lua" 127.0.0.1 "$2" \
        "$3" "$4" "$5" >"$tmp/$1.clients" 2>&1
    status=$?
}

# expect_summary WHAT NAME SUMMARY STATUS: many-clients' first line ends with
# SUMMARY and it exited with STATUS.
expect_summary() {
    if [ "$status" = "$4" ] && head -n 1 "$tmp/$2.clients" | grep -q -- "$3, in [0-9.]* s\$"; then
        pass "$1"
    else
        fail "$1: status $status (expected $4), expected '...$3':"
        show "$tmp/$2.clients"
    fi
}

# python3 clients: python3 - MODE PORT FILE, see each mode.
python_client() {
    timeout $((30 * slow)) python3 - "$@" <<'EOF'
import socket, struct, sys, time

mode, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
s = socket.socket()
# A small receive buffer (no autotuning) fills up soon, so the server
# meets a full send buffer.
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
s.connect(("127.0.0.1", port))
if mode == "reset":
    # Sends until every buffer on the way is full, reading nothing, so the
    # server is left with echo it cannot send; then resets the connection.
    s.setblocking(False)
    sent = 0
    for _ in range(2):
        try:
            while sent < len(data):
                sent += s.send(data[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
elif mode == "leave":
    # Sends and closes at once: the echo arrives at a closed socket.
    s.sendall(data[:100000])
    s.close()
elif mode == "slow":
    # Sends everything while reading slowly, so the server meets a full
    # send buffer again and again; then checks the echo.
    s.setblocking(False)
    sent, echo = 0, bytearray()
    while len(echo) < len(data):
        if sent < len(data):
            try:
                sent += s.send(data[sent:sent + 65536])
            except BlockingIOError:
                pass
            if sent == len(data):
                s.shutdown(socket.SHUT_WR)
        time.sleep(0.001)
        try:
            chunk = s.recv(65536)
        except BlockingIOError:
            continue
        if not chunk:
            break
        echo += chunk
    s.close()
    if bytes(echo) != data:
        sys.exit("slow reader: got %d bytes back, sent %d, equal prefix: %s"
                 % (len(echo), len(data), data.startswith(bytes(echo))))
EOF
}

# More than the kernel buffers on the way hold (up to 4 MB to send, 32 KB
# to receive for python3's clients), so the servers meet full send buffers.
head -c 16000000 /dev/urandom >"$tmp/random.bin"
printf 'hello, poller\n' >"$tmp/line.txt"
seq 1 40000 >"$tmp/big.txt"

# ---- each server against socat, python3 and many-clients.lua -------------

# The clients each test sends to a server: socat 3, python3 3, then the
# load, the big load and one last socat that lets the server exit.
real_peer_clients=6
big_connections=20
if [ "$load_only" = 1 ]; then
    real_peer_clients=0
    big_connections=0
fi
total_clients=$((real_peer_clients + connections + big_connections + 1))

for script in poll-echo-server.lua co-echo-server.lua; do
    name=${script%.lua}
    start_server "$name" "$script" "$total_clients" || continue
    served=0

    if [ "$load_only" != 1 ]; then
        timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/line.txt" >"$tmp/$name.line"
        check "$script echoes a line to socat" cmp -s "$tmp/line.txt" "$tmp/$name.line"
        timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/big.txt" >"$tmp/$name.big"
        check "$script echoes $(wc -c <"$tmp/big.txt") bytes to socat" \
            cmp -s "$tmp/big.txt" "$tmp/$name.big"
        timeout 10 socat -t 5 /dev/null "TCP:127.0.0.1:$port" >"$tmp/$name.empty"
        check "$script closes a connection that sent nothing" [ ! -s "$tmp/$name.empty" ]
        for mode in reset leave slow; do
            python_client "$mode" "$port" "$tmp/random.bin" 2>"$tmp/$name.$mode.err"
            check "python3 client '$mode' against $script ends well" [ $? = 0 ]
            [ -s "$tmp/$name.$mode.err" ] && show "$tmp/$name.$mode.err"
        done
        served=$real_peer_clients
        expect_idle "$name" "$script" "$served"
    fi

    load_started=$(date +%s.%N)
    client_time=
    command -v /usr/bin/time >/dev/null && client_time="/usr/bin/time -f %M -o $tmp/$name.rss"
    # shellcheck disable=SC2086 # client_time is words on purpose
    timeout $((120 * slow)) $client_time "$LLSOCKRUN" "$examples/many-clients.lua" \
        127.0.0.1 "$port" "$connections" 64 $((20 * slow)) >"$tmp/$name.clients" 2>&1
    status=$?
    load_seconds=$(echo "$load_started $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
    expect_summary "$connections clients of 64 bytes at once each get their echo from $script" \
        "$name" "$connections echoed, 0 refused, 0 timed out, 0 failed" 0
    served=$((served + connections))
    expect_idle "$name" "$script" "$served"
    check "$script held all $connections connections at once" \
        grep -q "^idle: served $served clients, at most $connections at once," "$tmp/$name.out"
    server_rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$server_pid/status")
    client_rss=n/a
    [ -s "$tmp/$name.rss" ] && client_rss="$(tail -n 1 "$tmp/$name.rss") kB"
    echo "LOAD: $script, $connections connections: $load_seconds s," \
        "peak RSS of the server $server_rss, of many-clients.lua $client_rss"

    if [ "$big_connections" -gt 0 ]; then
        many_clients "$name-big" "$port" "$big_connections" 1000000 $((20 * slow))
        expect_summary "$big_connections clients of 1 MB at once each get their echo from $script" \
            "$name-big" "$big_connections echoed, 0 refused, 0 timed out, 0 failed" 0
        served=$((served + big_connections))
        expect_idle "$name" "$script" "$served"
    fi

    timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/line.txt" >"$tmp/$name.last"
    check "$script echoes its last client" cmp -s "$tmp/line.txt" "$tmp/$name.last"
    expect_exit "$name" "$script" "$total_clients"
done

if [ "$load_only" = 1 ]; then
    [ $failures = 0 ] || exit 1
    exit 0
fi

# ---- many-clients.lua against other peers ----------------------------------

# python_server MODE NAME: a python3 peer on a port of its own, in
# $peer_port: "free" exits at once, leaving the port to whoever takes it;
# "refuse" binds it and never listens; "ignore" listens with the smallest
# queue and never accepts; "garble" echoes one connection with its last
# byte changed.
python_server() {
    timeout $((30 * slow)) python3 - "$1" "$tmp/$2.port" >/dev/null <<'EOF' &
import os, socket, sys, time

mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
if mode == "ignore":
    s.listen(0)
elif mode == "garble":
    s.listen(1)
with open(portfile + ".tmp", "w") as f:
    print(s.getsockname()[1], file=f)
os.rename(portfile + ".tmp", portfile)
if mode == "garble":
    c, _ = s.accept()
    data = b""
    while len(data) < 1000:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    c.sendall(data[:-1] + bytes([data[-1] ^ 1]))
    time.sleep(5)
elif mode != "free":
    time.sleep(25)
EOF
    track
    until_true 10 test -s "$tmp/$2.port" || { echo "ERROR: python3 could not bind a port"; exit 99; }
    peer_port=$(cat "$tmp/$2.port")
}

python_server free socat
timeout 30 socat "TCP-LISTEN:$peer_port,bind=127.0.0.1,reuseaddr,fork" PIPE 2>"$tmp/socat.err" &
track
if until_true 10 sh -c "socat /dev/null TCP:127.0.0.1:$peer_port 2>/dev/null"; then
    many_clients socat "$peer_port" 20 1000 10
    expect_summary "many-clients.lua: 20 connections to socat are echoed" \
        socat "20 echoed, 0 refused, 0 timed out, 0 failed" 0
else
    fail "socat did not listen: $(cat "$tmp/socat.err")"
fi

python_server refuse refuse
many_clients refused "$peer_port" 5 64 10
expect_summary "many-clients.lua counts refused connections and exits 1" refused \
    "5 connections to 127.0.0.1 port $peer_port, 64 bytes each: 0 echoed, 5 refused, 0 timed out, 0 failed" 1

python_server ignore ignore
many_clients ignored "$peer_port" 5 64 0.5
expect_summary "many-clients.lua gives up on a listener that never accepts" \
    ignored "0 echoed, 0 refused, 5 timed out, 0 failed" 1
check "many-clients.lua says which timed out while connecting" \
    grep -q '^  timed out: [1-5] connecting, [0-4] waiting for the echo$' "$tmp/ignored.clients"

python_server garble garble
many_clients garbled "$peer_port" 1 1000 10
expect_summary "many-clients.lua catches an echo with one byte changed" \
    garbled "0 echoed, 0 refused, 0 timed out, 1 failed" 1
check "many-clients.lua says the echo differs" \
    grep -qxF '  failed: 1 echo differs from the message' "$tmp/garbled.clients"

many_clients badcount 1 0 64 10
check "many-clients.lua refuses a count of 0" [ "$status" = 1 ]

[ $failures = 0 ] || exit 1
exit 0
