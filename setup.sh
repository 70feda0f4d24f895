#!/bin/sh
# Install the Debian/Ubuntu packages vpctop needs (only those missing), then
# generate, configure and build it in place.  Extra arguments go to configure.
set -e
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake pkg-config libncurses-dev
libtermkey-dev libpcre2-dev zlib1g-dev libjansson-dev libcmocka-dev tmux mawk bc"

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure "$@"
make -j"$(nproc 2>/dev/null || echo 2)"
