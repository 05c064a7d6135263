# Drives llsockrun's command line: options, the arg table, exit status,
# standard input, shebang scripts, LUA_INIT and the built-in llsocket.
# Run by make check with LLSOCKRUN set; every case prints one line.

: "${LLSOCKRUN:?LLSOCKRUN must name the built llsockrun}"

# The user's own Lua environment must not change the results.
unset LUA_INIT LUA_INIT_5_4 LUA_PATH LUA_PATH_5_4 LUA_CPATH LUA_CPATH_5_4

tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsockrun-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99

TAB=$(printf '\t')
failures=0
count=0

pass() {
  count=$((count + 1))
  echo "ok $count - $1"
}

fail() {
  count=$((count + 1))
  failures=$((failures + 1))
  echo "not ok $count - $1"
  shift
  for line in "$@"; do
    echo "#   $line"
  done
}

# expect DESCRIPTION EXPECTED ACTUAL
expect() {
  if [ "$2" = "$3" ]; then
    pass "$1"
  else
    fail "$1" "expected: [$2]" "got:      [$3]"
  fi
}

# run ARGS...: runs llsockrun with stdin from /dev/null; sets $out, $err
# and $rc.
run() {
  "$LLSOCKRUN" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

# Like run, with standard input from the file named first.
run_stdin() {
  input=$1
  shift
  "$LLSOCKRUN" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

first_line() {
  printf '%s\n' "$1" | sed -n 1p
}

package_version=
if [ -n "${top_builddir:-}" ] && [ -f "$top_builddir/config.h" ]; then
  package_version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
fi

# ---- information options ------------------------------------------------------

# --version names llsockrun's and libllsock's versions, the embedded Lua and
# every compiled-in feature, and exits 0.
run --version
expect "--version exits 0" 0 "$rc"
expect "--version writes nothing to stderr" "" "$err"
run -e 'io.write(_VERSION)'
lua_version=$out
run --version
if [ -n "$package_version" ]; then
  expect "--version line 1 is llsockrun's version" \
    "llsockrun $package_version" "$(first_line "$out")"
fi
if [ -n "$package_version" ]; then
  expect "--version line 2 is the linked libllsock's release" \
    "libllsock $package_version" "$(printf '%s\n' "$out" | sed -n 2p)"
fi
case $(printf '%s\n' "$out" | sed -n 3p) in
"$lua_version".*"  Copyright"*) pass "--version line 3 is the Lua release" ;;
*) fail "--version line 3 is the Lua release" "got: $out" ;;
esac
for feature in "libedit" "IPv6" "unix sockets" "fd passing (SCM_RIGHTS)"; do
  if printf '%s\n' "$out" | grep -Eq "^$(printf '%s' "$feature" |
    sed 's/[()]/\\&/g'): (yes|no)\$"; then
    pass "--version reports '$feature'"
  else
    fail "--version reports '$feature'" "got: $out"
  fi
done
expect "--version: IPv6 is built in" "IPv6: yes" \
  "$(printf '%s\n' "$out" | grep '^IPv6:')"
expect "--version: unix sockets are built in" "unix sockets: yes" \
  "$(printf '%s\n' "$out" | grep '^unix sockets:')"

# -v prints one version line and, with nothing to run, stops there.
run -v
expect "-v exits 0" 0 "$rc"
case $out in
"llsockrun ${package_version:-*} (libllsock ${package_version:-*}), $lua_version."*"Copyright"*)
  pass "-v prints the version line" ;;
*) fail "-v prints the version line" "got: $out" ;;
esac
expect "-v prints exactly one line" 1 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"

# -v followed by -e prints the version, then runs the statement.
run -v -e 'print("after")'
expect "-v -e runs the statement after the version" "after" \
  "$(printf '%s\n' "$out" | sed -n 2p)"

# -h and --help print the usage on stdout, listing every option, and exit 0.
for opt in -h --help; do
  run "$opt"
  expect "$opt exits 0" 0 "$rc"
  expect "$opt starts with the usage line" \
    "usage: llsockrun [options] [script [args]]" "$(first_line "$out")"
  missing=
  for listed in "-e stat" "-i " "-l mod" "-l g=mod" "-v " "-E " "-W " "-- " \
    "-  " "-h, --help" "--version"; do
    printf '%s\n' "$out" | grep -qF -- "  $listed" || missing="$missing [$listed]"
  done
  expect "$opt lists every option" "" "$missing"
done

# ---- usage errors ----------------------------------------------------------------

# An unknown option is named on stderr, followed by the usage; exit 1.
for opt in -x -ix --foo -vv; do
  run "$opt"
  expect "unknown option $opt exits 1" 1 "$rc"
  expect "unknown option $opt is named" \
    "llsockrun: unrecognized option '$opt'" "$(first_line "$err")"
  expect "unknown option $opt prints nothing on stdout" "" "$out"
done
case $err in
*"usage: llsockrun [options] [script [args]]"*) pass "a usage error shows the usage" ;;
*) fail "a usage error shows the usage" "got: $err" ;;
esac

# -e and -l need an argument, and one that is not an option.
for opt in -e -l; do
  run "$opt"
  expect "$opt without argument exits 1" 1 "$rc"
  expect "$opt without argument is named" \
    "llsockrun: '$opt' needs argument" "$(first_line "$err")"
done
run -e -x
expect "-e followed by an option is a usage error" \
  "llsockrun: '-e' needs argument" "$(first_line "$err")"

# Nothing runs when the command line is wrong, not even earlier -e.
run -e 'print("ran")' -x
expect "a usage error runs no option" "" "$out"

# ---- -e, -l, -W --------------------------------------------------------------------

# -e statements run in order, glued or separate.
run -e 'io.write("a")' '-eio.write("b")' -e 'io.write("c")'
expect "-e statements run in order" "abc" "$out"

# An error in -e exits 1 with the message and a traceback.
run -e 'error("boom")'
expect "error in -e exits 1" 1 "$rc"
expect "error in -e is reported" "llsockrun: (command line):1: boom" \
  "$(first_line "$err")"
expect "error in -e has a traceback" "stack traceback:" \
  "$(printf '%s\n' "$err" | sed -n 2p)"

mkdir "$tmp/lib"
echo 'return { value = 42 }' >"$tmp/lib/mymod.lua"

# -l mod requires mod into the global mod.
LUA_PATH="$tmp/lib/?.lua" run -l mymod -e 'print(mymod.value)'
expect "-l mod sets global mod" "42" "$out"

# -l g=mod requires mod into the global g only.
LUA_PATH="$tmp/lib/?.lua" run -l g=mymod -e 'print(g.value, mymod)'
expect "-l g=mod sets global g" "42${TAB}nil" "$out"

# A glued -lmod works too, and -e/-l run in command-line order.
LUA_PATH="$tmp/lib/?.lua" run -e 'print(mymod)' -lmymod -e 'print(mymod.value)'
expect "-e and -l run in order" "nil
42" "$out"

# -l of a module that does not exist exits 1 naming it.
run -l nosuchmod
expect "-l of a missing module exits 1" 1 "$rc"
case $(first_line "$err") in
"llsockrun: module 'nosuchmod' not found:"*) pass "-l names the missing module" ;;
*) fail "-l names the missing module" "got: $err" ;;
esac

# -l llsocket needs no file on disk.
run -l llsocket -e 'print(type(llsocket.inet.bind))'
expect "-l llsocket works" "function" "$out"

# -W turns warnings on; they are off by default.
run -W -e 'warn("hello")'
expect "-W shows warnings" "Lua warning: hello" "$err"
run -e 'warn("hello")'
expect "warnings are off without -W" "" "$err"

# ---- scripts, arg and ... -------------------------------------------------------------

cat >"$tmp/args.lua" <<'EOF'
local t = {}
for i = -3, #arg do t[#t + 1] = i .. "=" .. tostring(arg[i]) end
print(table.concat(t, " "))
print(select("#", ...), ...)
EOF

# arg holds the interpreter and options below 0, the script at 0 and its
# arguments above; the same arguments are the chunk's "...".
run -W args.lua a "b c"
expect "arg table with a script" "-3=nil -2=$LLSOCKRUN -1=-W 0=args.lua 1=a 2=b c
2${TAB}a${TAB}b c" "$out"

# Without a script, arg[0] is the interpreter and the options follow it.
run -e 'print(arg[-1], arg[0], arg[1], arg[2], #arg)'
expect "arg table without a script" \
  "nil${TAB}$LLSOCKRUN${TAB}-e${TAB}print(arg[-1], arg[0], arg[1], arg[2], #arg)${TAB}2" \
  "$out"

# "--" ends the options: what follows is the script and its arguments.
run -- args.lua -e x
expect "-- ends the options" "-3=nil -2=$LLSOCKRUN -1=-- 0=args.lua 1=-e 2=x
2${TAB}-e${TAB}x" "$out"

# A script that does not exist is an error naming it.
run nosuch.lua
expect "missing script exits 1" 1 "$rc"
case $(first_line "$err") in
"llsockrun: cannot open nosuch.lua"*) pass "missing script is named" ;;
*) fail "missing script is named" "got: $err" ;;
esac

# A runtime error in a script exits 1 with the message and a traceback.
printf 'local x = 1\nerror("bad thing")\n' >"$tmp/err.lua"
run err.lua
expect "error in a script exits 1" 1 "$rc"
expect "error in a script is reported" "llsockrun: err.lua:2: bad thing" \
  "$(first_line "$err")"
case $err in
*"stack traceback:"*"err.lua:2: in main chunk"*) pass "error in a script has a traceback" ;;
*) fail "error in a script has a traceback" "got: $err" ;;
esac

# A syntax error is reported the same way.
printf 'x = = 1\n' >"$tmp/syntax.lua"
run syntax.lua
expect "syntax error exits 1" 1 "$rc"
expect "syntax error is reported" "llsockrun: syntax.lua:1: unexpected symbol near '='" \
  "$(first_line "$err")"

# An error object that is not a string is described, or uses __tostring.
run -e 'error({})'
expect "table error object is described" \
  "llsockrun: (error object is a table value)" "$(first_line "$err")"
run -e 'error(setmetatable({}, {__tostring = function() return "custom" end}))'
expect "__tostring error object" "llsockrun: custom" "$err"

# Exit status: 0 on success, os.exit's status otherwise.
run -e 'x = 1'
expect "success exits 0" 0 "$rc"
run -e 'os.exit(3)'
expect "os.exit(3) exits 3" 3 "$rc"
run -e 'os.exit(false)'
expect "os.exit(false) exits 1" 1 "$rc"
run -e 'os.exit(true, true)'
expect "os.exit(true, true) exits 0" 0 "$rc"
echo 'os.exit(7)' >"$tmp/exit7.lua"
run exit7.lua
expect "os.exit(7) in a script exits 7" 7 "$rc"

# ---- standard input ---------------------------------------------------------------------

echo 'print("from stdin", select("#", ...), arg[0] == arg[-1], #arg)' >"$tmp/stdin.lua"

# With no arguments and stdin not a terminal, stdin is the script.
run_stdin "$tmp/stdin.lua"
expect "no arguments runs stdin" "from stdin${TAB}0${TAB}false${TAB}0" "$out"
expect "no arguments on a pipe exits 0" 0 "$rc"

# "-" runs stdin, with the arguments after it.
echo 'print(arg[0], ...)' >"$tmp/dash.lua"
run_stdin "$tmp/dash.lua" - a b
expect "- runs stdin with arguments" "-${TAB}a${TAB}b" "$out"

# -e before "-" runs first.
echo 'print(x)' >"$tmp/printx.lua"
run_stdin "$tmp/printx.lua" -e 'x = 5' -
expect "-e runs before stdin" "5" "$out"

# An error in stdin is reported with the chunk name stdin.
echo 'error("oops")' >"$tmp/stdinerr.lua"
run_stdin "$tmp/stdinerr.lua" -
expect "error on stdin exits 1" 1 "$rc"
expect "error on stdin is reported" "llsockrun: stdin:1: oops" "$(first_line "$err")"

# After "--", "-" is a file named "-", not stdin.
echo 'print("the file named dash")' >"$tmp/-"
run_stdin "$tmp/printx.lua" -- -
expect "-- - runs the file named -" "the file named dash" "$out"

# -i runs the script, then reads statements from stdin (not a terminal here).
echo 'print("x is", x)' >"$tmp/repl_input.lua"
echo 'x = 9' >"$tmp/setx.lua"
run_stdin "$tmp/repl_input.lua" -i setx.lua
expect "-i exits 0 at end of input" 0 "$rc"
case $out in
"llsockrun "*"x is${TAB}9"*) pass "-i prints the version, then evaluates stdin after the script" ;;
*) fail "-i prints the version, then evaluates stdin after the script" "got: $out" ;;
esac

# exec with an empty argv must not crash (Linux may substitute "" for it).
if command -v perl >/dev/null 2>&1; then
  echo 'print("argc0 ok")' >"$tmp/argc0.lua"
  perl -e 'exec { $ARGV[0] } () or exit 99' "$LLSOCKRUN" \
    <"$tmp/argc0.lua" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  expect "argc == 0 runs stdin and exits 0" "0 argc0 ok" "$rc $(cat "$tmp/out")"
else
  echo "# skipped argc == 0: no perl"
fi

# ---- SIGINT ---------------------------------------------------------------------------------

# wait_for_file FILE: waits (at most 10 s) until FILE is not empty.
wait_for_file() {
  tries=0
  while [ ! -s "$1" ] && [ "$tries" -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
}

busy='io.stdout:write("ready\n") io.stdout:flush()
local t = os.clock() while os.clock() - t < 1.5 do end print("survived")'

# SIGINT stops a running script with "interrupted!" and status 1 (the
# shell starts background jobs with SIGINT ignored: env restores it).
if env --default-signal=INT true 2>/dev/null; then
  rm -f "$tmp/out"
  env --default-signal=INT "$LLSOCKRUN" -e "$busy" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  wait_for_file "$tmp/out"
  kill -INT "$pid"
  wait "$pid"
  rc=$?
  expect "SIGINT interrupts a script with status 1" 1 "$rc"
  case $(first_line "$(cat "$tmp/err")") in
  "llsockrun: "*"interrupted!") pass "SIGINT is reported as interrupted!" ;;
  *) fail "SIGINT is reported as interrupted!" "got: $(cat "$tmp/err")" ;;
  esac
else
  echo "# skipped SIGINT test: env has no --default-signal"
fi

# A SIGINT ignored since startup stays ignored: the script runs on.
rm -f "$tmp/out"
(trap '' INT; exec "$LLSOCKRUN" -e "$busy") >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for_file "$tmp/out"
kill -INT "$pid"
wait "$pid"
rc=$?
expect "an ignored SIGINT stays ignored" "0 ready
survived" "$rc $(cat "$tmp/out")"

# ---- shebang --------------------------------------------------------------------------------

# A script whose first line is #!<llsockrun> runs directly.
{
  echo "#!$LLSOCKRUN"
  echo 'print("shebang", ...)'
} >"$tmp/direct"
chmod +x "$tmp/direct"
out=$("$tmp/direct" one two 2>&1)
expect "#!/path/to/llsockrun script runs" "shebang${TAB}one${TAB}two" "$out"

# #!/usr/bin/env llsockrun works with llsockrun on PATH.
if [ -x /usr/bin/env ]; then
  mkdir "$tmp/bin"
  ln -s "$LLSOCKRUN" "$tmp/bin/llsockrun"
  {
    echo "#!/usr/bin/env llsockrun"
    echo 'print("env shebang", arg[0] ~= nil)'
  } >"$tmp/viaenv"
  chmod +x "$tmp/viaenv"
  out=$(PATH="$tmp/bin:$PATH" "$tmp/viaenv" 2>&1)
  expect "#!/usr/bin/env llsockrun script runs" "env shebang${TAB}true" "$out"
fi

# ---- LUA_INIT -------------------------------------------------------------------------------

# LUA_INIT runs before the options.
LUA_INIT='x = "init"' run -e 'print(x)'
expect "LUA_INIT runs first" "init" "$out"

# LUA_INIT_5_4 takes precedence over LUA_INIT.
LUA_INIT_5_4='x = "init54"' LUA_INIT='x = "init"' run -e 'print(x)'
expect "LUA_INIT_5_4 wins over LUA_INIT" "init54" "$out"

# An empty LUA_INIT_5_4 still hides LUA_INIT.
LUA_INIT_5_4='' LUA_INIT='error("must not run")' run -e 'print("ok")'
expect "empty LUA_INIT_5_4 hides LUA_INIT" "0 ok" "$rc $out"

# @file runs a file.
echo 'x = "from file"' >"$tmp/init.lua"
LUA_INIT="@$tmp/init.lua" run -e 'print(x)'
expect "LUA_INIT=@file runs the file" "from file" "$out"
echo 'x = "from file 54"' >"$tmp/init54.lua"
LUA_INIT_5_4="@$tmp/init54.lua" LUA_INIT="@$tmp/init.lua" run -e 'print(x)'
expect "LUA_INIT_5_4=@file wins over LUA_INIT=@file" "from file 54" "$out"

# An error in LUA_INIT stops llsockrun with status 1.
LUA_INIT='error("init failed")' run -e 'print("must not run")'
expect "error in LUA_INIT exits 1" 1 "$rc"
expect "error in LUA_INIT is reported" "llsockrun: LUA_INIT:1: init failed" \
  "$(first_line "$err")"
expect "error in LUA_INIT runs nothing else" "" "$out"

# -E ignores LUA_INIT, LUA_INIT_5_4 and LUA_PATH.
LUA_INIT='x = 1' LUA_INIT_5_4='x = 2' run -E -e 'print(x)'
expect "-E ignores LUA_INIT and LUA_INIT_5_4" "nil" "$out"
LUA_PATH="$tmp/nowhere/?.lua" run -e 'print((package.path:find("nowhere", 1, true)) ~= nil)'
expect "LUA_PATH is used without -E" "true" "$out"
LUA_PATH="$tmp/nowhere/?.lua" run -E -e 'print((package.path:find("nowhere", 1, true)) ~= nil)'
expect "-E ignores LUA_PATH" "false" "$out"

# ---- llsocket built in ------------------------------------------------------------------

# Only the REPL makes llsocket a global: a script from a file, -e or a pipe
# still requires it.
printf 'print(rawget(_G, "llsocket"))\n' >"$tmp/global.lua"
run "$tmp/global.lua"
expect "a script sees no llsocket global" "nil" "$out"
run_stdin "$tmp/global.lua"
expect "a script on standard input sees no llsocket global" "nil" "$out"
run_stdin "$tmp/global.lua" -i
expect "-i reading a pipe is the REPL: llsocket is a global" \
  "table" "$(printf '%s' "$out" | sed -n 's/^\(> \)*\(table\): .*/\2/p')"

# require "llsocket" needs no file: empty search paths, empty directory.
mkdir "$tmp/empty"
out=$(cd "$tmp/empty" && LUA_PATH='' LUA_CPATH='' "$LLSOCKRUN" -e '
  local s = require "llsocket"
  print(type(s), s == package.loaded.llsocket,
        type(package.preload.llsocket), rawget(_G, "llsocket"),
        (package.searchpath("llsocket", package.cpath)))' 2>&1)
expect "require llsocket works with no file on disk" \
  "table${TAB}true${TAB}function${TAB}nil${TAB}nil" "$(first_line "$out")"

# A real socket round trip through the built-in module, on loopback.
run -e '
  local s = require "llsocket"
  local fd = assert(s.inet.bind("127.0.0.1", 0, s.opt.SOCK_DGRAM))
  local addr = assert(s.sockname(fd))
  assert(s.sendto(fd, "ping", addr) == 4)
  io.write(s.recv(fd))
  s.close(fd)'
expect "llsocket sends and receives on loopback" "0 ping" "$rc $out"

# The binary carries its own Lua and libllsock.
if command -v ldd >/dev/null 2>&1 && head -c 4 "$LLSOCKRUN" | grep -q ELF; then
  libs=$(ldd "$LLSOCKRUN")
  expect "ldd shows no liblua and no libllsock" "" \
    "$(printf '%s\n' "$libs" | grep -E 'liblua|libllsock')"
else
  echo "# skipped ldd check: no ldd or not an ELF binary"
fi

# The Lua API is exported, so a system Lua C module loads (lua-socket).
run -e 'print(package.searchpath("socket.core", package.cpath) or "")'
if [ -n "$out" ]; then
  run -e 'local core = require "socket.core"; print(type(core.gettime))'
  expect "a system Lua C module loads into llsockrun" "function" "$out"
else
  echo "# skipped system C module: lua-socket for 5.4 not installed"
fi

echo "1..$count"
[ "$failures" -eq 0 ] || exit 1
exit 0
