#!/bin/sh
# The UDP segmentation offload table of make bench: datagrams per CPU
# second sent to a loopback receiver, by sendto, sendmmsg and one GSO send
# a batch, from C (libllsock) and from Lua (llsockrun), in one run.
# usage: gso.sh BUILDDIR; environment CC, CFLAGS, BENCH_GSO_DATAGRAMS.
set -u

bench=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$bench/.." && pwd)
builddir=${1:?usage: gso.sh BUILDDIR}
datagrams=${BENCH_GSO_DATAGRAMS:-320000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-gso-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

libllsock_a=$builddir/libllsock/.libs/libllsock.a
[ -f "$libllsock_a" ] || libllsock_a=$builddir/libllsock/.libs/libllsock-core.a
# shellcheck disable=SC2086 # CC and CFLAGS are words on purpose
${CC:-cc} ${CFLAGS:--O2} -I"$top_srcdir/libllsock" -o "$tmp/gso-bench" \
  "$bench/gso-bench.c" "$libllsock_a" || exit 1

echo
echo "UDP GSO: $datagrams datagrams of 1200 bytes each way, 32 per batch"
timeout 120 "$tmp/gso-bench" "$datagrams" >"$tmp/C"
status=$?
if [ $status -eq 77 ]; then
  echo "  no UDP GSO in this kernel: table skipped"
  exit 0
fi
[ $status -eq 0 ] || exit 1
LUA_PATH="$bench/?.lua;;" timeout 120 "$builddir/host/llsockrun" \
  "$bench/gso-bench.lua" "$datagrams" >"$tmp/Lua" || exit 1

awk '
  FILENAME ~ /C$/ { c[$1] = $2 }
  FILENAME ~ /Lua$/ { lua[$1] = $2 }
  END {
    split("sendto sendmmsg gso", order, " ")
    label["sendto"] = "sendto, one a call"
    label["sendmmsg"] = "sendmmsg, 32 a call"
    label["gso"] = "GSO sendmsg, 32 segments a call"
    printf "| %-32s | %16s | %16s |\n", "datagrams per CPU second", \
      "C (libllsock)", "Lua (llsockrun)"
    printf "| %-32s | %16s | %16s |\n", "---", "---:", "---:"
    for (i = 1; i <= 3; i++)
      printf "| %-32s | %16d | %16d |\n", label[order[i]], c[order[i]], \
        lua[order[i]]
  }' "$tmp/C" "$tmp/Lua"
