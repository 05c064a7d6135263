#!/bin/sh
# make check-valgrind: every Check program and Lua test under memcheck.
# Any error or leak fails the run.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$top_srcdir/tests/valgrind.supp"
failed=0 passed=0

run() {
  name=$1
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
    printf '%s\n' "$out" | tail -40
  fi
}

for t in "$top_builddir"/tests/check_*; do
  [ -x "$t" ] || continue
  run "$(basename "$t")" env CK_FORK=no $vg "$t"
done
alloc=$top_builddir/tests/.libs/alloc_fail
[ -x "$alloc" ] || alloc=$top_builddir/tests/alloc_fail
run alloc_fail $vg "$alloc"
# libtool wraps uninstalled programs: valgrind must see the real binary
host=$top_builddir/host/.libs/llsockrun
[ -x "$host" ] || host=$top_builddir/host/llsockrun
for t in "$top_srcdir"/tests/lua/test_*.lua; do
  run "$(basename "$t")" env LUA_PATH="$top_srcdir/tests/lua/?.lua;;" \
    $vg "$host" "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
