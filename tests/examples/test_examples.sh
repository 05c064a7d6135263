#!/bin/sh
# Runs every example under the built llsockrun against peers nobody here
# wrote (socat, curl, python3's http.server and urllib), on loopback only,
# and checks the exact bytes that come back.  Every command runs under
# `timeout`.
#
# Environment (set by `make check`): LLSOCKRUN, top_srcdir.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (a peer program
# is missing), 99 the test itself could not run.

set -u

: "${LLSOCKRUN:?LLSOCKRUN must name the built llsockrun}"
: "${top_srcdir:?top_srcdir must name the source tree}"
examples=$top_srcdir/examples

. "$top_srcdir/tests/examples/lib.sh"
need_peers socat python3 curl

start_test examples

# expect_same WHAT EXPECTED_FILE ACTUAL_FILE
expect_same() {
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1: $(cmp "$2" "$3" 2>&1)"
        echo "  expected, first bytes:"
        head -c 64 "$2" | od -An -c | sed 's/^/  |/'
        echo "  actual, first bytes:"
        head -c 64 "$3" | od -An -c | sed 's/^/  |/'
    fi
}

# expect_status WHAT EXPECTED ACTUAL [STDERR_FILE]
expect_status() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: exit status $3, expected $2"
        if [ $# -ge 4 ] && [ -s "$4" ]; then
            sed 's/^/  stderr: /' "$4"
        fi
    fi
}

# expect_line WHAT FILE LINE: FILE holds LINE as a whole line.
expect_line() {
    if grep -qxF -- "$3" "$2"; then
        pass "$1"
    else
        fail "$1: no line '$3' in:"
        sed 's/^/  | /' "$2"
    fi
}

# wait_for_line FILE REGEX: until a line of FILE matches (at most 10 s).
wait_for_line() {
    attempts=0
    while [ $attempts -lt 200 ]; do
        if grep -q -- "$2" "$1" 2>/dev/null; then
            return 0
        fi
        attempts=$((attempts + 1))
        sleep 0.05
    done
    return 1
}

# free_port tcp|udp: a port the kernel just handed out on 127.0.0.1.
free_port() {
    timeout 10 python3 -c '
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
with socket.socket(socket.AF_INET, kind) as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
' "$1"
}

# wait_ready tcp PORT | udp PORT | unix PATH | abstract NAME [PID]
# Until a peer is ready there (at most 10 s, less if process PID ends first).
# TCP and unix peers are probed with a connection they must tolerate; a UDP
# port is looked up in /proc/net/udp, since probing it would feed the peer a
# datagram.
wait_ready() {
    timeout 15 python3 - "$@" <<'EOF'
import socket, sys, time

kind, target = sys.argv[1], sys.argv[2]
peer_pid = sys.argv[3] if len(sys.argv) > 3 else None

def peer_gone():
    if peer_pid is None:
        return False
    try:
        with open("/proc/%s/stat" % peer_pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True

def ready():
    if kind == "udp":
        wanted = ":%04X" % int(target)
        with open("/proc/net/udp") as table:
            return any(line.split()[1].endswith(wanted) for line in list(table)[1:])
    if kind == "tcp":
        family, address = socket.AF_INET, ("127.0.0.1", int(target))
    else:
        family = socket.AF_UNIX
        address = target if kind == "unix" else "\0" + target
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(address)
            return True
        except OSError:
            return False

deadline = time.monotonic() + 10
while not ready():
    if time.monotonic() > deadline or peer_gone():
        sys.exit(1)
    time.sleep(0.05)
EOF
}

# start_peer tcp|udp LAUNCHER: runs `LAUNCHER PORT` in the background on a
# free port until a peer is ready there, and sets $port.  Another program
# may grab the port between free_port and the launch, hence the retries.
start_peer() {
    for attempt in 1 2 3; do
        port=$(free_port "$1")
        "$2" "$port" &
        track
        if wait_ready "$1" "$port" "$!"; then
            return 0
        fi
        kill "$!" 2>/dev/null
    done
    return 1
}

# Launchers for start_peer; exec makes the tracked pid that of `timeout`.
launch_socat_tcp_echo() {
    exec timeout 30 socat "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" PIPE 2>"$tmp/socat-tcp.err"
}
launch_socat_udp_echo() {
    exec timeout 30 socat "UDP-LISTEN:$1,bind=127.0.0.1" PIPE 2>"$tmp/socat-udp.err"
}
launch_http_server() {
    exec timeout 30 python3 -m http.server --bind 127.0.0.1 --directory "$docroot" "$1" \
        >"$tmp/http-server.log" 2>&1
}

# Payloads: a line, and a text big enough to need many reads and writes.
printf 'hello, echo server\n' >"$tmp/line.txt"
seq 1 40000 >"$tmp/big.txt"
big_size=$(wc -c <"$tmp/big.txt")

# A TCP port that refuses connections: bound by python but never listening,
# so nobody else can take it while the checks run.
timeout 60 python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(50)
' >"$tmp/refusing.port" &
track
wait_for_line "$tmp/refusing.port" '^[0-9]' || { echo "ERROR: python3 could not bind a port"; exit 99; }
refusing_port=$(cat "$tmp/refusing.port")

is_linux=no
[ "$(uname -s)" = Linux ] && is_linux=yes

# ---- tour.lua: the main job -------------------------------------------------

timeout 10 "$LLSOCKRUN" "$examples/tour.lua" >"$tmp/tour.out" 2>"$tmp/tour.err"
expect_status "tour.lua exits 0" 0 $? "$tmp/tour.err"
if [ "$(tail -n 1 "$tmp/tour.out")" = "tour complete" ]; then
    pass "tour.lua ends with 'tour complete'"
else
    fail "tour.lua does not end with 'tour complete':"
    sed 's/^/  | /' "$tmp/tour.out"
fi
if grep -q '^\[errors\] connect to 127\.0\.0\.1:[0-9]* (bound, not listening) -> nil, [0-9]*: ECONNREFUSED = Connection refused$' "$tmp/tour.out" \
    && grep -qxF '[nonblocking] recv with nothing to read -> nil, EAGAIN (Resource temporarily unavailable), again = true' "$tmp/tour.out" \
    && grep -qxF '[tcp] client sent "hello over TCP" and the server echoed it back' "$tmp/tour.out" \
    && grep -qxF '[unix] client sent "hello over a unix socket" and the server echoed it back' "$tmp/tour.out"; then
    pass "tour.lua reports the TCP echo, the unix echo, ECONNREFUSED and EAGAIN"
else
    fail "tour.lua output lacks an expected step:"
    sed 's/^/  | /' "$tmp/tour.out"
fi
if [ -s "$tmp/tour.err" ]; then
    fail "tour.lua wrote to stderr:"
    sed 's/^/  | /' "$tmp/tour.err"
else
    pass "tour.lua writes nothing to stderr"
fi

# ---- echo-server.lua, with socat as the client ------------------------------

timeout 30 "$LLSOCKRUN" "$examples/echo-server.lua" 127.0.0.1 0 3 \
    >"$tmp/echo-server.out" 2>"$tmp/echo-server.err" &
server_pid=$!
track
if wait_for_line "$tmp/echo-server.out" '^listening on 127\.0\.0\.1:[1-9]'; then
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/echo-server.out")
    pass "echo-server.lua given port 0 prints the port it got ($port)"

    timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/line.txt" >"$tmp/echo-line.out"
    expect_same "echo-server.lua echoes a line to socat" "$tmp/line.txt" "$tmp/echo-line.out"
    timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/big.txt" >"$tmp/echo-big.out"
    expect_same "echo-server.lua echoes $big_size bytes to socat" "$tmp/big.txt" "$tmp/echo-big.out"
    timeout 10 socat -t 5 /dev/null "TCP:127.0.0.1:$port" >"$tmp/echo-empty.out"
    expect_same "echo-server.lua closes a connection that sent nothing" /dev/null "$tmp/echo-empty.out"

    wait "$server_pid"
    expect_status "echo-server.lua exits 0 after 3 connections" 0 $? "$tmp/echo-server.err"
    expect_line "echo-server.lua reports the end" "$tmp/echo-server.out" "served 3 connections, exiting"
    if [ "$(grep -c ' closed after ' "$tmp/echo-server.out")" = 3 ] \
        && grep -q "^127\.0\.0\.1:[0-9]* closed after 19 bytes echoed\$" "$tmp/echo-server.out" \
        && grep -q "^127\.0\.0\.1:[0-9]* closed after $big_size bytes echoed\$" "$tmp/echo-server.out" \
        && grep -q "^127\.0\.0\.1:[0-9]* closed after 0 bytes echoed\$" "$tmp/echo-server.out"; then
        pass "echo-server.lua reports each client's byte count"
    else
        fail "echo-server.lua byte counts:"
        sed 's/^/  | /' "$tmp/echo-server.out"
    fi
else
    fail "echo-server.lua did not report a listening address:"
    sed 's/^/  | /' "$tmp/echo-server.out" "$tmp/echo-server.err"
fi

# ---- echo-client.lua and echo-client-sock.lua, with socat as the server --

for client in echo-client.lua echo-client-sock.lua; do
    if start_peer tcp launch_socat_tcp_echo; then
        timeout 10 "$LLSOCKRUN" "$examples/$client" 127.0.0.1 "$port" hello from the client \
            >"$tmp/client.out" 2>"$tmp/client.err"
        expect_status "$client exits 0 against socat" 0 $? "$tmp/client.err"
        printf 'hello from the client\n' >"$tmp/client.expected"
        expect_same "$client prints socat's echo of its words" "$tmp/client.expected" "$tmp/client.out"
    else
        fail "socat did not listen on TCP: $(cat "$tmp/socat-tcp.err")"
    fi

    timeout 10 "$LLSOCKRUN" "$examples/$client" 127.0.0.1 "$refusing_port" \
        >"$tmp/refused.out" 2>"$tmp/refused.err"
    expect_status "$client exits 1 when the connection is refused" 1 $?
    printf 'echo-client: cannot connect to 127.0.0.1 port %s: Connection refused (ECONNREFUSED)\n' \
        "$refusing_port" >"$tmp/refused.expected"
    expect_same "$client explains the refusal with strerror" "$tmp/refused.expected" "$tmp/refused.err"
done

# ---- http-get.lua and http-get-sock.lua, with python3 -m http.server --------

docroot=$tmp/www
mkdir "$docroot"
printf 'hello from python3 -m http.server\n' >"$docroot/hello.txt"
cp "$tmp/big.txt" "$docroot/big.txt"
if start_peer tcp launch_http_server; then
    for getter in http-get.lua http-get-sock.lua; do
        for file in hello.txt big.txt; do
            timeout 10 "$LLSOCKRUN" "$examples/$getter" 127.0.0.1 "$port" "/$file" \
                >"$tmp/get-$file.out" 2>"$tmp/get-$file.err"
            expect_status "$getter /$file exits 0" 0 $? "$tmp/get-$file.err"
            { printf 'HTTP/1.0 200 OK\n'; cat "$docroot/$file"; } >"$tmp/get-$file.expected"
            expect_same "$getter /$file prints the status line and the exact body" \
                "$tmp/get-$file.expected" "$tmp/get-$file.out"
        done

        timeout 10 "$LLSOCKRUN" "$examples/$getter" 127.0.0.1 "$port" /missing.txt \
            >"$tmp/get-missing.out" 2>"$tmp/get-missing.err"
        expect_status "$getter exits 1 on 404" 1 $?
        if [ "$(head -n 1 "$tmp/get-missing.out")" = "HTTP/1.0 404 File not found" ]; then
            pass "$getter prints the 404 status line"
        else
            fail "$getter 404 status line: '$(head -n 1 "$tmp/get-missing.out")'"
        fi
        printf 'http-get: the server answered 404\n' >"$tmp/get-missing.expected"
        expect_same "$getter explains the 404 on stderr" "$tmp/get-missing.expected" "$tmp/get-missing.err"
    done
else
    fail "python3 -m http.server did not listen:"
    sed 's/^/  | /' "$tmp/http-server.log"
fi

for getter in http-get.lua http-get-sock.lua; do
    timeout 10 "$LLSOCKRUN" "$examples/$getter" 127.0.0.1 "$refusing_port" / \
        >"$tmp/get-refused.out" 2>"$tmp/get-refused.err"
    expect_status "$getter exits 1 when the connection is refused" 1 $?
    printf 'http-get: cannot connect to 127.0.0.1 port %s: Connection refused (ECONNREFUSED)\n' \
        "$refusing_port" >"$tmp/get-refused.expected"
    expect_same "$getter explains the refusal with strerror" "$tmp/get-refused.expected" "$tmp/get-refused.err"
done

# ---- the owned-socket clients give up on a server that never answers -------

# A listener that takes connections into its backlog and never replies.
"$LLSOCKRUN" -e '
    local llsocket = require "llsocket"
    local s = assert(llsocket.sock.inet.bind("127.0.0.1", 0, llsocket.opt.SOCK_STREAM, false, true))
    s:listen()
    print(s:sockname():port())
    io.stdout:flush()
    llsocket.sleep(30)' >"$tmp/silent.port" 2>"$tmp/silent.err" &
silent_pid=$!
for _ in $(seq 50); do
    [ -s "$tmp/silent.port" ] && break
    sleep 0.1
done
silent_port=$(cat "$tmp/silent.port")
if [ -n "$silent_port" ]; then
    for client in echo-client-sock.lua http-get-sock.lua; do
        name=${client%-sock.lua}
        start=$(date +%s)
        TIMEOUT=0.5 timeout 10 "$LLSOCKRUN" "$examples/$client" 127.0.0.1 "$silent_port" \
            >"$tmp/silent.out" 2>"$tmp/silent.client.err"
        expect_status "$client exits 1 when the server never answers" 1 $?
        printf '%s: recv: no answer within 0.5 seconds\n' "$name" >"$tmp/silent.expected"
        expect_same "$client says it gave up after TIMEOUT" "$tmp/silent.expected" "$tmp/silent.client.err"
        if [ $(( $(date +%s) - start )) -lt 8 ]; then
            pass "$client gave up in time"
        else
            fail "$client took $(( $(date +%s) - start )) s to give up after 0.5 s"
        fi
    done
else
    fail "the silent listener did not start: $(cat "$tmp/silent.err")"
fi
kill "$silent_pid" 2>/dev/null
wait "$silent_pid" 2>/dev/null

# ---- http-server.lua, with curl, python3's urllib and socat as clients -----

site=$tmp/site
mkdir "$site"
printf 'hello from http-server.lua\n' >"$site/hello.txt"
head -c 300000 /dev/urandom >"$site/random.bin"
hello_size=$(wc -c <"$site/hello.txt")

# fetch NAME PATH [CURL_OPTION ...]: curl saves the body in $tmp/http-NAME.body
# and the headers, without CRs, in $tmp/http-NAME.headers, and sets $status.
# -q skips any ~/.curlrc and --noproxy keeps the request on loopback.
fetch() {
    fetch_name=$1 fetch_path=$2
    shift 2
    status=$(timeout 15 curl -q -sS --noproxy '*' --max-time 10 \
        -D "$tmp/http-$fetch_name.raw-headers" -o "$tmp/http-$fetch_name.body" \
        -w '%{http_code}' "$@" "http://127.0.0.1:$port$fetch_path" 2>"$tmp/http-$fetch_name.err")
    tr -d '\r' <"$tmp/http-$fetch_name.raw-headers" >"$tmp/http-$fetch_name.headers" 2>/dev/null
}

# expect_http WHAT EXPECTED_STATUS NAME: the HTTP status of `fetch NAME`.
expect_http() {
    if [ "$status" = "$2" ]; then
        pass "$1"
    else
        fail "$1: HTTP status '$status', expected $2"
        sed 's/^/  curl: /' "$tmp/http-$3.err"
    fi
}

# raw_request NAME: sends $tmp/NAME.request as it is, with socat; the reply
# goes to $tmp/NAME.reply.
raw_request() {
    timeout 10 socat -t 5 - "TCP:127.0.0.1:$port" <"$tmp/$1.request" >"$tmp/$1.reply"
}

# The server answers exactly this many connections: one per request below.
http_requests=14
timeout 60 "$LLSOCKRUN" "$examples/http-server.lua" "$site" 127.0.0.1 0 "$http_requests" \
    >"$tmp/http-server.out" 2>"$tmp/http-server.err" &
server_pid=$!
track
if wait_for_line "$tmp/http-server.out" '^serving '; then
    port=$(sed -n "1s|^serving $site on http://127\\.0\\.0\\.1:\\([1-9][0-9]*\\)/\$|\\1|p" \
        "$tmp/http-server.out")
    if [ -n "$port" ]; then
        pass "http-server.lua given port 0 prints its URL with the port it got ($port)"
    else
        fail "http-server.lua first line: '$(head -n 1 "$tmp/http-server.out")'"
        port=0
    fi

    # curl speaks HTTP/1.1 unless told otherwise.
    fetch hello /hello.txt
    expect_http "http-server.lua answers curl's HTTP/1.1 GET with 200" 200 hello
    expect_same "http-server.lua sends the text file's exact bytes" "$site/hello.txt" "$tmp/http-hello.body"
    expect_line "http-server.lua types a .txt file as text/plain" "$tmp/http-hello.headers" \
        "Content-Type: text/plain"
    expect_line "http-server.lua tells an HTTP/1.1 client it closes the connection" \
        "$tmp/http-hello.headers" "Connection: close"

    fetch random /random.bin
    expect_http "http-server.lua answers GET of a 300000-byte file with 200" 200 random
    expect_same "http-server.lua sends the binary file's exact bytes" "$site/random.bin" "$tmp/http-random.body"
    expect_line "http-server.lua types an unknown extension as application/octet-stream" \
        "$tmp/http-random.headers" "Content-Type: application/octet-stream"

    fetch head /random.bin -I
    expect_http "http-server.lua answers HEAD with 200" 200 head
    expect_line "http-server.lua gives HEAD the file's Content-Length" "$tmp/http-head.headers" \
        "Content-Length: 300000"

    # curl reads no body after HEAD whatever comes, so only raw bytes show there is none.
    printf 'HEAD /random.bin HTTP/1.0\r\n\r\n' >"$tmp/http-raw-head.request"
    raw_request http-raw-head
    printf 'HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 300000\r\nConnection: close\r\n\r\n' \
        >"$tmp/http-raw-head.expected"
    expect_same "http-server.lua answers HEAD with the head and no body" \
        "$tmp/http-raw-head.expected" "$tmp/http-raw-head.reply"

    fetch missing /missing.txt
    expect_http "http-server.lua answers a missing file with 404" 404 missing
    printf '404 Not Found\n' >"$tmp/http-missing.expected"
    expect_same "http-server.lua explains the 404 in the body" "$tmp/http-missing.expected" \
        "$tmp/http-missing.body"

    fetch dotdot /../etc/passwd --path-as-is
    expect_http "http-server.lua refuses /../etc/passwd with 403" 403 dotdot
    fetch encoded-dotdot /%2e%2e/etc/passwd --path-as-is
    expect_http "http-server.lua refuses /%2e%2e/etc/passwd with 403" 403 encoded-dotdot
    fetch nul /hello.txt%00.png
    expect_http "http-server.lua refuses a name with a NUL in it with 403" 403 nul

    fetch post /hello.txt -d name=value
    expect_http "http-server.lua answers POST with 405" 405 post
    expect_line "http-server.lua names the methods it allows" "$tmp/http-post.headers" "Allow: GET, HEAD"

    fetch hello10 /hello.txt --http1.0
    expect_http "http-server.lua answers an HTTP/1.0 GET with 200" 200 hello10
    expect_same "http-server.lua sends the text file to an HTTP/1.0 client" \
        "$site/hello.txt" "$tmp/http-hello10.body"

    big_header=$(head -c 9000 /dev/zero | tr '\0' a)
    fetch big-head /hello.txt -H "X-Padding: $big_header"
    expect_http "http-server.lua answers a head over 8 KiB with 431" 431 big-head

    printf 'NONSENSE\r\n\r\n' >"$tmp/http-malformed.request"
    raw_request http-malformed
    printf 'HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nConnection: close\r\n\r\n400 Bad Request\n' \
        >"$tmp/http-malformed.expected"
    expect_same "http-server.lua answers a malformed request line with 400" \
        "$tmp/http-malformed.expected" "$tmp/http-malformed.reply"

    timeout 15 python3 -c '
import sys, urllib.request
without_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with without_proxy.open(sys.argv[1], timeout=10) as response:
    sys.stdout.buffer.write(response.read())
' "http://127.0.0.1:$port/random.bin" >"$tmp/http-urllib.body" 2>"$tmp/http-urllib.err"
    expect_status "python3 urllib gets /random.bin from http-server.lua" 0 $? "$tmp/http-urllib.err"
    expect_same "http-server.lua sends python3 urllib the binary file's exact bytes" \
        "$site/random.bin" "$tmp/http-urllib.body"

    # A client that starts a request and goes silent must not hold the
    # server: once its 10-second receive timeout runs out, it answers 408.
    timeout 25 python3 -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20) as conn:
    conn.sendall(b"GET /hello.txt HTTP/1.0\r\n")
    while True:
        data = conn.recv(4096)
        if not data:
            break
        sys.stdout.buffer.write(data)
' "$port" >"$tmp/http-silent.reply" 2>"$tmp/http-silent.err"
    expect_status "http-server.lua answers and closes a silent client's connection" 0 $? \
        "$tmp/http-silent.err"
    printf 'HTTP/1.0 408 Request Timeout\r\nContent-Type: text/plain\r\nContent-Length: 20\r\nConnection: close\r\n\r\n408 Request Timeout\n' \
        >"$tmp/http-silent.expected"
    expect_same "http-server.lua answers a silent client with 408" \
        "$tmp/http-silent.expected" "$tmp/http-silent.reply"

    wait "$server_pid"
    expect_status "http-server.lua exits 0 after $http_requests requests" 0 $? "$tmp/http-server.err"
    sed -e 1d -e 's/^127\.0\.0\.1:[1-9][0-9]* /PEER /' "$tmp/http-server.out" >"$tmp/http-server.log"
    cat >"$tmp/http-server.log-expected" <<END_OF_LOG
PEER GET /hello.txt 200 $hello_size
PEER GET /random.bin 200 300000
PEER HEAD /random.bin 200 0
PEER HEAD /random.bin 200 0
PEER GET /missing.txt 404 14
PEER GET /../etc/passwd 403 14
PEER GET /%2e%2e/etc/passwd 403 14
PEER GET /hello.txt%00.png 403 14
PEER POST /hello.txt 405 23
PEER GET /hello.txt 200 $hello_size
PEER - - 431 36
PEER - - 400 16
PEER GET /random.bin 200 300000
PEER - - 408 20
served $http_requests requests, exiting
END_OF_LOG
    expect_same "http-server.lua logs each request: peer, method, target, status, body bytes" \
        "$tmp/http-server.log-expected" "$tmp/http-server.log"
    if [ -s "$tmp/http-server.err" ]; then
        fail "http-server.lua wrote to stderr:"
        sed 's/^/  | /' "$tmp/http-server.err"
    else
        pass "http-server.lua writes nothing to stderr"
    fi
else
    fail "http-server.lua did not report what it serves:"
    sed 's/^/  | /' "$tmp/http-server.out" "$tmp/http-server.err"
fi

# ---- udp-echo.lua server, with socat as the client --------------------------

timeout 30 "$LLSOCKRUN" "$examples/udp-echo.lua" server 127.0.0.1 0 2 \
    >"$tmp/udp-server.out" 2>"$tmp/udp-server.err" &
server_pid=$!
track
if wait_for_line "$tmp/udp-server.out" '^listening on udp 127\.0\.0\.1:[1-9]'; then
    port=$(sed -n 's/^listening on udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/udp-server.out")
    pass "udp-echo.lua server given port 0 prints the port it got ($port)"
    printf 'ping over udp\n' >"$tmp/udp-line.txt"
    head -c 4000 "$tmp/big.txt" >"$tmp/udp-4000.txt"
    # socat has no end-of-reply signal for UDP: -t bounds its wait for it.
    timeout 10 socat -t 2 - "UDP:127.0.0.1:$port" <"$tmp/udp-line.txt" >"$tmp/udp-line.out"
    expect_same "udp-echo.lua server echoes a datagram to socat" "$tmp/udp-line.txt" "$tmp/udp-line.out"
    timeout 10 socat -t 2 - "UDP:127.0.0.1:$port" <"$tmp/udp-4000.txt" >"$tmp/udp-4000.out"
    expect_same "udp-echo.lua server echoes a 4000-byte datagram to socat" \
        "$tmp/udp-4000.txt" "$tmp/udp-4000.out"
    wait "$server_pid"
    expect_status "udp-echo.lua server exits 0 after 2 datagrams" 0 $? "$tmp/udp-server.err"
    if grep -q '^echoed 14 bytes to 127\.0\.0\.1:[1-9][0-9]*$' "$tmp/udp-server.out" \
        && grep -q '^echoed 4000 bytes to 127\.0\.0\.1:[1-9][0-9]*$' "$tmp/udp-server.out" \
        && [ "$(tail -n 1 "$tmp/udp-server.out")" = "echoed 2 datagrams, exiting" ]; then
        pass "udp-echo.lua server reports each datagram and its sender"
    else
        fail "udp-echo.lua server report:"
        sed 's/^/  | /' "$tmp/udp-server.out"
    fi
else
    fail "udp-echo.lua server did not report a bound address:"
    sed 's/^/  | /' "$tmp/udp-server.out" "$tmp/udp-server.err"
fi

# ---- udp-echo.lua client, with socat as the echo server ---------------------

if start_peer udp launch_socat_udp_echo; then
    timeout 10 "$LLSOCKRUN" "$examples/udp-echo.lua" client 127.0.0.1 "$port" ping from the client \
        >"$tmp/udp-client.out" 2>"$tmp/udp-client.err"
    expect_status "udp-echo.lua client exits 0 against socat" 0 $? "$tmp/udp-client.err"
    printf 'ping from the client\n' >"$tmp/udp-client.expected"
    expect_same "udp-echo.lua client prints socat's echo" "$tmp/udp-client.expected" "$tmp/udp-client.out"
else
    fail "socat did not bind a UDP port: $(cat "$tmp/socat-udp.err")"
fi

# ---- unix-echo.lua server, with socat as the client -------------------------

socket_file=$tmp/server.sock
# A socket file left by a dead server: the example must replace it.
timeout 10 python3 -c '
import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])
' "$socket_file"
timeout 30 "$LLSOCKRUN" "$examples/unix-echo.lua" server "$socket_file" 2 \
    >"$tmp/unix-server.out" 2>"$tmp/unix-server.err" &
server_pid=$!
track
if wait_for_line "$tmp/unix-server.out" '^listening on '; then
    expect_line "unix-echo.lua server replaces a stale socket file" "$tmp/unix-server.out" \
        "removing stale socket file $socket_file"
    expect_line "unix-echo.lua server prints its path" "$tmp/unix-server.out" "listening on $socket_file"
    timeout 10 socat -t 5 - "UNIX-CONNECT:$socket_file" <"$tmp/line.txt" >"$tmp/unix-line.out"
    expect_same "unix-echo.lua server echoes a line to socat" "$tmp/line.txt" "$tmp/unix-line.out"
    timeout 10 socat -t 5 - "UNIX-CONNECT:$socket_file" <"$tmp/big.txt" >"$tmp/unix-big.out"
    expect_same "unix-echo.lua server echoes $big_size bytes to socat" "$tmp/big.txt" "$tmp/unix-big.out"
    wait "$server_pid"
    expect_status "unix-echo.lua server exits 0 after 2 connections" 0 $? "$tmp/unix-server.err"
    expect_line "unix-echo.lua server counts the big client's bytes" "$tmp/unix-server.out" \
        "client 2 closed after $big_size bytes echoed"
    if [ -e "$socket_file" ]; then
        fail "unix-echo.lua server left $socket_file behind"
    else
        pass "unix-echo.lua server removes its socket file"
    fi
else
    fail "unix-echo.lua server did not report listening:"
    sed 's/^/  | /' "$tmp/unix-server.out" "$tmp/unix-server.err"
fi

# ---- unix-echo.lua client, with socat as the echo server --------------------

socket_file=$tmp/socat.sock
timeout 30 socat "UNIX-LISTEN:$socket_file,fork" PIPE 2>"$tmp/socat-unix.err" &
track
if wait_ready unix "$socket_file"; then
    timeout 10 "$LLSOCKRUN" "$examples/unix-echo.lua" client "$socket_file" hello over unix \
        >"$tmp/unix-client.out" 2>"$tmp/unix-client.err"
    expect_status "unix-echo.lua client exits 0 against socat" 0 $? "$tmp/unix-client.err"
    printf 'hello over unix\n' >"$tmp/unix-client.expected"
    expect_same "unix-echo.lua client prints socat's echo" "$tmp/unix-client.expected" "$tmp/unix-client.out"
else
    fail "socat did not listen on $socket_file: $(cat "$tmp/socat-unix.err")"
fi

# ---- unix-echo.lua with Linux abstract names, both ends -----------------------

if [ "$is_linux" = yes ]; then
    abstract_name=llsock-examples-$$-socat
    timeout 30 socat "ABSTRACT-LISTEN:$abstract_name,fork" PIPE 2>"$tmp/socat-abstract.err" &
    track
    if wait_ready abstract "$abstract_name"; then
        timeout 10 "$LLSOCKRUN" "$examples/unix-echo.lua" client "@$abstract_name" abstract hello \
            >"$tmp/abstract-client.out" 2>"$tmp/abstract-client.err"
        expect_status "unix-echo.lua client exits 0 on an abstract name" 0 $? "$tmp/abstract-client.err"
        printf 'abstract hello\n' >"$tmp/abstract-client.expected"
        expect_same "unix-echo.lua client prints socat's echo over an abstract name" \
            "$tmp/abstract-client.expected" "$tmp/abstract-client.out"
    else
        fail "socat did not listen on abstract name $abstract_name: $(cat "$tmp/socat-abstract.err")"
    fi

    abstract_name=llsock-examples-$$-lua
    timeout 30 "$LLSOCKRUN" "$examples/unix-echo.lua" server "@$abstract_name" 1 \
        >"$tmp/abstract-server.out" 2>"$tmp/abstract-server.err" &
    server_pid=$!
    track
    if wait_for_line "$tmp/abstract-server.out" '^listening on '; then
        expect_line "unix-echo.lua server prints its abstract name" "$tmp/abstract-server.out" \
            "listening on @$abstract_name"
        timeout 10 socat -t 5 - "ABSTRACT-CONNECT:$abstract_name" <"$tmp/line.txt" >"$tmp/abstract-line.out"
        expect_same "unix-echo.lua server echoes to socat over an abstract name" \
            "$tmp/line.txt" "$tmp/abstract-line.out"
        wait "$server_pid"
        expect_status "unix-echo.lua abstract server exits 0 after 1 connection" 0 $? \
            "$tmp/abstract-server.err"
    else
        fail "unix-echo.lua abstract server did not report listening:"
        sed 's/^/  | /' "$tmp/abstract-server.out" "$tmp/abstract-server.err"
    fi
else
    echo "SKIP: abstract unix names need Linux"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all example checks passed"
exit 0
