#!/bin/sh
# make installcheck: installs into a temporary root (DESTDIR) and uses the
# install as a user would: the README's C example builds with pkg-config
# and runs, the system Lua requires the module, llsockrun runs a script,
# the rockspec builds the module against the installed libllsock (when
# luarocks is installed); then make uninstall must leave no file behind.
set -eu
: "${top_srcdir:?}" "${MAKE:?}" "${PACKAGE_VERSION:?}"
: "${bindir:?}" "${libdir:?}" "${pkgconfigdir:?}" "${mandir:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-installcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
root=$tmp/root
count=0
pass() {
  count=$((count + 1))
  echo "ok $count - $1"
}
fail() {
  echo "not ok - $1" >&2
  shift
  for f in "$@"; do sed 's/^/#   /' "$f" >&2; done
  exit 1
}

$MAKE install DESTDIR="$root" >"$tmp/install.log" 2>&1 ||
  fail "make install DESTDIR=$root" "$tmp/install.log"
pass "make install into $root"

# pkg-config reads only the installed libllsock.pc, and puts the
# temporary root in front of its paths.
PKG_CONFIG_LIBDIR=$root$pkgconfigdir
PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
unset PKG_CONFIG_PATH
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

# ---- the README's C example, built with pkg-config --------------------------
awk '$0 == "```c" { on = 1; next } on && $0 == "```" { exit } on { print }' \
  "$top_srcdir/README.md" >"$tmp/example.c"
test -s "$tmp/example.c" || fail "README has a C example"
flags=$($PKG_CONFIG --cflags --libs libllsock)
case $flags in
  *"$root"*) ;;
  *) echo "$flags" >"$tmp/flags"; fail "pkg-config names the installed paths" "$tmp/flags" ;;
esac
# shellcheck disable=SC2086 # flags are words
${CC:-cc} ${SANITIZERS:-} -Wall -Wextra -Werror -o "$tmp/example" \
  "$tmp/example.c" $flags >"$tmp/cc.log" 2>&1 ||
  fail "cc example.c \$(pkg-config --cflags --libs libllsock)" "$tmp/cc.log"
out=$(LD_LIBRARY_PATH=$root$libdir timeout 10 "$tmp/example" 2>&1) || true
[ "$out" = 'server got "hello"' ] ||
  { echo "$out" >"$tmp/out"; fail "the C example runs" "$tmp/out"; }
LD_LIBRARY_PATH=$root$libdir ldd "$tmp/example" | grep -q "$root$libdir/libllsock.so" ||
  fail "the C example uses the installed libllsock.so"
pass "README's C example builds with pkg-config and runs against the install"

# ---- a loopback round trip, for the system Lua and for llsockrun -------------
cat >"$tmp/roundtrip.lua" <<'LUA'
local llsocket = require "llsocket"
local a, b = llsocket.socketpair(llsocket.opt.SOCK_STREAM)
assert(llsocket.send(a, "installed") == 9)
io.write(llsocket.recv(b), " ", llsocket.version, "\n")
llsocket.close(a)
llsocket.close(b)
LUA

if [ -n "${luacmoddir:-}" ]; then
  test -f "$root$luacmoddir/llsocket.so" || fail "llsocket.so in $luacmoddir"
  test ! -e "$root$luacmoddir/llsocket.la" || fail "no llsocket.la next to it"
  if [ -z "${LUA:-}" ]; then
    echo "# no interpreter for the module's Lua: require not tried"
  else
    out=$(LD_PRELOAD=${SANITIZER_PRELOAD:-} timeout 10 "$LUA" \
            -e "package.cpath = '$root$luacmoddir/?.so'" \
            "$tmp/roundtrip.lua" 2>&1) || true
    [ "$out" = "installed $PACKAGE_VERSION" ] ||
      { echo "$out" >"$tmp/out"; fail "$LUA requires the installed module" "$tmp/out"; }
    pass "$LUA requires the installed llsocket.so"
  fi
fi

if [ -n "${host:-}" ]; then
  out=$(cd "$tmp" && timeout 10 "$root$bindir/llsockrun" roundtrip.lua 2>&1) || true
  [ "$out" = "installed $PACKAGE_VERSION" ] ||
    { echo "$out" >"$tmp/out"; fail "installed llsockrun runs a script" "$tmp/out"; }
  pass "the installed llsockrun runs a script"
fi

for page in man1/llsockrun.1 man3/llsock.3 man3/llsocket.3; do
  case $page in man1/llsockrun.1) [ -n "${host:-}" ] || continue ;; esac
  case $page in man3/llsocket.3) [ -n "${luacmoddir:-}" ] || continue ;; esac
  test -f "$root$mandir/$page" || fail "man page $page installed"
done
pass "man pages installed"

# ---- the rock, against the installed libllsock --------------------------------
rockspec=llsock-$PACKAGE_VERSION-1.rockspec
test -f "$top_srcdir/$rockspec" || fail "$rockspec names this version"
grep -q "^version = \"$PACKAGE_VERSION-1\"\$" "$top_srcdir/$rockspec" ||
  fail "$rockspec says version $PACKAGE_VERSION-1"
if [ -z "${LUA_ABI:-}" ] || [ -z "${LUA:-}" ]; then
  echo "# the module is not built here: the rock is not tried"
elif ! command -v luarocks >/dev/null 2>&1; then
  echo "# luarocks is not installed: the rock is not tried"
elif [ -n "${SANITIZER_PRELOAD:-}" ]; then
  echo "# sanitizer build: the rock is not tried"
else
  mkdir "$tmp/src" "$tmp/no-server" "$tmp/home"
  cp "$top_srcdir/$rockspec" "$tmp/src/"
  mkdir "$tmp/src/lualib"
  cp "$top_srcdir"/lualib/*.c "$top_srcdir"/lualib/*.h "$top_srcdir"/lualib/rock.mk \
    "$tmp/src/lualib/"
  # an empty directory as the only server: nothing can be downloaded
  (cd "$tmp/src" && HOME=$tmp/home luarocks --lua-version="$LUA_ABI" \
     --tree="$tmp/rocks" --only-server="$tmp/no-server" make "$rockspec") \
    >"$tmp/rock.log" 2>&1 || fail "luarocks make $rockspec" "$tmp/rock.log"
  out=$(timeout 10 "$LUA" -e "package.cpath = '$tmp/rocks/lib/lua/$LUA_ABI/?.so'" \
          "$tmp/roundtrip.lua" 2>&1) || true
  [ "$out" = "installed $PACKAGE_VERSION" ] ||
    { echo "$out" >"$tmp/out"; fail "$LUA requires the rock's module" "$tmp/out"; }
  pass "luarocks make $rockspec builds against the installed libllsock; $LUA requires it"
fi

# ---- make uninstall ---------------------------------------------------------
$MAKE uninstall DESTDIR="$root" >"$tmp/uninstall.log" 2>&1 ||
  fail "make uninstall" "$tmp/uninstall.log"
find "$root" ! -type d >"$tmp/left"
[ ! -s "$tmp/left" ] || fail "make uninstall leaves no file behind" "$tmp/left"
pass "make uninstall leaves no file behind"
