#!/bin/sh
# Generate configure and Makefile.in from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
# automake does not install its TAP driver by itself; the tests speak TAP.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
autoreconf -fi
