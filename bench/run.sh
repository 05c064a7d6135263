#!/bin/sh
# make bench: the same socket operations done by raw C, libllsock, llsocket
# and its peers, measured side by side.  Run from the build directory.
# See bench/README.md for what is measured and how to read the tables.
#
# Environment: CC (default cc), CFLAGS (default -O2), PYTHON (default
# python3), BENCH_NO_VALGRIND=1 to skip the instruction counts,
# BENCH_QUICK=1 for wall-clock runs a tenth as long (a smoke test),
# BENCH_POLL_CONNECTIONS (default 10000) for the poller row.
set -u

bench=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$bench/.." && pwd)
builddir=$(pwd)
CC=${CC:-cc}
PYTHON=${PYTHON:-python3}
CONTESTANTS="C libllsock llsockrun lua5.4 luasocket luaposix python3"
# the llsocket column the other columns are compared with
BASELINE=llsockrun
UNSUPPORTED=77
PENDING=78 # an op this version of llsocket cannot do yet: its cell is n/a
LIMIT=60   # seconds any one run may take
# the poller row: an echo server's loop serving this many connections
POLL_CONNECTIONS=${BENCH_POLL_CONNECTIONS:-10000}
POLL_CONTESTANTS="C libllsock llsockrun lua5.4"
poll_measured=0

# Instruction counts: each op's user-space instructions, counted by
# callgrind at SHORT and LONG ops; the difference cancels start-up.
# floor1 and floor2 are the floor rows (one and two trivial calls an op).
INSTR_OPS="floor1 floor2 getter sendrecv1 sendrecv64 sendrecv4096 sendrecv4097
  sendrecv65536 udp udpreuse msg msgreuse batch eagain"
SHORT=1000
LONG=11000

# Wall clock: rounds of each op, every contestant in turn, in an order
# that rotates from round to round; the peer (c-bench peer) times them.
WALL_OPS="stream pingpong churn burst burstmm"
ROUNDS=5
# 64 KiB chunks (1 GiB), round trips, connections, datagrams
WALL_ITERATIONS="stream=16384 pingpong=20000 churn=3000 burst=32000
  burstmm=32000"

if [ ! -f "$builddir/lualib/.libs/llsocket.so" ]; then
  echo "run.sh: run me from the build directory, after make" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
results=$tmp/results
: >"$results"

# Only the contestants' own variables, so a user's Lua setup changes nothing.
unset LUA_INIT LUA_INIT_5_3 LUA_INIT_5_4 LUA_PATH_5_3 LUA_PATH_5_4 \
  LUA_CPATH_5_3 LUA_CPATH_5_4
LUA_PATH="$bench/?.lua;;"
LUA_CPATH="$builddir/lualib/.libs/?.so;;"
PYTHONHASHSEED=0
PYTHONDONTWRITEBYTECODE=1
BENCH_PEER="$tmp/c-bench peer"
export LUA_PATH LUA_CPATH PYTHONHASHSEED PYTHONDONTWRITEBYTECODE BENCH_PEER

# ---- the contestants ---------------------------------------------------------

libllsock_a=$builddir/libllsock/.libs/libllsock.a
[ -f "$libllsock_a" ] || libllsock_a=$builddir/libllsock/.libs/libllsock-core.a
# shellcheck disable=SC2086 # CC and CFLAGS are words on purpose
if ! $CC ${CFLAGS:--O2} -I"$top_srcdir/libllsock" -o "$tmp/c-bench" \
    "$bench/c-bench.c" "$libllsock_a"; then
  echo "run.sh: cannot build the C benchmark" >&2
  exit 1
fi
# shellcheck disable=SC2086
if ! $CC ${CFLAGS:--O2} -I"$top_srcdir/libllsock" -o "$tmp/poll-bench" \
    "$bench/poll-bench.c" "$libllsock_a"; then
  echo "run.sh: cannot build the poller benchmark" >&2
  exit 1
fi

# The real interpreter, not a wrapper script (pyenv's shims are), so
# that valgrind measures Python itself.
python=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null)

# Prints the command line of a contestant, or nothing when it is missing.
detect() {
  case $1 in
  C) echo "$tmp/c-bench raw" ;;
  libllsock) echo "$tmp/c-bench llsock" ;;
  llsockrun)
    [ -x "$builddir/host/llsockrun" ] &&
      echo "$builddir/host/llsockrun $bench/llsocket-bench.lua" ;;
  lua5.4)
    command -v lua5.4 >/dev/null &&
      echo "lua5.4 $bench/llsocket-bench.lua" ;;
  luasocket)
    lua5.4 -e 'require "socket"' 2>/dev/null &&
      echo "lua5.4 $bench/luasocket-bench.lua" ;;
  luaposix)
    lua5.3 -e 'require "posix.sys.socket"' 2>/dev/null &&
      echo "lua5.3 $bench/luaposix-bench.lua" ;;
  python3)
    [ -n "$python" ] && echo "$python $bench/pysocket-bench.py" ;;
  esac
}

for contestant in $CONTESTANTS; do
  detect "$contestant" >"$tmp/command.$contestant"
done
command_of() { cat "$tmp/command.$1"; }
available() { [ -n "$(command_of "$1")" ]; }

# Failures of llsock's own contestants fail make bench; the peers' do not.
is_llsock() {
  case $1 in libllsock | llsockrun | lua5.4) return 0 ;; esac
  return 1
}
llsock_failed() { : >"$tmp/llsock-failed"; }

# run CONTESTANT OP ITERATIONS ROUNDS [PREFIX...]: the contestant's output,
# status 0; UNSUPPORTED when its library lacks OP, PENDING when llsocket
# cannot do it yet; 1 when it failed.  Safe to run two at a time.
run() {
  run_who=$1 run_op=$2 run_iterations=$3 run_rounds=$4
  shift 4
  run_err=$tmp/stderr.$run_who.$run_op
  # shellcheck disable=SC2046 # the command is words on purpose
  timeout "$LIMIT" "$@" $(command_of "$run_who") "$run_op" \
    "$run_iterations" "$run_rounds" 2>"$run_err"
  run_status=$?
  [ $run_status -eq 0 ] || [ $run_status -eq $UNSUPPORTED ] ||
    [ $run_status -eq $PENDING ] || {
    echo "run.sh: $run_who $run_op failed (status $run_status):" >&2
    sed 's/^/  /' "$run_err" >&2
    is_llsock "$run_who" && llsock_failed
    run_status=1
  }
  return $run_status
}

record() { echo "$1 $2 $3 $4" >>"$results"; }

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The contestants, the first one of them moved to the end ROUND times.
rotation() {
  rotation_round=$1
  set -- $CONTESTANTS
  shift_by=$((rotation_round % $#))
  while [ $shift_by -gt 0 ]; do
    first=$1
    shift
    set -- "$@" "$first"
    shift_by=$((shift_by - 1))
  done
  echo "$@"
}

# ---- the run -----------------------------------------------------------------

echo "llsock benchmarks: $(date '+%Y-%m-%d %H:%M %Z'), $(uname -sm)," \
  "$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
    head -n 1)"

for contestant in $CONTESTANTS; do
  available "$contestant" ||
    echo "  $contestant: not available, its column is n/a"
done

# ---- wall clock --------------------------------------------------------------

# Alone, before any callgrind run competes for the CPU.  A burst of load
# elsewhere on the machine spoils one round of several contestants, not
# all the rounds of one.
scale=1
[ "${BENCH_QUICK:-}" = 1 ] && scale=10
echo "wall clock: median of $ROUNDS rounds, each contestant in turn ..."
round=0
while [ $round -lt $ROUNDS ]; do
  for op in $WALL_OPS; do
    iterations=$(echo "$WALL_ITERATIONS" | tr ' ' '\n' |
      sed -n "s/^$op=//p")
    for contestant in $(rotation $round); do
      available "$contestant" || continue
      [ -f "$tmp/unsupported.$op.$contestant" ] && continue
      run "$contestant" "$op" $((iterations / scale)) 1 \
        >>"$tmp/wall.$op.$contestant"
      [ $? -ne $UNSUPPORTED ] || : >"$tmp/unsupported.$op.$contestant"
    done
  done
  round=$((round + 1))
done
for op in $WALL_OPS; do
  for contestant in $CONTESTANTS; do
    if [ -f "$tmp/unsupported.$op.$contestant" ]; then
      record "$op" "$contestant" unsupported 1
      continue
    fi
    # a contestant that failed has fewer than ROUNDS times
    [ -f "$tmp/wall.$op.$contestant" ] || continue
    [ "$(wc -l <"$tmp/wall.$op.$contestant")" -eq $ROUNDS ] || continue
    record "$op" "$contestant" ns "$(median <"$tmp/wall.$op.$contestant")"
  done
done

# ---- the poller row ------------------------------------------------------------

# The server command of a poller contestant, or nothing when it is missing.
poll_server() {
  case $1 in
  C) echo "$tmp/poll-bench server raw" ;;
  libllsock) echo "$tmp/poll-bench server llsock" ;;
  llsockrun | lua5.4)
    command_of "$1" | sed 's|llsocket-bench\.lua$|poll-server.lua|' ;;
  esac
}

# poll_round CONTESTANT: one round, "events cpu_ns" appended to its file.
poll_round() {
  : >"$tmp/poll.out" # no port line of the last round
  # shellcheck disable=SC2046 # the command is words on purpose
  timeout "$LIMIT" $(poll_server "$1") "$POLL_CONNECTIONS" >"$tmp/poll.out" 2>"$tmp/stderr" &
  poll_pid=$!
  tries=0
  until grep -q '^port [1-9]' "$tmp/poll.out" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -lt 200 ] && kill -0 $poll_pid 2>/dev/null || break
    sleep 0.05
  done
  poll_port=$(sed -n 's/^port //p' "$tmp/poll.out")
  poll_ok=0
  if [ -n "$poll_port" ] && timeout "$LIMIT" "$tmp/poll-bench" client "$poll_port" \
      "$POLL_CONNECTIONS" 2>>"$tmp/stderr"; then
    poll_ok=1
  else
    kill $poll_pid 2>/dev/null
  fi
  wait $poll_pid || poll_ok=0
  set -- "$1" $(sed -n 's/^events \([0-9]*\) cpu_ns \([0-9]*\) bad 0$/\1 \2/p' "$tmp/poll.out")
  if [ $poll_ok = 1 ] && [ $# = 3 ]; then
    echo "$2 $3" >>"$tmp/poll.$1"
    return 0
  fi
  echo "run.sh: the poller row's $1 failed:" >&2
  sed 's/^/  /' "$tmp/poll.out" "$tmp/stderr" >&2
  is_llsock "$1" && llsock_failed
  return 1
}

poll_fds=$((POLL_CONNECTIONS + 64))
poll_limit=$(ulimit -H -n)
if [ "$poll_limit" != unlimited ] && [ "$poll_limit" -lt $poll_fds ]; then
  echo "poller: skipped, $POLL_CONNECTIONS connections need $poll_fds fds a" \
    "process and the hard limit (ulimit -H -n) is $poll_limit"
else
  [ "$(ulimit -S -n)" = unlimited ] || [ "$(ulimit -S -n)" -ge $poll_fds ] ||
    ulimit -S -n $poll_fds
  echo "poller: median of $ROUNDS rounds of $POLL_CONNECTIONS connections ..."
  runs_done=0
  while [ $runs_done -lt $ROUNDS ]; do
    runs_done=$((runs_done + 1))
    for contestant in $POLL_CONTESTANTS; do
      [ -n "$(poll_server "$contestant")" ] || continue
      poll_round "$contestant"
    done
  done
  for contestant in $POLL_CONTESTANTS; do
    [ -f "$tmp/poll.$contestant" ] || continue
    [ "$(wc -l <"$tmp/poll.$contestant")" -eq $ROUNDS ] || continue
    # the median of each measure: events a CPU second, CPU ns a connection
    record poll "$contestant" eps "$(awk '{ print $1 * 1e9 / $2 }' "$tmp/poll.$contestant" | median)"
    record poll "$contestant" ns "$(awk -v n="$POLL_CONNECTIONS" '{ print $2 / n }' \
      "$tmp/poll.$contestant" | median)"
  done
  poll_measured=1
fi

# ---- instruction counts ------------------------------------------------------

# count OP CONTESTANT: its instructions per op into $tmp/instr.OP.CONTESTANT,
# or "unsupported" there when its library lacks the op.
count() {
  count_file=$tmp/instr.$1.$2
  for n in $SHORT $LONG; do
    run "$2" "$1" "$n" 0 valgrind -q --tool=callgrind \
      --callgrind-out-file="$tmp/callgrind.$1.$2.$n" >/dev/null
    case $? in
    0) ;;
    "$UNSUPPORTED") echo unsupported >"$count_file" && return ;;
    *) return ;;
    esac
  done
  short=$(sed -n 's/^summary: //p' "$tmp/callgrind.$1.$2.$SHORT")
  long=$(sed -n 's/^summary: //p' "$tmp/callgrind.$1.$2.$LONG")
  rm -f "$tmp/callgrind.$1.$2".*
  echo $(((long - short + (LONG - SHORT) / 2) / (LONG - SHORT))) >"$count_file"
}

if [ "${BENCH_NO_VALGRIND:-}" = 1 ] || ! command -v valgrind >/dev/null; then
  echo "instruction counts: skipped (valgrind not run), rows are n/a"
else
  echo "instruction counts: callgrind at $SHORT and $LONG ops, two at a time ..."
  jobs_running=0
  for op in $INSTR_OPS; do
    for contestant in $CONTESTANTS; do
      available "$contestant" || continue
      count "$op" "$contestant" &
      jobs_running=$((jobs_running + 1))
      if [ $jobs_running -eq 2 ]; then
        wait
        jobs_running=0
      fi
    done
  done
  wait
  for op in $INSTR_OPS; do
    for contestant in $CONTESTANTS; do
      [ -f "$tmp/instr.$op.$contestant" ] || continue
      case $(cat "$tmp/instr.$op.$contestant") in
      unsupported) record "$op" "$contestant" unsupported 1 ;;
      *) record "$op" "$contestant" instr "$(cat "$tmp/instr.$op.$contestant")" ;;
      esac
    done
  done
fi

# ---- the tables --------------------------------------------------------------

available "$BASELINE" || BASELINE=lua5.4
echo
awk -v contestants="$CONTESTANTS" -v ops="$INSTR_OPS" -v baseline="$BASELINE" \
  -f "$bench/table.awk" "$results"
echo
awk -v contestants="$CONTESTANTS" -v ops="$WALL_OPS" \
  -f "$bench/wall-table.awk" "$results"
if [ $poll_measured = 1 ]; then
  echo
  awk -v contestants="$POLL_CONTESTANTS" -v baseline="$BASELINE" \
    -v connections="$POLL_CONNECTIONS" -f "$bench/poll-table.awk" "$results"
fi

# ---- UDP segmentation offload: a table of its own ----------------------------

sh "$bench/gso.sh" "$builddir" || llsock_failed

if [ -f "$tmp/llsock-failed" ]; then
  echo "run.sh: llsock's own contestants failed (see above)" >&2
  exit 1
fi
exit 0
