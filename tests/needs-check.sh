#!/bin/sh
# Stands in for the C unit tests when configure found no Check: make check
# fails, and says what to install, rather than pass having tested less.
echo "The C unit tests (tests/check_*.c) need the Check framework, which" >&2
echo "configure did not find (pkg-config check >= 0.11)." >&2
echo "Install it (Debian: apt-get install check) and run configure again." >&2
exit 1
