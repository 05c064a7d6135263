# What the example tests share.  A test sources it, then calls
# need_peers and start_test:
#   . "$top_srcdir/tests/examples/lib.sh"
#   need_peers socat python3
#   start_test examples

# need_peers PROGRAM...: skips the test (77) unless every PROGRAM is
# installed; fails it (99) unless llsockrun is built.
need_peers() {
    for peer in "$@"; do
        if ! command -v "$peer" >/dev/null 2>&1; then
            echo "SKIP: $peer is not installed; the examples are tested against it"
            exit 77
        fi
    done
    if [ ! -x "$LLSOCKRUN" ]; then
        echo "ERROR: $LLSOCKRUN is not an executable (build host/llsockrun first)"
        exit 99
    fi
}

# start_test NAME: makes the temporary directory $tmp; at exit, stops the
# background jobs recorded with track and removes $tmp.
start_test() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-$1.XXXXXX") || exit 99
    background_pids=
    trap cleanup EXIT
    trap 'exit 99' HUP INT TERM
    failures=0
}

cleanup() {
    for pid in $background_pids; do
        kill "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$tmp"
}

pass() {
    echo "PASS: $*"
}
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# Remember a background job (its pid is in $!) so cleanup can stop it.
track() {
    background_pids="$background_pids $!"
}
