#!/bin/sh
# Replay the fuzzer's seed inputs (tests/fuzz/seeds/) and the inputs it
# once crashed on (tests/fuzz/regress/) through the real binary: each must
# be read to its end without a crash or a sanitizer report.  The first byte of a fuzz input picks the -F mode, as in
# fuzz_ingest.c.  Prints TAP.
set -u
bin=${VPCTOP_BIN:-./vpctop}
top=${VPCTOP_SRCDIR:-.}/tests/fuzz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

set --
for f in "$top"/seeds/* "$top"/regress/*; do
	case $f in *README*|*'*') continue ;; esac
	[ -f "$f" ] && set -- "$@" "$f"
done
echo "1..$#"
n=0
for f in "$@"; do
	n=$((n + 1))
	first=$(od -An -tu1 -N1 "$f" | tr -d ' ')
	case $(( ${first:-0} % 6 )) in
	0) spec=auto ;; 1) spec=v2 ;; 2) spec=v5 ;; 3) spec=v11 ;; 4) spec=tgw ;;
	*) spec="instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr" ;;
	esac
	tail -c +2 "$f" > "$tmp/in"
	"$bin" -b -F "$spec" -o json --stats "$tmp/in" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -le 1 ] && ! grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
		echo "ok $n - $(basename "$f")"
	else
		echo "not ok $n - $(basename "$f") (exit $rc)"
		sed 's/^/# /' "$tmp/err" | head -20
	fi
done
