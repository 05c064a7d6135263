#!/bin/sh
# The README's examples work as pasted: the C program compiles against
# libllsock and runs, and every Lua block runs under llsockrun.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${LLSOCKRUN:?}"
readme=$top_srcdir/README.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Writes the n-th fenced block of language $1 to stdout.
block() {
  awk -v lang="$1" -v want="$2" '
    $0 == "```" lang { n++; if (n == want) { on = 1; next } }
    on && $0 == "```" { exit }
    on { print }
  ' "$readme"
}

block c 1 > "$tmp/example.c"
test -s "$tmp/example.c" || { echo "no C example in README"; exit 1; }
${CC:-cc} ${SANITIZERS:-} -Wall -Wextra -Werror -I"$top_srcdir/libllsock" -o "$tmp/example" \
  "$tmp/example.c" "$top_builddir/libllsock/.libs/libllsock.a"
out=$(timeout 10 "$tmp/example")
[ "$out" = 'server got "hello"' ] || { echo "C example printed: $out"; exit 1; }
echo "ok - C example compiles and runs"

i=1
while block lua $i > "$tmp/block$i.lua" && [ -s "$tmp/block$i.lua" ]; do
  if ! timeout 10 "$LLSOCKRUN" "$tmp/block$i.lua" > "$tmp/out$i" 2>&1; then
    echo "not ok - Lua block $i failed:"; cat "$tmp/out$i"; exit 1
  fi
  echo "ok - Lua block $i runs"
  i=$((i + 1))
done
[ $i -gt 2 ] || { echo "expected at least two Lua blocks in README"; exit 1; }
